#pragma once
// `tdq search-bits` as a job: a sensitivity run in, a bit-search run folder out: the searched
// quantize config (config.json, what `tdq quantize --config` takes), the predicted Pareto fronts
// and, with validation, the measured error of the searched mix beside uniform bits and random
// mixes of the same budget, each calibrated by the same recipe and measured on the same samples.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/common/progress.h"
#include "core/sensitivity/bit_search.h"
#include "core/sensitivity/sample_statistic.h"

namespace tdq {

struct BitSearchJob {
  std::filesystem::path sensitivity_run;
  BitSearchOptions search;
  // Validation: quantizes (PTQ recipe of `tdq quantize`, default calibration, seed) and measures
  // the searched config, every uniform candidate and `random_mixes` random mixes.
  bool validate = false;
  std::int64_t random_mixes = 2;
  std::uint64_t seed = 0;  // calibration and random mixes
  std::string device = "cpu";
  double pareto_step = 0.25;  // mean-bit spacing of the traced fronts
  // (ours) Measured refinement (docs/method.md section 10): the additive model proposes, the
  // measured error chooses. It starts from the uniform config at the budget where the budget is a
  // candidate width (else the additive optimum, which is otherwise a first-round proposal); each
  // round takes the model's direction (model_direction,
  // per searched kind), measures its prefixes of 1, 2, 4, ... moves
  // (`refine_proposals` lengths) and keeps the best of those that lower the measured error on every
  // seed by more than `refine_min_gain` (relative, paired); it stops at a round without one.
  // Measured on the sensitivity run's seeds, as validation is; with refinement, validation uses as
  // many other seeds (the next after the largest), so the choice is judged on noise it was not
  // chosen on.
  std::int64_t refine_rounds = 0;
  // Samples per seed of the refinement's and the validation's measurements (0: the sensitivity
  // run's count). The final-sample error of 8 samples a seed could not tell one moved row from
  // noise.
  std::int64_t measure_count = 0;
  std::int64_t refine_proposals = 6;  // prefixes of 1, 2, 4, ..., 32 moves
  double refine_min_gain = 0.01;
  // What the refinement and the validation measure with final damage (the local damage measures
  // the mean noise error): the final samples' per-sample error, in pixels or in the feature space
  // of `features` (empty: the shipped FID network), reduced per seed by `measure_statistic`.
  SampleStatistic measure_statistic = SampleStatistic::Mean;
  bool measure_features = false;
  std::filesystem::path features;
};

// Searches (and validates) and writes the run folder atomically. IoError before any work when
// `out` exists; ConfigError naming the field (search.*) for a bad setting.
std::filesystem::path run_bit_search_job(const BitSearchJob& job, const std::filesystem::path& out,
                                         const ProgressFn& progress = {});

// Spearman's rank correlation (ties get their mean rank); nullopt for < 3 points or no variance.
std::optional<double> spearman(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace tdq
