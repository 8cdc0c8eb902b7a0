// `tdq demo`: the demo runs and their index, headless (core/jobs/demo_job.h).
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/cli/cli_support.h"
#include "app/cli/int_list.h"
#include "core/common/runtime.h"
#include "core/jobs/demo_job.h"

namespace tdq::cli {

namespace {

struct DemoCliOptions {
  CommonOptions common;
  DemoOptions demo;
  std::string model, runs = (std::filesystem::path(TDQ_SOURCE_DIR) / "resources" / "runs").string();
  std::string out, fid_steps = "20,10", features, ref, data, cache;
  bool no_fid_quant = false;
};

void run_demo_command(DemoCliOptions o) {
  apply_common_options(o.common);
  o.demo.model_dir = o.model;
  o.demo.runs_dir = o.runs;
  o.demo.seed = o.common.seed;
  o.demo.fid_steps = parse_int_list(o.fid_steps, "--fid-steps", 1);
  o.demo.fid_quant = !o.no_fid_quant;
  o.demo.features = o.features;
  o.demo.reference = o.ref;
  o.demo.data_dir = o.data;
  o.demo.cache_dir = o.cache;
  const DemoResult result = run_demo(
      o.demo, o.out, [&o](const std::string& stage) { return make_progress_bar(stage, o.common); });
  std::ostringstream human;
  nlohmann::json runs = nlohmann::json::array();
  for (const auto& run : result.runs) {
    human << run.kind << "  " << run.folder.string() << "  " << run.title << "\n";
    runs.push_back({{"kind", run.kind}, {"folder", run.folder.string()}, {"title", run.title}});
  }
  for (const auto& note : result.notes) human << "note: " << note << "\n";
  human << "index written to " << result.index.string() << " in " << result.seconds << " s\n";
  print_result(o.common,
               {{"out", o.out},
                {"index", result.index.string()},
                {"runs", runs},
                {"notes", result.notes},
                {"seconds", result.seconds}},
               human.str());
}

}  // namespace

void add_demo_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<DemoCliOptions>();
  CLI::App* c = app.add_subcommand(
      "demo", "Record the demo runs (FP and quantized analyze runs, FID) and an index.md");
  c->add_option("--out", o->out, "Folder to create (must be missing or empty)")->required();
  c->add_option("--model", o->model, "Model folder (default: the shipped model)");
  c->add_option("--runs", o->runs,
                "Folder of shipped quantize runs to analyze (none: MinMax W8A4 is made here)")
      ->capture_default_str();
  c->add_option("--n", o->demo.n, "Analyze samples")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  c->add_option("--steps", o->demo.steps, "Analyze DDIM steps")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  c->add_option("--calib", o->demo.calib, "Calibration samples of the MinMax run made here")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  c->add_option("--fid-n", o->demo.fid_n, "Samples per FID point (0: no FID runs)")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  c->add_option("--fid-steps", o->fid_steps, "FID step counts, comma-separated")
      ->capture_default_str();
  c->add_flag("--no-fid-quant", o->no_fid_quant, "FID of the FP model only");
  c->add_option("--features", o->features, "Feature network folder (default: the shipped one)");
  c->add_option("--ref", o->ref, "Reference statistics .safetensors (default: Fashion-MNIST test)");
  c->add_option("--data", o->data, "Fashion-MNIST folder for the reference statistics");
  c->add_option("--cache", o->cache,
                "Folder for cached reference statistics (default: OUT/.cache)");
  add_common_options(*c, o->common);
  c->callback([o, &action] { action = [o] { run_demo_command(*o); }; });
}

}  // namespace tdq::cli
