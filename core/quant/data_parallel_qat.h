#pragma once
// Data-parallel quantization-aware training over the ranks of a multi-process run (core/dist).
#include <filesystem>

#include "core/dist/dist_context.h"
#include "core/quant/qat_trainer.h"

namespace tdq {

// train_quantized (qat_trainer.h) with the global batch split over the ranks of `dist`: every rank
// draws the step's whole batch (options.train.batch_size samples, their t and noise, as one process
// does) and takes its consecutive slice (batch_shard); the slice's loss is weighted by
// slice / batch, so that the gradients summed over the ranks (all_reduce_gradients) are the global
// batch's and every rank takes the same optimizer step, clipping and EMA included. The result
// equals one process's to float round-off. Only rank 0 writes `checkpoint`; every rank resumes
// from it, whatever world size wrote it (the checkpoint holds no per-rank state). A time budget
// ends the run when rank 0's clock says so, at the same step on every rank. NIPQ draws its noise
// per slice: equivalent in distribution, not bit for bit. ConfigError ("qat.batch_size") when the
// batch has fewer samples than ranks. With one process this is train_quantized.
QatResult train_quantized_data_parallel(UNetImpl& model, QuantizedModel& twin,
                                        const at::Tensor& images, const NoiseSchedule& schedule,
                                        const QatOptions& options,
                                        const std::filesystem::path& checkpoint,
                                        const DistContext& dist, const ProgressFn& progress = {});

}  // namespace tdq
