#include "core/eval/fid_run_summary.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/common/errors.h"
#include "core/common/json_number.h"
#include "core/run/run_folder.h"

namespace tdq {

namespace {

// The quantize run's config, when its folder can still be read; {} otherwise.
nlohmann::json quant_config_of(const std::filesystem::path& quant_run) {
  try {
    return read_run_json(quant_run).value("quant_config", nlohmann::json::object());
  } catch (const std::exception&) {
    return nlohmann::json::object();
  }
}

}  // namespace

FidRunSummary read_fid_run_summary(const std::filesystem::path& run) {
  const nlohmann::json json = read_run_json(run, "fid");
  const auto file = run / kRunJson;
  FidRunSummary s;
  s.run = run;
  std::string key;
  try {
    key = "quant";
    if (json.at("quant").is_string()) s.quant_run = json.at("quant").get<std::string>();
    key = "sampler/kind";
    s.sampler = json.at("sampler").at("kind").get<std::string>();
    key = "n";
    s.n = json_as<std::int64_t>(json.at("n"));
    key = "seeds";
    s.seeds = static_cast<std::int64_t>(json.at("seeds").size());
    key = "metrics/summaries";
    for (const auto& j : json.at("metrics").at("summaries")) {
      FidStepSummary f;
      f.steps = json_as<std::int64_t>(j.at("steps"));
      f.fid_mean = j.at("fid_mean").get<double>();
      f.fid_std = j.at("fid_std").get<double>();
      // IS is null when the feature network has no classes.
      f.is_mean =
          j.value("is_mean", nlohmann::json()).is_number() ? j.at("is_mean").get<double>() : 0.0;
      f.is_std =
          j.value("is_std", nlohmann::json()).is_number() ? j.at("is_std").get<double>() : 0.0;
      s.summaries.push_back(f);
    }
  } catch (const nlohmann::json::exception&) {
    throw FormatError(file, "key " + key + " is missing or has the wrong type");
  }
  if (s.quant_run.empty()) {
    s.label = "FP";
    return s;
  }
  const nlohmann::json config = quant_config_of(s.quant_run);
  if (config.contains("method")) {
    s.method = config.value("method", "");
    s.w_bits = json_value_or(config, "w_bits", 0);
    s.a_bits = json_value_or(config, "a_bits", 0);
    s.label = s.method + " W" + std::to_string(s.w_bits) + "A" + std::to_string(s.a_bits);
  } else {
    s.label = "quantized (" + std::filesystem::path(s.quant_run).filename().string() + ")";
  }
  return s;
}

std::vector<FidRunSummary> find_fid_runs(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> folders;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_directory() && std::filesystem::exists(entry.path() / kRunJson)) {
      folders.push_back(entry.path());
    }
  }
  if (ec) throw IoError(dir.string() + ": cannot list the folder (" + ec.message() + ")");
  std::sort(folders.begin(), folders.end());
  std::vector<FidRunSummary> out;
  for (const auto& folder : folders) {
    try {
      out.push_back(read_fid_run_summary(folder));
    } catch (const FormatError&) {
      // Another kind of run, or a broken one: the scan lists what it can read.
    }
  }
  return out;
}

}  // namespace tdq
