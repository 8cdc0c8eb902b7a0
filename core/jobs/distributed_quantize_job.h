#pragma once
// `tdq quantize` over the ranks of a multi-process run (torchrun or `tdq quantize --nproc N`).
#include <filesystem>

#include "core/dist/dist_context.h"
#include "core/jobs/quantize_job.h"

namespace tdq {

// run_quantize_job (quantize_job.h) with QAT data-parallel over the ranks of `dist`
// (train_quantized_data_parallel): every rank trains on its slice of each global batch; rank 0
// alone writes the checkpoint and the run folder (atomically) and removes the checkpoint; the
// other ranks return `out` without writing. The run records the world size. PTQ methods are
// refused with more than one rank (ConfigError "quant.method"): their calibration is not sharded.
std::filesystem::path run_quantize_job(const QuantizeJob& job, const std::filesystem::path& out,
                                       const ProgressFn& progress, const DistContext& dist);

}  // namespace tdq
