// `tdq search-bits`: per-layer bits under a budget from a sensitivity run
// (core/jobs/bit_search_job.h).
#include <algorithm>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/cli/cli_support.h"
#include "app/cli/int_list.h"
#include "core/common/json_file.h"
#include "core/jobs/bit_search_job.h"
#include "core/run/run_folder.h"

namespace tdq::cli {

namespace {

struct SearchBitsCliOptions {
  CommonOptions common;
  BitSearchJob job;
  std::string sensitivity, out;
  double weight_budget = 0, input_budget = 0;  // 0: not given
  std::string weight_candidates, input_candidates;
  std::string damage = "local";
  std::string measure_statistic = "mean", measure_space = "pixels";
};

// "4,6,8,fp": bit widths, "fp" for kept FP (kFpBits).
std::vector<int> candidates(const std::string& text, const std::string& flag) {
  std::vector<int> bits;
  std::string numbers;
  for (std::size_t start = 0; start < text.size();) {
    const auto end = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, end - start);
    if (item == "fp")
      bits.push_back(kFpBits);
    else
      numbers += (numbers.empty() ? "" : ",") + item;
    start = end + 1;
  }
  if (!numbers.empty())
    for (auto b : parse_int_list(numbers, flag, 0)) bits.push_back(static_cast<int>(b));
  return bits;
}

void run_search_bits(const SearchBitsCliOptions& o) {
  apply_common_options(o.common);
  note_stale_temporaries(o.out, o.common);
  BitSearchJob job = o.job;
  job.sensitivity_run = o.sensitivity;
  job.seed = o.common.seed;
  job.device = o.common.device;
  if (o.weight_budget > 0) job.search.weight.mean_bits = o.weight_budget;
  if (o.input_budget > 0) job.search.input.mean_bits = o.input_budget;
  job.search.weight.candidates = candidates(o.weight_candidates, "--weight-candidates");
  job.search.input.candidates = candidates(o.input_candidates, "--input-candidates");
  job.search.damage = parse_damage_model(o.damage);
  job.measure_statistic = parse_sample_statistic(o.measure_statistic);
  job.measure_features = o.measure_space == "features";
  const auto written = run_bit_search_job(job, o.out, make_progress_bar("search-bits", o.common));
  const nlohmann::json run = read_run_json(written, "bit-search");
  std::ostringstream human;
  nlohmann::json result = {{"out", written.string()},
                           {"config", (written / "config.json").string()},
                           {"predicted", run.at("predicted")}};
  for (const char* kind : {"weight", "input"}) {
    const auto& k = run.at(kind);
    if (!k.at("searched").get<bool>()) continue;
    human << kind << " bits" << (k.at("per_window").get<bool>() ? " per time window" : "")
          << ": mean " << k.at("mean_bits").get<double>() << " of candidates "
          << k.at("candidates").dump() << ", predicted "
          << (run.at("damage") == "final" ? "final-sample" : "noise") << " MSE "
          << k.at("predicted").get<double>();
    if (k.at("predicted_lower_bound") != k.at("predicted"))
      human << " (no mix in the budget below " << k.at("predicted_lower_bound").get<double>()
            << ")";
    human << "\n";
  }
  if (run.contains("refinement")) {
    const auto& r = run.at("refinement");
    human << "refinement (measured on seeds " << r.at("seeds").dump() << " x " << r.at("count")
          << " samples; a proposal must win on every seed): started from "
          << r.at("started_from").get<std::string>();
    for (const auto& s : r.at("starts"))
      human << (s == r.at("starts").front() ? " (" : ", ") << s.at("name").get<std::string>() << " "
            << s.at("measured");
    human << "), " << r.at("rounds").size() << " rounds:\n";
    for (const auto& round : r.at("rounds")) {
      human << "  from " << round.at("from_measured") << ": "
            << (round.at("proposals").empty() ? std::string("the model sees no move that helps")
                : round.at("accepted").is_null()
                    ? std::string("no proposal lowers it by the minimum gain")
                    : "kept " + round.at("accepted").get<std::string>())
            << "\n";
    }
    human << "  refined: measured " << r.at("measured") << "\n";
    result["refinement"] = r;
  }
  if (run.contains("validation")) {
    const auto& v = run.at("validation");
    human << "validation (measured " << (run.at("damage") == "final" ? "final-sample" : "noise")
          << " MSE, " << v.at("seeds").size() << " seeds x " << v.at("count") << " samples):\n";
    for (const auto& c : v.at("configs")) {
      human << "  " << c.at("name").get<std::string>() << ": W " << c.at("weight_mean_bits")
            << " A " << c.at("input_mean_bits") << " bits, predicted " << c.at("predicted")
            << ", measured " << c.at("measured")
            << (c.at("searched_better_on_every_seed").get<bool>()
                    ? " (searched better on every seed)"
                    : "")
            << "\n";
    }
    human << "  rank correlation of predicted and measured: "
          << v.at("spearman_predicted_vs_measured").dump() << "\n";
    result["validation"] = v;
  }
  human << "config written to " << (written / "config.json").string()
        << " (tdq quantize --config takes it)\n";
  print_result(o.common, result, human.str());
}

}  // namespace

void add_search_bits_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<SearchBitsCliOptions>();
  CLI::App* c = app.add_subcommand(
      "search-bits",
      "Choose per-layer weight/activation bits under a mean-bit budget from a sensitivity run "
      "(exact; per time window: greedy with a bound), write the quantize config and the Pareto "
      "front; --validate measures it");
  c->add_option("--sensitivity", o->sensitivity, "Sensitivity run folder")->required();
  c->add_option("--out", o->out, "Run folder to create")->required();
  c->add_option("--weight-budget", o->weight_budget,
                "Mean weight bits (parameter-weighted) the choice may use")
      ->check(CLI::PositiveNumber);
  c->add_option("--input-budget", o->input_budget,
                "Mean activation bits (weighted by input elements) the choice may use")
      ->check(CLI::PositiveNumber);
  c->add_option("--weight-candidates", o->weight_candidates,
                "Weight bit widths to choose from, fp for kept FP (default: all the run measured)");
  c->add_option("--input-candidates", o->input_candidates,
                "Activation bit widths to choose from, fp for kept FP (default: all measured)");
  c->add_flag("--input-windows", o->job.search.input_windows,
              "Activation bits per layer and time window of the sensitivity run (a width per "
              "window costs nothing at sampling); minmax, ptq4dm, table and dynamic runs");
  c->add_option("--damage", o->damage,
                "What the additive model adds: local (noise error at the FP x_t) or final (each "
                "window's error times its measured gain into the final sample)")
      ->check(CLI::IsMember({"local", "final"}))
      ->capture_default_str();
  c->add_flag("--validate", o->job.validate,
              "Quantize and measure the searched config, every uniform candidate and random mixes "
              "of the same budget (PTQ methods)");
  c->add_option("--random-mixes", o->job.random_mixes, "Random mixes in the validation")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  c->add_option("--refine", o->job.refine_rounds,
                "Rounds of measured refinement: the additive model proposes moves, the measured "
                "error on the sensitivity seeds chooses (validation then uses other seeds)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  c->add_option(
       "--refine-proposals", o->job.refine_proposals,
       "Proposals measured per refinement round: the model's best compatible moves taken 1, 2, 4, "
       "... at a time")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  c->add_option("--refine-min-gain", o->job.refine_min_gain,
                "Relative drop of the measured error a move must bring to be kept")
      ->capture_default_str();
  c->add_option("--measure-n", o->job.measure_count,
                "Samples per seed the refinement and the validation measure (0: the sensitivity "
                "run's)")
      ->capture_default_str();
  c->add_option("--measure-statistic", o->measure_statistic,
                "With --damage final: how the refinement and the validation reduce the per-sample "
                "final errors of a seed: mean, median, or trimmed (mean of the smallest 75 %)")
      ->check(CLI::IsMember({"mean", "median", "trimmed"}))
      ->capture_default_str();
  c->add_option("--measure-space", o->measure_space,
                "With --damage final: per-sample error in pixels, or between the samples' "
                "features (--features, FID's network)")
      ->check(CLI::IsMember({"pixels", "features"}))
      ->capture_default_str();
  c->add_option("--features", o->job.features,
                "Feature network folder for --measure-space features (default: the shipped one)");
  c->add_option("--pareto-step", o->job.pareto_step, "Mean-bit spacing of the traced front")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  add_common_options(*c, o->common);
  c->callback([o, &action] { action = [o] { run_search_bits(*o); }; });
}

}  // namespace tdq::cli
