#pragma once
// `tdq fid` as a job for `tdq demo` and the GUI: FID and IS of the FP model or a quantize run's
// twin, with the shipped feature network (or a given one) against Fashion-MNIST test statistics
// (or a given .safetensors), written as a run folder of kind "fid".
#include <cstdint>
#include <filesystem>
#include <vector>

#include "core/common/progress.h"

namespace tdq {

struct FidJob {
  std::filesystem::path model_dir;  // empty: the shipped default model
  std::filesystem::path quant_run;  // empty: the FP model
  std::int64_t n = 200;
  std::vector<std::int64_t> steps = {20, 10};
  std::vector<std::uint64_t> seeds = {0};
  std::int64_t batch = 64;
  std::filesystem::path features;   // feature network folder; empty: the shipped one
  std::filesystem::path reference;  // .safetensors with mu, sigma; empty: Fashion-MNIST test set
  std::filesystem::path data_dir;   // Fashion-MNIST for the reference; empty: the default
  std::filesystem::path cache_dir;  // cached reference statistics; empty: none
};

// IoError before any work when `out` exists; CancelledError when `progress` asks to stop.
std::filesystem::path run_fid_job(const FidJob& job, const std::filesystem::path& out,
                                  const ProgressFn& progress = {});

}  // namespace tdq
