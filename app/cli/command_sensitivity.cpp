// `tdq sensitivity`: per-layer x time-window damage of quantization (core/jobs/sensitivity_job.h).
#include <algorithm>
#include <cstdio>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/cli/cli_support.h"
#include "app/cli/int_list.h"
#include "core/jobs/sensitivity_job.h"
#include "core/model/model_io.h"
#include "core/sensitivity/sample_statistic.h"
#include "core/sensitivity/sensitivity_run.h"

namespace tdq::cli {

namespace {

struct SensitivityCliOptions {
  CommonOptions common;
  SensitivityJob job;
  std::string model = default_model_dir().string();
  std::vector<std::string> quant;
  std::string out;
  std::string seeds = "0,1";
  SamplerOptions sampling;
  std::int64_t steps = SensitivityOptions{}.sampler.steps;
  bool whole = false;
  bool no_window_finals = false;
};

// The `count` rows of largest mean damage at the first (smallest) candidate.
nlohmann::json most_sensitive(const SensitivityResult& r, const at::Tensor& damage,
                              std::size_t count) {
  std::vector<std::pair<double, std::size_t>> order;
  for (std::size_t row = 0; row < static_cast<std::size_t>(r.layers_done); ++row)
    order.emplace_back(mean_damage(damage, 0, static_cast<std::int64_t>(row)), row);
  std::sort(order.rbegin(), order.rend());
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t i = 0; i < std::min(count, order.size()); ++i)
    out.push_back({{"path", r.layers[order[i].second].path}, {"mse", order[i].first}});
  return out;
}

void run_sensitivity(const SensitivityCliOptions& o) {
  apply_common_options(o.common);
  note_stale_temporaries(o.out, o.common);
  SensitivityJob job = o.job;
  job.model_dir = o.model;
  job.quant_runs.assign(o.quant.begin(), o.quant.end());
  job.device = o.common.device;
  job.options.seeds.clear();
  for (auto s : parse_int_list(o.seeds, "--seeds", 0))
    job.options.seeds.push_back(static_cast<std::uint64_t>(s));
  job.options.sampler = sampler_config(o.sampling, o.steps);
  job.options.per_layer = !o.whole;
  job.options.final_per_window = !o.no_window_finals;
  const auto written = run_sensitivity_job(job, o.out, make_progress_bar("sensitivity", o.common));
  const SensitivityRun run = read_sensitivity_run(written);
  const SensitivityResult& r = run.result;
  nlohmann::json result = {{"out", written.string()},
                           {"seconds", r.seconds},
                           {"layers", r.layers.size()},
                           {"weight_bits", r.weight_bits},
                           {"input_bits", r.input_bits}};
  std::ostringstream human;
  human << "sensitivity of " << r.layers.size() << " layers over " << r.windows.size()
        << " time windows, " << run.options.seeds.size() << " seeds x " << run.options.count
        << " samples, in " << r.seconds << " s\n";
  nlohmann::json whole = nlohmann::json::array();
  for (std::size_t i = 0; i < run.quant_runs.size(); ++i) {
    const double mse = r.twin_error.select(1, static_cast<std::int64_t>(i)).mean().item<double>();
    whole.push_back({{"run", run.quant_runs[i].string()}, {"mse", mse}});
    human << "  " << run.quant_runs[i].string() << ": noise MSE " << mse;
    if (r.twin_sample_error.defined()) {
      const double final =
          r.twin_sample_error.select(1, static_cast<std::int64_t>(i)).mean().item<double>();
      whole.back()["final_mse"] = final;
      human << ", final-sample MSE " << final;
      if (run.options.final_per_window) {
        human << " (gain per window:";
        for (double g : window_gains(r, i)) human << " " << g;
        human << ")";
      }
    }
    // Per-sample final errors, pixels and features: every statistic search-bits can measure by,
    // seed means.
    for (const auto& [space, errors] : {std::pair{"final_pixel", &r.twin_sample_errors},
                                        std::pair{"final_feature", &r.twin_feature_errors}}) {
      if (!errors->defined()) continue;
      const at::Tensor one = errors->select(1, static_cast<std::int64_t>(i));
      human << "\n    " << space << ":";
      for (auto s : {SampleStatistic::Mean, SampleStatistic::Median, SampleStatistic::Trimmed}) {
        const double v = sample_statistic(one, s).mean().item<double>();
        whole.back()[std::string(space) + "_" + to_string(s)] = v;
        human << " " << to_string(s) << " " << v;
      }
    }
    human << "\n";
  }
  result["whole"] = whole;
  if (run.options.per_layer) {
    result["weight_most_sensitive"] = most_sensitive(r, r.weight_damage, 5);
    result["input_most_sensitive"] = most_sensitive(r, r.input_damage, 5);
    for (const char* kind : {"weight", "input"}) {
      const bool w = kind[0] == 'w';
      human << "most sensitive " << kind << "s at " << (w ? r.weight_bits : r.input_bits).front()
            << " bits:";
      for (const auto& l : result[w ? "weight_most_sensitive" : "input_most_sensitive"])
        human << " " << l.at("path").get<std::string>();
      human << "\n";
    }
  }
  human << "run written to " << written.string() << "\n";
  print_result(o.common, result, human.str());
}

}  // namespace

void add_sensitivity_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<SensitivityCliOptions>();
  CLI::App* c = app.add_subcommand(
      "sensitivity",
      "Measure, per layer and time window, the noise error of quantizing each layer's weight or "
      "input alone and the gain of keeping it alone FP (resumable)");
  c->add_option("--model", o->model, "Model folder")->capture_default_str();
  c->add_option("--quant", o->quant,
                "Quantize run (repeat: one per bit setting, e.g. W4A4, W6A6, W8A8; the first is "
                "the base)")
      ->required();
  c->add_option("--out", o->out, "Run folder to create")->required();
  c->add_option("--n", o->job.options.count, "Samples per seed")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  c->add_option("--batch", o->job.options.batch_size, "Images per forward pass")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  c->add_option("--seeds", o->seeds, "Seeds of the initial noise, comma-separated")
      ->capture_default_str();
  c->add_option("--steps", o->steps, "Sampling steps")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  add_sampler_options(*c, o->sampling);
  c->add_option("--windows", o->job.options.windows, "Time windows (groups of sampling steps)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  c->add_flag("--feature-errors", o->job.feature_errors,
              "Also the per-sample distance of the final samples' features from FP's "
              "(--features; what search-bits --measure-space features measures)");
  c->add_option("--features", o->job.features,
                "Feature network folder for --feature-errors (default: the shipped one)");
  c->add_flag("--whole", o->whole,
              "Only each run's whole-model error (validating configs; any per-layer bits)");
  c->add_flag("--no-window-finals", o->no_window_finals,
              "Final-sample error only with each run in every step, not also from each window on "
              "(one sampling per run instead of one per window; no gains per window)");
  add_common_options(*c, o->common);
  c->callback([o, &action] { action = [o] { run_sensitivity(*o); }; });
}

}  // namespace tdq::cli
