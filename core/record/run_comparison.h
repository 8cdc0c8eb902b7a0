#pragma once
// Two analyze runs of one model, paired layer by layer and step by step: "where does B beat A".
// The Compare view draws what this returns and computes nothing itself, so the counts a user reads
// there are the ones this function (and its test) pins down. Plain values, no tensors: the views
// fill the inputs from what they loaded and read the result as is.
#include <cstdint>
#include <string>
#include <vector>

namespace tdq {

// The local-mode input error the comparison pairs (the twin on the FP model's x_t, so both runs
// see the same layer inputs and only their quantizers differ).
enum class ComparedError {
  InputMse,   // layer.mse_in / local.mse_in: lower is better
  InputSqnr,  // layer.sqnr_in_db / local.sqnr_in_db (dB): higher is better
};

// The record arrays that hold an error: the per-layer mean over steps and the [L x S] matrix.
const char* per_layer_key(ComparedError error);
const char* per_layer_step_key(ComparedError error);

// One run's side, copied from its record: no value is derived here.
struct ComparisonInput {
  std::string name;  // for messages
  std::string model_sha256;
  std::vector<std::int64_t> timesteps;   // [S]
  std::vector<std::string> layer_paths;  // [L]
  std::vector<double> per_layer;         // per_layer_key [L]; empty: the run has none (FP only)
  std::vector<double> per_layer_step;    // per_layer_step_key [L x S], row-major
};

struct RunComparison {
  ComparedError error = ComparedError::InputMse;
  std::vector<std::int64_t> timesteps;  // shared by both runs [S]
  // The layers both runs quantize (finite error in both), in A's order, with their row in each.
  std::vector<std::string> layers;
  std::vector<int> row_a, row_b;
  std::vector<double> a, b;  // per-layer error of A and B [P]
  // B's gain over A in dB, positive where B errs less: 10 log10(mse_A / mse_B) for MSE,
  // sqnr_B - sqnr_A for SQNR. Per layer [P] and per layer and step [P x S] (NaN where either run
  // has no finite value at that step).
  std::vector<double> gain_db;
  std::vector<double> step_gain_db;
  int b_better = 0, a_better = 0, equal = 0;   // of the P layers, by the per-layer error
  int b_better_cells = 0, compared_cells = 0;  // of the finite layer x step cells
  int only_in_a = 0, only_in_b = 0;            // quantized layers the other run lacks or keeps FP

  int paired() const { return static_cast<int>(layers.size()); }
  double step_gain(int pair, int step) const {
    return step_gain_db[static_cast<std::size_t>(pair) * timesteps.size() +
                        static_cast<std::size_t>(step)];
  }
  // The pair index of a layer path, -1 when it is not paired.
  int pair_of(const std::string& path) const;
};

// Pairs `a` and `b`. ConfigError with one line naming both runs when they cannot be compared: other
// model (model_sha256), other sampling steps, a run without this error (an FP-only record), arrays
// of the wrong size, or no quantized layer in common.
RunComparison compare_runs(const ComparisonInput& a, const ComparisonInput& b, ComparedError error);

}  // namespace tdq
