#pragma once
#include <cstdint>
#include <filesystem>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace tdq {

// Which steps of a sampling schedule a quantize run has calibrated intervals for. A per-step table
// looks up the step's own interval only for calibrated steps; others fall back to the nearest
// calibrated t. Static methods (MinMax) use one interval for every t, so coverage tells only
// whether the calibration set saw that t.
struct ScheduleCoverage {
  std::vector<std::int64_t> calibration_timesteps;  // from the quantize run's run.json
  std::vector<char> calibrated;                     // per schedule step
  std::int64_t calibrated_steps = 0, uncovered_steps = 0;
};

// `run_json`: a quantize run's run.json (`calibration.timesteps`; a QAT run, `calibration.set` =
// "qat", trained on every t and covers the whole schedule); `file` names it in errors.
ScheduleCoverage schedule_coverage(const nlohmann::json& run_json,
                                   const std::filesystem::path& file,
                                   const std::vector<std::int64_t>& schedule);

// The calibration time steps of the quantize run folder `quant_run` over `schedule` (its
// run.json read and checked), for AnalyzeOptions::calibration_timesteps.
std::vector<std::int64_t> calibration_timesteps_of(const std::filesystem::path& quant_run,
                                                   const std::vector<std::int64_t>& schedule);

}  // namespace tdq
