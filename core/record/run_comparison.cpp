#include "core/record/run_comparison.h"

#include <cmath>
#include <map>

#include "core/common/errors.h"

namespace tdq {
namespace {

std::string quoted(const ComparisonInput& run) { return "'" + run.name + "'"; }

std::string steps_text(const std::vector<std::int64_t>& timesteps) {
  return std::to_string(timesteps.size()) + " steps" +
         (timesteps.empty() ? std::string()
                            : " (t " + std::to_string(timesteps.front()) + ".." +
                                  std::to_string(timesteps.back()) + ")");
}

void check_run(const ComparisonInput& run, ComparedError error) {
  const std::size_t layers = run.layer_paths.size();
  if (run.per_layer.empty()) {
    throw ConfigError("cannot compare run " + quoted(run) + ": it has no " + per_layer_key(error) +
                      " (an FP-only record has no quantized stream)");
  }
  if (run.per_layer.size() != layers ||
      run.per_layer_step.size() != layers * run.timesteps.size()) {
    throw ConfigError("cannot compare run " + quoted(run) + ": its " + per_layer_key(error) +
                      " or " + per_layer_step_key(error) + " does not match its " +
                      std::to_string(layers) + " layers x " + std::to_string(run.timesteps.size()) +
                      " steps");
  }
}

// B's gain over A in dB; NaN when either value is not finite (or an MSE is not positive).
double gain_db(double a, double b, ComparedError error) {
  if (!std::isfinite(a) || !std::isfinite(b)) return std::nan("");
  if (error == ComparedError::InputSqnr) return b - a;
  if (a == b) return 0;  // both exact (0): no gain either way
  if (!(a > 0) || !(b > 0)) return a > b ? HUGE_VAL : -HUGE_VAL;
  return 10 * std::log10(a / b);
}

}  // namespace

const char* per_layer_key(ComparedError error) {
  return error == ComparedError::InputMse ? "layer.mse_in" : "layer.sqnr_in_db";
}

const char* per_layer_step_key(ComparedError error) {
  return error == ComparedError::InputMse ? "local.mse_in" : "local.sqnr_in_db";
}

int RunComparison::pair_of(const std::string& path) const {
  for (std::size_t i = 0; i < layers.size(); ++i) {
    if (layers[i] == path) return static_cast<int>(i);
  }
  return -1;
}

RunComparison compare_runs(const ComparisonInput& a, const ComparisonInput& b,
                           ComparedError error) {
  if (a.model_sha256 != b.model_sha256) {
    throw ConfigError("cannot compare " + quoted(a) + " with " + quoted(b) +
                      ": they record different models (sha256 " + a.model_sha256.substr(0, 12) +
                      " vs " + b.model_sha256.substr(0, 12) + ")");
  }
  if (a.timesteps != b.timesteps) {
    throw ConfigError("cannot compare " + quoted(a) + " with " + quoted(b) +
                      ": they sample different steps (" + steps_text(a.timesteps) + " vs " +
                      steps_text(b.timesteps) + ")");
  }
  check_run(a, error);
  check_run(b, error);

  RunComparison c;
  c.error = error;
  c.timesteps = a.timesteps;
  const std::size_t steps = a.timesteps.size();
  std::map<std::string, int> rows_b;
  for (std::size_t i = 0; i < b.layer_paths.size(); ++i) {
    if (std::isfinite(b.per_layer[i])) rows_b[b.layer_paths[i]] = static_cast<int>(i);
  }
  int paired_from_b = 0;
  for (std::size_t i = 0; i < a.layer_paths.size(); ++i) {
    if (!std::isfinite(a.per_layer[i])) continue;
    const auto it = rows_b.find(a.layer_paths[i]);
    if (it == rows_b.end()) {
      ++c.only_in_a;
      continue;
    }
    ++paired_from_b;
    const auto row_b = static_cast<std::size_t>(it->second);
    const double va = a.per_layer[i], vb = b.per_layer[row_b];
    c.layers.push_back(a.layer_paths[i]);
    c.row_a.push_back(static_cast<int>(i));
    c.row_b.push_back(it->second);
    c.a.push_back(va);
    c.b.push_back(vb);
    const double gain = gain_db(va, vb, error);
    c.gain_db.push_back(gain);
    if (gain > 0) {
      ++c.b_better;
    } else if (gain < 0) {
      ++c.a_better;
    } else {
      ++c.equal;
    }
    for (std::size_t s = 0; s < steps; ++s) {
      const double cell =
          gain_db(a.per_layer_step[i * steps + s], b.per_layer_step[row_b * steps + s], error);
      c.step_gain_db.push_back(cell);
      if (std::isnan(cell)) continue;
      ++c.compared_cells;
      if (cell > 0) ++c.b_better_cells;
    }
  }
  c.only_in_b = static_cast<int>(rows_b.size()) - paired_from_b;
  if (c.layers.empty()) {
    throw ConfigError("cannot compare " + quoted(a) + " with " + quoted(b) +
                      ": they quantize no layer in common");
  }
  return c;
}

}  // namespace tdq
