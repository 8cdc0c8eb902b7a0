#pragma once
// A FID run as a folder: run.json of kind "fid" and tables/fid.csv (read back for tables and plots
// by core/eval/fid_run_summary.h).
#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "core/eval/feature_extractor.h"
#include "core/eval/fid_reference.h"
#include "core/eval/fid_run.h"

namespace tdq {

nlohmann::json to_json(const FidPoint& point);
nlohmann::json to_json(const FidSummary& summary);
nlohmann::json to_json(const FidResult& result);
// steps,seed,fid,mean_term,trace_term,is_mean,is_std,clamped_eigenvalues,sample_seconds,feature_seconds
std::string fid_csv(const FidResult& result);

// What run.json records besides the numbers.
struct FidRunInfo {
  std::filesystem::path model_dir;
  std::string model_sha256;
  std::string quant_run;  // empty for the FP model
  std::int64_t table_fallbacks = 0;
  std::string device = "cpu";
  int world_size = 1;     // processes the samples were sharded over (core/dist)
  std::string vs_fp_run;  // the FP run whose points the points were also compared with
};

// run.json of kind "fid": model, sampler, n, steps, seeds, feature network (name, sha256),
// reference statistics, per-(steps, seed) points, per-steps summaries, timings, eigenvalue
// clamping.
nlohmann::json fid_run_json(const FidRunInfo& info, const FidRunOptions& options,
                            const FeatureExtractor& extractor, const ReferenceStats& reference,
                            const FidResult& result);
// Writes RUN/run.json, RUN/tables/fid.csv and RUN/stats/steps<k>.seed<s>.safetensors (each point's
// feature mean and covariance in the reference-statistics format) through RunFolderWriter (RUN.tmp,
// then rename; an existing run is never overwritten). Returns the run folder.
std::filesystem::path write_fid_run(const std::filesystem::path& out,
                                    const nlohmann::json& run_json, const FidResult& result);

// The points of an FP FID run, for comparing quantized samples with the FP samples of the same
// noise: ConfigError ("fid.vs_fp") when the run is quantized, or was made with another model,
// feature network, n, batch or sampler than `options` (its noise would differ).
FidPointStats read_fp_point_stats(const std::filesystem::path& run, const FidRunOptions& options,
                                  const std::string& model_sha256,
                                  const std::string& features_sha256);

}  // namespace tdq
