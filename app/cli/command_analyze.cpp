#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/cli/cli_support.h"
#include "core/common/errors.h"
#include "core/common/json_number.h"
#include "core/common/runtime.h"
#include "core/dist/dist_context.h"
#include "core/quant/quant_run.h"
#include "core/record/analysis_io.h"
#include "core/record/schedule_coverage.h"
#include "core/run/run_folder.h"

namespace tdq::cli {

namespace {

struct AnalyzeCliOptions {
  CommonOptions common;
  std::string model = default_model_dir().string();
  std::string quant;
  std::string out;
  SamplerOptions sampling;
  std::int64_t n = 32;
  std::int64_t steps = 100;
  std::int64_t batch = 32;
  std::int64_t bins = 128;
  std::int64_t edge_samples = 8;
  int oracle_bits = 0;
};

std::string percent(const nlohmann::json& v) {
  if (!v.is_number()) return "undefined";
  char text[16];
  std::snprintf(text, sizeof text, "%.1f%%", 100.0 * v.get<double>());
  return text;
}

void run_analyze(const AnalyzeCliOptions& given) {
  // Under torchrun or --nproc every rank runs this; one process is the world of size 1.
  const DistContext dist = connect_dist(dist_env_from_process());
  AnalyzeCliOptions o = given;
  if (!is_root(dist)) o.common.quiet = true;  // one progress bar and one report: rank 0's
  apply_common_options(o.common);
  note_stale_temporaries(o.out, o.common);
  const c10::Device device = parse_device(o.common.device);
  LoadedModel loaded = load_model(o.model);
  loaded.model->to(device);
  AnalyzeOptions options;
  options.record.count = o.n;
  options.record.batch_size = o.batch;
  options.record.seed = o.common.seed;
  options.record.sampler = sampler_config(o.sampling, o.steps);
  options.record.bins = o.bins;
  options.edge_samples = o.edge_samples;
  options.oracle_bits = o.oracle_bits;
  std::unique_ptr<QuantizedModel> twin;
  if (!o.quant.empty()) {
    twin = load_quantize_run(o.quant, loaded);
    options.calibration_timesteps = calibration_timesteps_of(
        o.quant, sampling_timesteps(options.record.sampler, linear_schedule().num_timesteps));
  }
  // Refuse an existing --out before hours of sampling, not after.
  if (std::filesystem::exists(o.out)) {
    throw IoError(o.out + ": run folder exists already (choose another --out or remove it)");
  }
  const auto start = std::chrono::steady_clock::now();
  const AnalysisRun run = run_analysis(loaded, twin.get(), o.quant, linear_schedule(), options,
                                       make_progress_bar("analyze", o.common), dist);
  if (!is_root(dist)) return;  // every rank holds the record; rank 0 alone writes and reports
  const auto written = write_analysis_run(run, o.out);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const nlohmann::json summary = summary_json(run.analysis);
  std::ostringstream human;
  human << "time dependence (Pearson r of t and the per-step "
        << summary.at("statistic").get<std::string>() << " of each quantizer input, "
        << summary.at("layers") << " layers, " << o.n << " samples, " << o.sampling.sampler << " "
        << o.steps << " steps): |r| > 0.5 in " << percent(summary.at("fraction_above_0.5"))
        << ", |r| > 0.7 in " << percent(summary.at("fraction_above_0.7"))
        << " of layers (paper: 62.1% / 38.8%)\n";
  human << "most time-dependent:";
  for (const auto& l : summary.at("most_time_dependent"))
    human << " " << l.at("path").get<std::string>();
  human << "\nleast time-dependent:";
  for (const auto& l : summary.at("least_time_dependent"))
    human << " " << l.at("path").get<std::string>();
  if (summary.contains("oracle")) {
    const auto& oracle = summary.at("oracle");
    char line[320];
    std::snprintf(line, sizeof line,
                  "\noracle bound (%s bits): a perfect s(t) would cut the input MSE of the best "
                  "static interval by %s summed over %d layers (per layer: median %s, up to %s); "
                  "most to gain:",
                  oracle.at("bits").dump().c_str(), percent(oracle.at("gain_fraction")).c_str(),
                  json_as<int>(oracle.at("layers")),
                  percent(oracle.at("median_layer_gain_fraction")).c_str(),
                  percent(oracle.at("max_layer_gain_fraction")).c_str());
    human << line;
    for (const auto& l : oracle.at("top")) human << " " << l.at("path").get<std::string>();
  }
  human << "\nrun written to " << written.string() << " in " << seconds << " s\n";
  nlohmann::json result = summary;
  result["out"] = written.string();
  result["seconds"] = seconds;
  result["accumulator_bytes"] = run.analysis.info.accumulator_bytes;
  print_result(o.common, result, human.str());
}

}  // namespace

void add_analyze_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<AnalyzeCliOptions>();
  CLI::App* c = app.add_subcommand("analyze",
                                   "Record every quantizer input per sampling step (FP and "
                                   "quantized side by side) and measure time dependence");
  c->add_option("--model", o->model, "Model folder")->capture_default_str();
  c->add_option("--quant", o->quant,
                "Quantize run folder: record its twin side by side (local and trajectory)");
  c->add_option("--out", o->out, "Run folder to create")->required();
  c->add_option("--n", o->n, "Number of samples")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  c->add_option("--steps", o->steps, "Sampling steps")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  add_sampler_options(*c, o->sampling);
  c->add_option("--batch", o->batch, "Images per forward pass")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  c->add_option("--bins", o->bins, "Histogram bins per layer")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  c->add_option("--edge-samples", o->edge_samples,
                "Samples of the FP pass that fixes the histogram edges")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  c->add_option("--oracle-bits", o->oracle_bits,
                "Activation bits of the oracle bound (best s(t) vs best static interval; 0: each "
                "layer's own)")
      ->check(CLI::Range(0, 8))
      ->capture_default_str();
  add_common_options(*c, o->common);
  add_nproc_option(*c);
  c->callback([o, &action] { action = [o] { run_analyze(*o); }; });
}

}  // namespace tdq::cli
