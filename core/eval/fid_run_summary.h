#pragma once
// What a table or plot of FID runs needs from a `tdq fid` run folder, read back from its run.json:
// which model (FP, or the quantize run's method and bits), the sampler settings and, per step
// count, FID mean and std over seeds and the Inception Score.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tdq {

// One step count of a run, over its seeds (FidSummary's numbers, without LibTorch in this header
// so that views can hold it).
struct FidStepSummary {
  std::int64_t steps = 0;
  double fid_mean = 0, fid_std = 0;
  double is_mean = 0, is_std = 0;  // 0 when the feature network has no classes
};

struct FidRunSummary {
  std::filesystem::path run;
  std::string label;           // "FP" or "<method> W<w>A<a>"
  std::string method;          // empty for the FP model
  int w_bits = 0, a_bits = 0;  // 0 for the FP model
  std::string quant_run;       // as recorded; empty for the FP model
  std::string sampler;
  std::int64_t n = 0;
  std::int64_t seeds = 0;
  std::vector<FidStepSummary> summaries;  // in the run's step order
};

// FormatError naming run.json and the key for a run of another kind or a missing field. The
// quantize run's method and bits come from its own run.json when it is still there; otherwise the
// label says "quantized" and names the folder.
FidRunSummary read_fid_run_summary(const std::filesystem::path& run);

// Every FID run directly under `dir` (sorted by name); folders of other kinds are skipped.
std::vector<FidRunSummary> find_fid_runs(const std::filesystem::path& dir);

}  // namespace tdq
