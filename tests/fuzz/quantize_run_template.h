#pragma once
// The quantize run folders the quantize fuzz targets start from: a per-step table run and a TDQ-PTQ
// run of the one-level test model (every layer kind in 25 layers: each input's safetensors header
// is half the tiny model's), made once per process under `dir`/runs (the model in `dir`/model).
#include <filesystem>

#include "core/jobs/quantize_job.h"
#include "tests/fuzz/one_level_model.h"
#include "tests/support/tiny_runs.h"

namespace tdq::fuzz {

struct QuantizeRunTemplate {
  std::filesystem::path model_dir, runs;  // runs/table, runs/tdq
};

inline QuantizeRunTemplate make_quantize_runs(const std::filesystem::path& dir) {
  const auto tiny = test::make_tiny_model(dir, one_level_unet_config());
  run_quantize_job(test::tiny_quantize_job(tiny, QuantMethod::Table), dir / "runs" / "table");
  auto temporal = test::tiny_quantize_job(tiny, QuantMethod::TdqPtq);
  temporal.iters = 2;  // the state's layout is what is fuzzed, not its quality
  temporal.quant.tdq_init = TdqInit::Static;  // no per-step fit: minutes under ASan
  // Same layout at an eighth of the width: the 64-wide MLPs made the state 1.4 MB, beyond
  // libFuzzer's 1 MB input limit, so only truncated states were ever mutated.
  temporal.quant.tdq_hidden = 8;
  run_quantize_job(temporal, dir / "runs" / "tdq");
  return {tiny.model, dir / "runs"};
}

}  // namespace tdq::fuzz
