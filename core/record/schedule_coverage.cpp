#include "core/record/schedule_coverage.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/common/errors.h"
#include "core/common/json_number.h"
#include "core/run/run_folder.h"

namespace tdq {

ScheduleCoverage schedule_coverage(const nlohmann::json& run_json,
                                   const std::filesystem::path& file,
                                   const std::vector<std::int64_t>& schedule) {
  ScheduleCoverage coverage;
  const auto calibration = run_json.find("calibration");
  // QAT draws t uniformly from every step of the diffusion process: each schedule step was seen.
  if (calibration != run_json.end() && calibration->is_object() &&
      calibration->value("set", std::string()) == "qat") {
    coverage.calibration_timesteps = schedule;
    coverage.calibrated.assign(schedule.size(), 1);
    coverage.calibrated_steps = static_cast<std::int64_t>(schedule.size());
    return coverage;
  }
  if (calibration == run_json.end() || !calibration->is_object() ||
      !calibration->contains("timesteps") || !(*calibration)["timesteps"].is_array()) {
    throw FormatError(file, "no array calibration.timesteps");
  }
  try {
    coverage.calibration_timesteps =
        json_as<std::vector<std::int64_t>>((*calibration)["timesteps"]);
  } catch (const nlohmann::json::exception&) {
    throw FormatError(file, "calibration.timesteps holds a value that is not an integer");
  }
  std::vector<std::int64_t> sorted = coverage.calibration_timesteps;
  std::sort(sorted.begin(), sorted.end());
  for (std::int64_t t : schedule) {
    const bool covered = std::binary_search(sorted.begin(), sorted.end(), t);
    coverage.calibrated.push_back(covered ? 1 : 0);
    ++(covered ? coverage.calibrated_steps : coverage.uncovered_steps);
  }
  return coverage;
}

std::vector<std::int64_t> calibration_timesteps_of(const std::filesystem::path& quant_run,
                                                   const std::vector<std::int64_t>& schedule) {
  return schedule_coverage(read_run_json(quant_run), quant_run / kRunJson, schedule)
      .calibration_timesteps;
}

}  // namespace tdq
