#pragma once
// The demo: on one model, an FP analyze run, one analyze run per shipped quantize run (or, when
// none fits, a MinMax W8A4 quantize run made on the spot), small FID runs, and an index.md that
// lists them. `tdq demo` runs it headless; the workbench can record the same on first start.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/common/progress.h"

namespace tdq {

struct DemoOptions {
  std::filesystem::path model_dir;  // empty: the shipped default model
  std::filesystem::path runs_dir;   // shipped quantize runs (resources/runs); may be missing
  std::int64_t n = 16;              // analyze samples
  std::int64_t steps = 20;          // analyze DDIM steps
  std::int64_t calib = 32;          // calibration samples of the on-the-spot MinMax run
  std::int64_t fid_n = 200;         // 0: no FID runs
  std::vector<std::int64_t> fid_steps = {20, 10};
  bool fid_quant = true;  // FID of every quantized model too, not only the FP one
  std::uint64_t seed = 0;
  std::filesystem::path features, reference, data_dir, cache_dir;  // as in FidJob
};

struct DemoRun {
  std::string kind;  // quantize | analyze | fid
  std::filesystem::path folder;
  std::string title;
};

struct DemoResult {
  std::vector<DemoRun> runs;
  std::vector<std::string> notes;  // shipped runs skipped, and why
  std::filesystem::path index;
  double seconds = 0;
};

// The shipped default's quantize runs: <dir>/<name>/ with a run.json of kind quantize.
std::vector<std::filesystem::path> find_quantize_runs(const std::filesystem::path& dir);

// Writes everything under `out` (created; an existing non-empty folder is refused with IoError).
// `progress_for(stage)` gives the ProgressFn of each stage (its label names the run).
DemoResult run_demo(const DemoOptions& options, const std::filesystem::path& out,
                    const std::function<ProgressFn(const std::string&)>& progress_for = {});

}  // namespace tdq
