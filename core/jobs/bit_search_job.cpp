#include "core/jobs/bit_search_job.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <numeric>
#include <optional>
#include <sstream>

#include "core/common/errors.h"
#include "core/common/file_io.h"
#include "core/common/runtime.h"
#include "core/eval/feature_extractor.h"
#include "core/jobs/quantize_job.h"
#include "core/model/find_model.h"
#include "core/quant/quant_run.h"
#include "core/record/pearson.h"
#include "core/run/run_folder.h"

namespace tdq {

namespace {

struct Searched {
  BitProblem problem;
  BitChoice choice;
  bool searched = false;  // false: the base config's bits everywhere
};

Searched search(const SensitivityRun& run, bool weights, const BitBudget& budget,
                DamageModel damage, bool per_window = false) {
  Searched s;
  const int base = weights ? run.base_config.w_bits : run.base_config.a_bits;
  if (budget.mean_bits) {
    s.problem = bit_problem(run, weights, budget.candidates, per_window, damage);
    s.choice = search_kind(s.problem, *budget.mean_bits,
                           weights ? "search.weight_budget" : "search.input_budget");
    s.searched = true;
  } else {
    s.problem = bit_problem(run, weights, {base}, false, damage);
    s.choice = uniform_choice(s.problem, base);
  }
  return s;
}

// The best allocation at every mean bit width from the smallest candidate to the largest. Its
// predicted error is of the whole config: this kind's best mix plus `other` (the other kind's
// predicted damage as chosen), so validated configs' measured errors sit on the same scale.
// Per window, where the Pareto set is too large to hold, each point is the greedy search at that
// budget, with the bound on its distance to the optimum.
nlohmann::json pareto_trace(const BitProblem& p, double step, double other) {
  nlohmann::json points = nlohmann::json::array();
  if (p.windows > 1) {
    for (double m = p.bits.front(); m <= p.bits.back() + 1e-9; m += step) {
      const BitChoice c = search_kind(p, m, "search.pareto_step");
      points.push_back({{"budget_mean_bits", m},
                        {"mean_bits", c.mean_bits},
                        {"predicted", c.predicted + other},
                        {"lower_bound", c.lower_bound + other}});
    }
    return {
        {"solver", "greedy (LP relaxation)"}, {"other_kind_predicted", other}, {"points", points}};
  }
  const auto front = pareto_allocations(p.items);
  for (double m = p.bits.front(); m <= p.bits.back() + 1e-9; m += step) {
    const std::int64_t budget = budget_cost(p, m);
    const Allocation* best = nullptr;
    for (const auto& a : front)
      if (a.cost <= budget) best = &a;
    if (!best) continue;
    const BitChoice c = to_choice(p, *best);
    points.push_back(
        {{"budget_mean_bits", m}, {"mean_bits", c.mean_bits}, {"predicted", c.predicted + other}});
  }
  return {{"solver", "exact (Pareto dynamic programming)"},
          {"pareto_optimal_allocations", front.size()},
          {"other_kind_predicted", other},
          {"points", points}};
}

// One configuration to measure: the choice of each kind.
struct Candidate {
  std::string name;
  BitChoice w, a;
  double predicted() const { return w.predicted + a.predicted; }
};

// Quantizes candidate configs by the validation recipe and measures them against FP, with the
// model loaded once.
class Measurer {
 public:
  Measurer(const SensitivityRun& run, const BitSearchJob& job)
      : run_(run),
        job_(job),
        loaded_(find_model(job.sensitivity_run, run.model_dir, run.model_sha256)) {
    loaded_.model->to(parse_device(job.device));
    if (job.measure_features) {
      const auto& images = loaded_.model->config();
      features_ = feature_net_for_samples(job.features, images.in_channels, images.sample_size,
                                          parse_device(job.device), "search.features");
    }
  }

  bool final_damage() const { return job_.search.damage == DamageModel::Final; }

  // [seeds, candidates] on the scale of the prediction: the final-sample error (every step
  // quantized) with final damage, else the noise-prediction error at the FP x_t, mean over
  // windows. Each candidate's quantize run is written under `runs` when given.
  at::Tensor measure(const std::vector<Candidate>& candidates,
                     const std::vector<std::uint64_t>& seeds, const std::filesystem::path& runs,
                     const ProgressFn& progress) {
    std::vector<std::unique_ptr<QuantizedModel>> owned;
    std::vector<QuantizedModel*> twins;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      QuantizeJob q;
      q.model_dir = loaded_.dir;
      q.quant = searched_config(run_, candidates[i].w.bits, candidates[i].a.bits);
      q.seed = job_.seed;
      q.device = job_.device;
      if (trains(q)) {
        throw ConfigError("search.validate", to_string(q.quant.method),
                          "validation calibrates each config; a QAT method trains: quantize the "
                          "config with `tdq quantize --config` and measure the runs with "
                          "`tdq sensitivity --whole`");
      }
      QuantizeOutcome outcome = quantize_model(q, loaded_);
      if (!runs.empty()) {
        write_quantize_run(loaded_, *outcome.twin, outcome.calibration, outcome.metrics,
                           runs / candidates[i].name);
      }
      owned.push_back(std::move(outcome.twin));
      twins.push_back(owned.back().get());
      report_progress(progress, {static_cast<std::int64_t>(i + 1),
                                 static_cast<std::int64_t>(candidates.size() + 1),
                                 "quantized " + candidates[i].name});
    }
    SensitivityOptions options = run_.options;
    options.seeds = seeds;
    options.count = count();
    options.per_layer = false;
    options.final_errors = final_damage();
    options.final_per_window = false;  // only the error with every step quantized is used
    options.features = features_.get();
    const SensitivityResult measured =
        measure_sensitivity(*loaded_.model, twins, linear_schedule(), options);
    seconds_ += measured.seconds;
    if (!final_damage()) return measured.twin_error.mean(2);
    return sample_statistic(features_ ? measured.twin_feature_errors : measured.twin_sample_errors,
                            job_.measure_statistic);
  }

  // What measure() measures, for run.json.
  std::string description() const {
    if (!final_damage()) return "noise-prediction MSE against FP at the FP x_t, mean over windows";
    return "final-sample error against FP from the same noise, the config in every step: " +
           to_string(job_.measure_statistic) + " over samples of the " +
           (features_
                ? "squared distance of their " + features_->name() + " features, per dimension"
                : std::string("mean squared pixel difference"));
  }

  double seconds() const { return seconds_; }
  // Samples per seed of every measurement.
  std::int64_t count() const {
    return job_.measure_count > 0 ? job_.measure_count : run_.options.count;
  }

 private:
  const SensitivityRun& run_;
  const BitSearchJob& job_;
  LoadedModel loaded_;
  std::unique_ptr<FeatureExtractor> features_;
  double seconds_ = 0;
};

// The seed means of measure()'s [seeds, candidates].
std::vector<double> seed_means(const at::Tensor& per_seed) {
  const at::Tensor mean = per_seed.mean(0).contiguous();
  return {mean.data_ptr<double>(), mean.data_ptr<double>() + mean.numel()};
}

// Column `i` of measure()'s [seeds, candidates]: one candidate's error per seed.
std::vector<double> per_seed(const at::Tensor& measured, std::size_t i) {
  const at::Tensor column = measured.select(1, static_cast<std::int64_t>(i)).contiguous();
  return {column.data_ptr<double>(), column.data_ptr<double>() + column.numel()};
}

nlohmann::json candidate_json(const Candidate& c, double measured) {
  return {{"name", c.name},
          {"weight_mean_bits", c.w.mean_bits},
          {"input_mean_bits", c.a.mean_bits},
          {"predicted", c.predicted()},
          {"measured", measured}};
}

// Where a kind's uniform config at its budget exists (the budget is a candidate width), else
// nullopt; an unsearched kind keeps its choice.
std::optional<BitChoice> uniform_at_budget(const Searched& s, const BitBudget& budget) {
  if (!s.searched) return s.choice;
  for (int b : s.problem.bits)
    if (b != kFpBits && static_cast<double>(b) == *budget.mean_bits)
      return uniform_choice(s.problem, b);
  return std::nullopt;
}

// A row of a kind's problem by its layer (and time window, per window).
std::string row_name(const SensitivityRun& run, const BitProblem& problem, std::size_t row) {
  const auto windows = static_cast<std::size_t>(problem.windows);
  std::string name = run.result.layers.at(row / windows).path;
  if (windows > 1) {
    const TimeWindow& w = run.result.windows.at(row % windows);
    name += " t" + std::to_string(w.t_first) + "-" + std::to_string(w.t_last);
  }
  return name;
}

// The measured refinement of BitSearchJob (refine_rounds): replaces the searched choices by the
// refined ones and returns its record for run.json.
nlohmann::json refine(Measurer& measurer, const SensitivityRun& run, const BitSearchJob& job,
                      Searched& w, Searched& a, const std::vector<std::uint64_t>& seeds,
                      const ProgressFn& progress) {
  std::vector<Candidate> starts = {{"additive", w.choice, a.choice}};
  const auto uw = uniform_at_budget(w, job.search.weight);
  const auto ua = uniform_at_budget(a, job.search.input);
  if (uw && ua) starts.push_back({"uniform", *uw, *ua});
  const at::Tensor start_measured = measurer.measure(starts, seeds, {}, progress);
  const std::vector<double> start_means = seed_means(start_measured);
  nlohmann::json start_rows = nlohmann::json::array();
  for (std::size_t i = 0; i < starts.size(); ++i) {
    start_rows.push_back(candidate_json(starts[i], start_means[i]));
    start_rows.back()["measured_per_seed"] = per_seed(start_measured, i);
  }
  // From uniform bits where the budget has them: from the additive optimum the model sees no move
  // that helps, so the path from uniform towards it is what the measurement can choose along. The
  // optimum itself is a proposal of the first round.
  const std::size_t first = starts.size() > 1 ? 1 : 0;
  Candidate current = starts[first];
  double current_measured = start_means[first];
  std::vector<double> current_per_seed = per_seed(start_measured, first);
  nlohmann::json rounds = nlohmann::json::array();
  for (std::int64_t r = 0; r < job.refine_rounds; ++r) {
    std::vector<Candidate> proposals;
    // The model's direction (model_direction), measured at 1, 2, 4, ... moves: the measurement
    // chooses how far to follow it.
    const auto propose = [&](const Searched& s, const BitChoice& from, bool weights,
                             double budget) {
      if (!s.searched) return;
      const auto moves = model_direction(s.problem, from.bits, budget);
      for (std::size_t k = 0, length = 1;
           k < static_cast<std::size_t>(job.refine_proposals) && !moves.empty(); ++k, length *= 2) {
        const std::vector<BitMove> prefix(moves.begin(),
                                          moves.begin() + std::min(length, moves.size()));
        Candidate c = current;
        (weights ? c.w : c.a) = apply_moves(s.problem, from.bits, prefix);
        c.name = std::string(weights ? "w" : "a") + " " + std::to_string(prefix.size()) +
                 (prefix.size() == 1 ? " move" : " moves") + " (first: up " +
                 row_name(run, s.problem, prefix[0].up) +
                 (prefix[0].down ? ", down " + row_name(run, s.problem, *prefix[0].down) : "") +
                 ")";
        proposals.push_back(c);
        if (length >= moves.size()) break;
      }
    };
    propose(w, current.w, true, job.search.weight.mean_bits.value_or(0));
    propose(a, current.a, false, job.search.input.mean_bits.value_or(0));
    at::Tensor measured = proposals.empty()
                              ? at::empty({static_cast<std::int64_t>(seeds.size()), 0}, at::kDouble)
                              : measurer.measure(proposals, seeds, {}, progress);
    if (r == 0 && first != 0) {  // the additive optimum: measured already, as a start
      proposals.push_back(starts[0]);
      measured = at::cat({measured, start_measured.narrow(1, 0, 1)}, 1);
    }
    if (proposals.empty()) {  // the model sees nothing to improve: recorded, so run.json says why
      rounds.push_back({{"from_measured", current_measured},
                        {"proposals", nlohmann::json::array()},
                        {"accepted", nullptr}});
      break;
    }
    // Kept only if it wins on every seed (paired, by the minimum gain), as a result row must; the
    // best of those by the mean. Per-sample final errors are heavy-tailed, so the mean of tens of
    // samples is noisy: at 8 samples a seed a single moved row measured 16 % better on the search
    // seeds and 1.9x worse on others.
    const std::vector<double> means = seed_means(measured);
    std::optional<std::size_t> best;
    nlohmann::json rows = nlohmann::json::array();
    for (std::size_t i = 0; i < proposals.size(); ++i) {
      const std::vector<double> values = per_seed(measured, i);
      bool wins = true;
      for (std::size_t k = 0; k < values.size(); ++k)
        wins = wins && values[k] < current_per_seed[k] * (1.0 - job.refine_min_gain);
      if (wins && (!best || means[i] < means[*best])) best = i;
      rows.push_back(candidate_json(proposals[i], means[i]));
      rows.back().update({{"measured_per_seed", values}, {"wins_on_every_seed", wins}});
    }
    rounds.push_back(
        {{"from_measured", current_measured},
         {"from_measured_per_seed", current_per_seed},
         {"proposals", rows},
         {"accepted", best ? nlohmann::json(proposals[*best].name) : nlohmann::json()}});
    report_progress(progress, {r + 1, job.refine_rounds,
                               best ? "refined: " + proposals[*best].name : "refined: no gain"});
    if (!best) break;
    current = proposals[*best];
    current_measured = means[*best];
    current_per_seed = per_seed(measured, *best);
  }
  w.choice = current.w;
  a.choice = current.a;
  return {{"starts", start_rows},
          {"started_from", starts[first].name},
          {"rounds", rounds},
          {"measured", current_measured},
          {"measure", measurer.description()},
          {"seeds", seeds},
          {"count", measurer.count()},
          {"seconds", measurer.seconds()},
          {"min_gain", job.refine_min_gain},
          {"proposals_per_round", job.refine_proposals}};
}

nlohmann::json choice_json(const SensitivityRun& run, const Searched& s) {
  nlohmann::json layers = nlohmann::json::array();
  const auto windows = static_cast<std::size_t>(s.problem.windows);
  for (std::size_t row = 0; row < run.result.layers.size(); ++row) {
    nlohmann::json layer = {{"path", run.result.layers[row].path}};
    if (windows == 1) {
      layer["bits"] = s.choice.bits.at(row);
    } else {  // "fp" as kFpBits, one per window of the sensitivity run, noisiest first
      layer["bits_per_window"] = std::vector<int>(s.choice.bits.begin() + row * windows,
                                                  s.choice.bits.begin() + (row + 1) * windows);
    }
    layers.push_back(layer);
  }
  return {{"searched", s.searched},
          {"per_window", windows > 1},
          {"candidates", s.problem.bits},
          {"mean_bits", s.choice.mean_bits},
          {"predicted", s.choice.predicted},
          {"predicted_lower_bound", s.choice.lower_bound},
          {"layers", layers}};
}

}  // namespace

std::optional<double> spearman(const std::vector<double>& x, const std::vector<double>& y) {
  const auto ranks = [](const std::vector<double>& v) {
    std::vector<std::size_t> order(v.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](auto a, auto b) { return v[a] < v[b]; });
    std::vector<double> r(v.size());
    for (std::size_t i = 0; i < order.size();) {
      std::size_t j = i;
      while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
      for (std::size_t k = i; k <= j; ++k) r[order[k]] = 0.5 * static_cast<double>(i + j);
      i = j + 1;
    }
    return r;
  };
  if (x.size() != y.size() || x.size() < 3) return std::nullopt;
  return pearson(ranks(x), ranks(y));
}

std::filesystem::path run_bit_search_job(const BitSearchJob& job, const std::filesystem::path& out,
                                         const ProgressFn& progress) {
  require_new_run_folder(out);
  if (!job.search.weight.mean_bits && !job.search.input.mean_bits) {
    throw ConfigError("search.weight_budget", "(none)", "give a weight or an input budget");
  }
  if (!(job.pareto_step > 0)) {
    throw ConfigError("search.pareto_step", std::to_string(job.pareto_step), "must be positive");
  }
  if (job.refine_rounds < 0 || (job.refine_rounds > 0 && job.refine_proposals < 1)) {
    throw ConfigError("search.refine_rounds",
                      std::to_string(job.refine_rounds) + " rounds of " +
                          std::to_string(job.refine_proposals) + " proposals",
                      "rounds must be >= 0 and proposals >= 1");
  }
  if (job.measure_count < 0) {
    throw ConfigError("search.measure_count", std::to_string(job.measure_count),
                      "must be >= 0 (0: the sensitivity run's samples per seed)");
  }
  if (!(job.refine_min_gain >= 0 && job.refine_min_gain < 1)) {
    throw ConfigError("search.refine_min_gain", std::to_string(job.refine_min_gain),
                      "must be in [0, 1)");
  }
  if ((job.measure_statistic != SampleStatistic::Mean || job.measure_features) &&
      job.search.damage != DamageModel::Final) {
    throw ConfigError(job.measure_features ? "search.measure_features" : "search.measure_statistic",
                      job.measure_features ? "features" : to_string(job.measure_statistic),
                      "per-sample measures are of final samples: search with the final damage");
  }
  if (job.random_mixes < 0) {
    throw ConfigError("search.random_mixes", std::to_string(job.random_mixes), "must be >= 0");
  }
  const SensitivityRun run = read_sensitivity_run(job.sensitivity_run);
  if (job.search.input_windows && !job.search.input.mean_bits) {
    throw ConfigError("search.input_windows", "true", "bits per time window need an input budget");
  }
  if (job.search.input_windows && !supports_window_bits(run.base_config.method)) {
    throw ConfigError("search.input_windows", to_string(run.base_config.method),
                      "the sensitivity run's base method cannot take bits per time window "
                      "(minmax, ptq4dm, table and dynamic can)");
  }
  const DamageModel damage = job.search.damage;
  Searched w = search(run, true, job.search.weight, damage);
  Searched a = search(run, false, job.search.input, damage, job.search.input_windows);
  const bool final_damage = damage == DamageModel::Final;
  const Candidate additive{"additive", w.choice, a.choice};

  std::optional<Measurer> measurer;
  if (job.validate || job.refine_rounds > 0) measurer.emplace(run, job);
  nlohmann::json refinement;
  std::vector<std::uint64_t> validation_seeds = run.options.seeds;
  if (job.refine_rounds > 0) {
    refinement = refine(*measurer, run, job, w, a, run.options.seeds, progress);
    // Judged on noise the refinement did not choose on: as many seeds, after the largest.
    std::uint64_t next = *std::max_element(validation_seeds.begin(), validation_seeds.end()) + 1;
    for (auto& seed : validation_seeds) seed = next++;
  }
  const QuantConfig config = searched_config(run, w.choice.bits, a.choice.bits);

  nlohmann::json json = run_envelope("bit-search");
  json.update(
      {{"sensitivity_run", job.sensitivity_run.string()},
       {"model", run_model_json(run.model_dir, run.model_sha256)},
       {"weight", choice_json(run, w)},
       {"input", choice_json(run, a)},
       {"predicted", w.choice.predicted + a.choice.predicted},
       {"config", to_json(config)},
       {"damage", to_string(damage)},
       {"prediction",
        final_damage ? "additive: the sum over layers and windows of each layer's weight and input "
                       "damage alone at the chosen bits, each window's times its gain into the "
                       "final sample (final-sample MSE against FP)"
                     : "additive: the sum over layers of the mean measured damage of each "
                       "layer's weight and input alone at the chosen bits"}});
  if (job.refine_rounds > 0) json["refinement"] = refinement;
  if (w.searched)
    json["weight"]["pareto"] = pareto_trace(w.problem, job.pareto_step, a.choice.predicted);
  if (a.searched)
    json["input"]["pareto"] = pareto_trace(a.problem, job.pareto_step, w.choice.predicted);

  RunFolderWriter writer(out);
  if (job.validate) {
    std::vector<Candidate> candidates = {{"searched", w.choice, a.choice}};
    if (job.refine_rounds > 0) candidates.push_back(additive);
    // Uniform bits of the searched kind(s); the other kind keeps the base bits.
    const auto& uniform_bits = w.searched ? w.problem.bits : a.problem.bits;
    for (int b : uniform_bits) {
      if (b == kFpBits) continue;  // all FP: the FP model itself
      if (w.searched && a.searched &&
          std::find(a.problem.bits.begin(), a.problem.bits.end(), b) == a.problem.bits.end())
        continue;
      candidates.push_back({"uniform" + std::to_string(b),
                            w.searched ? uniform_choice(w.problem, b) : w.choice,
                            a.searched ? uniform_choice(a.problem, b) : a.choice});
    }
    std::mt19937_64 rng(job.seed);
    for (std::int64_t k = 0; k < job.random_mixes; ++k) {
      const BitChoice rw =
          w.searched ? random_choice(w.problem, *job.search.weight.mean_bits, rng) : w.choice;
      const BitChoice ra =
          a.searched ? random_choice(a.problem, *job.search.input.mean_bits, rng) : a.choice;
      candidates.push_back({"random" + std::to_string(k), rw, ra});
    }
    std::filesystem::create_directories(writer.temp_dir() / "runs");
    const double seconds_before = measurer->seconds();
    // [seeds, candidates], on the scale of the prediction
    const at::Tensor measured =
        measurer->measure(candidates, validation_seeds, writer.temp_dir() / "runs", progress);
    const std::vector<double> means = seed_means(measured);
    nlohmann::json rows = nlohmann::json::array();
    std::vector<double> predicted;
    const std::vector<double> searched = per_seed(measured, 0);
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      const std::vector<double> seeds = per_seed(measured, i);
      std::vector<double> diffs;  // > 0: the searched mix errs less
      for (std::size_t k = 0; k < seeds.size(); ++k) diffs.push_back(seeds[k] - searched[k]);
      nlohmann::json row = candidate_json(candidates[i], means[i]);
      row.update(
          {{"measured_per_seed", seeds},
           {"minus_searched_per_seed", diffs},
           {"searched_better_on_every_seed",
            i > 0 && std::all_of(diffs.begin(), diffs.end(), [](double d) { return d > 0; })}});
      rows.push_back(row);
      predicted.push_back(candidates[i].predicted());
    }
    const auto rank = spearman(predicted, means);
    json["validation"] = {
        {"configs", rows},
        {"spearman_predicted_vs_measured", rank ? nlohmann::json(*rank) : nlohmann::json()},
        {"measured", measurer->description()},
        {"seeds", validation_seeds},
        {"count", measurer->count()},
        {"steps", run.options.sampler.steps},
        {"recipe", "tdq quantize defaults, seed " + std::to_string(job.seed)},
        {"seconds", measurer->seconds() - seconds_before}};
  }
  writer.write_json(kRunJson, json);
  writer.write_json("config.json", to_json(config));
  return writer.commit();
}

}  // namespace tdq
