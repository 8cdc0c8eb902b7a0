#pragma once
// Quantization-aware training of a twin (docs/method.md section 7): LSQ, PACT, NIPQ, TDQ and the
// dynamic and per-step table (S1, S-k: QuantConfig::table_groups) ablations, with the diffusion
// loss on real images.
#include <cstdint>
#include <filesystem>
#include <vector>

#include <ATen/Tensor.h>

#include "core/common/progress.h"
#include "core/diffusion/noise_schedule.h"
#include "core/diffusion/trainer.h"
#include "core/model/unet.h"
#include "core/quant/quantized_model.h"

namespace tdq {

struct QatOptions {
  TrainConfig train;      // steps, batch, lr, warm-up, EMA, clip, seed, checkpoint_every
  int init_passes = 100;  // the statistics rule's passes over one batch
  // TDQ: the sampling schedule to bake at the end; Table: the steps of the learned table.
  std::vector<std::int64_t> bake_timesteps;
  // Stops after the step in which this call's training time passes it (0: no limit), for runs on a
  // time budget; history.step says how many steps were done. Past the warm-up the learning rate
  // is constant, so stopping early only shortens training.
  double max_seconds = 0;
  // Learning-rate multipliers of the AdamW groups against train.lr: activation and weight steps
  // (0.1, the released code's), TDQ MLPs (docs/method.md: chosen by held-out noise MSE,
  // scripts/tdq-lr-sweep: 5 cut it by 40% against 1 on the default model).
  double step_lr_scale = 0.1;
  double tdq_lr_scale = 5.0;
};

struct QatResult {
  TrainHistory history;
  bool resumed = false;
};

// Trains the twin's quantized weights (copies; the FP model is never written), weight steps,
// activation steps or TDQ MLPs with AdamW in three groups: steps lr x step_lr_scale wd 0, TDQ MLPs
// lr x tdq_lr_scale wd 0.01, weights lr wd 0.01 (`train.weight_decay`). FP-kept layers, biases and
// norms stay frozen (ours: a run then stores only quantizer state and integer weights). EMA over
// everything that learns; the twin ends with the EMA values. Batch, t, noise, dropout and NIPQ
// noise of each step come from (seed, step), so a run resumed from `checkpoint` equals an
// uninterrupted one. A non-finite loss or parameter stops with the step and the quantizer that
// produced it; the last checkpoint stays as it was.
QatResult train_quantized(UNetImpl& model, QuantizedModel& twin, const at::Tensor& images,
                          const NoiseSchedule& schedule, const QatOptions& options,
                          const std::filesystem::path& checkpoint, const ProgressFn& progress = {});

}  // namespace tdq
