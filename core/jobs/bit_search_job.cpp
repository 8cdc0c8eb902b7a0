#include "core/jobs/bit_search_job.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <sstream>

#include "core/common/errors.h"
#include "core/common/file_io.h"
#include "core/common/runtime.h"
#include "core/jobs/quantize_job.h"
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
  const double total = static_cast<double>(p.total_size);
  for (double m = p.bits.front(); m <= p.bits.back() + 1e-9; m += step) {
    const auto budget = static_cast<std::int64_t>(std::floor(m * total + 1e-9));
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

// One configuration of the validation.
struct Candidate {
  std::string name;
  std::vector<int> w_bits, a_bits;
  double predicted = 0, w_mean = 0, a_mean = 0;
};

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
  const Searched w = search(run, true, job.search.weight, damage);
  const Searched a = search(run, false, job.search.input, damage, job.search.input_windows);
  const bool final_damage = damage == DamageModel::Final;
  const QuantConfig config = searched_config(run, w.choice.bits, a.choice.bits);

  nlohmann::json json = run_envelope("bit-search");
  json.update(
      {{"sensitivity_run", job.sensitivity_run.string()},
       {"model", {{"dir", run.model_dir.string()}, {"sha256", run.model_sha256}}},
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
  if (w.searched)
    json["weight"]["pareto"] = pareto_trace(w.problem, job.pareto_step, a.choice.predicted);
  if (a.searched)
    json["input"]["pareto"] = pareto_trace(a.problem, job.pareto_step, w.choice.predicted);

  RunFolderWriter writer(out);
  if (job.validate) {
    std::vector<Candidate> candidates;
    candidates.push_back({"searched", w.choice.bits, a.choice.bits,
                          w.choice.predicted + a.choice.predicted, w.choice.mean_bits,
                          a.choice.mean_bits});
    // Uniform bits of the searched kind(s); the other kind keeps the base bits.
    const auto& uniform_bits = w.searched ? w.problem.bits : a.problem.bits;
    for (int b : uniform_bits) {
      if (b == kFpBits) continue;  // all FP: the FP model itself
      if (w.searched && a.searched &&
          std::find(a.problem.bits.begin(), a.problem.bits.end(), b) == a.problem.bits.end())
        continue;
      const BitChoice uw = w.searched ? uniform_choice(w.problem, b) : w.choice;
      const BitChoice ua = a.searched ? uniform_choice(a.problem, b) : a.choice;
      candidates.push_back({"uniform" + std::to_string(b), uw.bits, ua.bits,
                            uw.predicted + ua.predicted, uw.mean_bits, ua.mean_bits});
    }
    std::mt19937_64 rng(job.seed);
    for (std::int64_t k = 0; k < job.random_mixes; ++k) {
      const BitChoice rw =
          w.searched ? random_choice(w.problem, *job.search.weight.mean_bits, rng) : w.choice;
      const BitChoice ra =
          a.searched ? random_choice(a.problem, *job.search.input.mean_bits, rng) : a.choice;
      candidates.push_back({"random" + std::to_string(k), rw.bits, ra.bits,
                            rw.predicted + ra.predicted, rw.mean_bits, ra.mean_bits});
    }
    LoadedModel loaded = load_model(run.model_dir);
    if (loaded.weights_sha256 != run.model_sha256) {
      throw ConfigError("search.sensitivity", job.sensitivity_run.string(),
                        "its model folder changed since it was measured (sha256 differs)");
    }
    loaded.model->to(parse_device(job.device));
    std::vector<std::unique_ptr<QuantizedModel>> owned;
    std::vector<QuantizedModel*> twins;
    std::filesystem::create_directories(writer.temp_dir() / "runs");
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      QuantizeJob q;
      q.model_dir = run.model_dir;
      q.quant = searched_config(run, candidates[i].w_bits, candidates[i].a_bits);
      q.seed = job.seed;
      q.device = job.device;
      if (trains(q)) {
        throw ConfigError("search.validate", to_string(q.quant.method),
                          "validation calibrates each config; a QAT method trains: quantize the "
                          "config with `tdq quantize --config` and measure the runs with "
                          "`tdq sensitivity --whole`");
      }
      QuantizeOutcome outcome = quantize_model(q, loaded);
      write_quantize_run(loaded, *outcome.twin, outcome.calibration, outcome.metrics,
                         writer.temp_dir() / "runs" / candidates[i].name);
      owned.push_back(std::move(outcome.twin));
      twins.push_back(owned.back().get());
      report_progress(progress, {static_cast<std::int64_t>(i + 1),
                                 static_cast<std::int64_t>(candidates.size() + 1),
                                 "quantized " + candidates[i].name});
    }
    SensitivityOptions measure = run.options;
    measure.per_layer = false;
    measure.final_errors = final_damage;
    const SensitivityResult measured =
        measure_sensitivity(*loaded.model, twins, linear_schedule(), measure);
    // [seeds, candidates], on the scale of the prediction
    const at::Tensor per_seed =
        final_damage ? measured.twin_sample_error : measured.twin_error.mean(2);
    nlohmann::json rows = nlohmann::json::array();
    std::vector<double> predicted, measured_mean;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      const at::Tensor column = per_seed.select(1, static_cast<std::int64_t>(i)).contiguous();
      std::vector<double> seeds(column.data_ptr<double>(),
                                column.data_ptr<double>() + column.numel());
      const at::Tensor searched = per_seed.select(1, 0);
      const at::Tensor diff = column - searched;  // > 0: the searched mix errs less
      std::vector<double> diffs(diff.data_ptr<double>(), diff.data_ptr<double>() + diff.numel());
      const double mean = column.mean().item<double>();
      rows.push_back(
          {{"name", candidates[i].name},
           {"weight_mean_bits", candidates[i].w_mean},
           {"input_mean_bits", candidates[i].a_mean},
           {"predicted", candidates[i].predicted},
           {"measured", mean},
           {"measured_per_seed", seeds},
           {"minus_searched_per_seed", diffs},
           {"searched_better_on_every_seed",
            i > 0 && std::all_of(diffs.begin(), diffs.end(), [](double d) { return d > 0; })}});
      predicted.push_back(candidates[i].predicted);
      measured_mean.push_back(mean);
    }
    const auto rank = spearman(predicted, measured_mean);
    json["validation"] = {
        {"configs", rows},
        {"spearman_predicted_vs_measured", rank ? nlohmann::json(*rank) : nlohmann::json()},
        {"measured",
         final_damage ? "final-sample MSE against FP from the same noise, the config in every step"
                      : "noise-prediction MSE against FP at the FP x_t, mean over windows"},
        {"seeds", run.options.seeds},
        {"count", run.options.count},
        {"steps", run.options.sampler.steps},
        {"recipe", "tdq quantize defaults, seed " + std::to_string(job.seed)},
        {"seconds", measured.seconds}};
  }
  writer.write_json(kRunJson, json);
  writer.write_json("config.json", to_json(config));
  return writer.commit();
}

}  // namespace tdq
