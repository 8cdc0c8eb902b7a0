#pragma once
// Quantization-aware training of a twin (docs/method.md section 7): LSQ, PACT, NIPQ, TDQ and the
// dynamic and per-step table (S1, S-k: QuantConfig::table_groups) ablations, with the diffusion
// loss on real images.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <ATen/Tensor.h>

#include "core/common/progress.h"
#include "core/diffusion/noise_schedule.h"
#include "core/diffusion/trainer.h"
#include "core/model/unet.h"
#include "core/quant/quantized_model.h"

namespace tdq {

// Learning-rate multipliers of the AdamW groups against train.lr: what carries each method's
// activation interval gets its own, chosen per method by the same held-out sweep
// (scripts/lr-sweep, docs/method.md section 7), so that no method is held back by its rate.
struct QatLrScales {
  // Learned activation log steps (LSQ, PACT, NIPQ, table); 0: the method's measured default,
  // default_activation_step_lr_scale().
  double activation_steps = 0;
  double weight_steps = 0.1;  // LSQ weight log steps of every method (the released code's)
  double tdq_mlps = 5.0;      // TDQ MLPs (the sweep's choice, README)
};
// The activation-step multiplier the sweep chose for `method`; the table, never swept, keeps the
// released code's 0.1.
double default_activation_step_lr_scale(QuantMethod method);
// `scales` with a 0 replaced by the method's default: what trains, and what run.json and the
// checkpoint record.
QatLrScales resolved_lr_scales(QatLrScales scales, QuantMethod method);
nlohmann::json to_json(const QatLrScales& scales);

struct QatOptions {
  TrainConfig train;      // steps, batch, lr, warm-up, EMA, clip, seed, checkpoint_every
  int init_passes = 100;  // the statistics rule's passes over one batch
  // TDQ: the sampling schedule to bake at the end; Table: the steps of the learned table.
  std::vector<std::int64_t> bake_timesteps;
  // Stops after the step in which this call's training time passes it (0: no limit), for runs on a
  // time budget; history.step says how many steps were done. Past the warm-up the learning rate
  // is constant, so stopping early only shortens training.
  double max_seconds = 0;
  QatLrScales lr_scales;
};

struct QatResult {
  TrainHistory history;
  bool resumed = false;
  QatLrScales lr_scales;  // the rates it trained at (resolved_lr_scales), for run.json
  // Each learned activation step's move from its statistics start, |s_end / s_start - 1| (largest
  // element of a table), by trainable name: did the method's interval learn?
  std::map<std::string, double> activation_step_moves;
};

// Trains the twin's quantized weights (copies; the FP model is never written), weight steps,
// activation steps or TDQ MLPs with AdamW in four groups: activation and weight steps (lr x their
// `lr_scales`, wd 0), TDQ MLPs (lr x lr_scales.tdq_mlps, wd 0.01), weights (lr, wd
// `train.weight_decay`). FP-kept layers, biases and norms stay frozen (ours: a run then stores only
// quantizer state and integer weights). EMA over everything that learns; the twin ends with the
// EMA values. Batch, t, noise, dropout and NIPQ
// noise of each step come from (seed, step), so a run resumed from `checkpoint` equals an
// uninterrupted one. A non-finite loss or parameter stops with the step and the quantizer that
// produced it; the last checkpoint stays as it was.
QatResult train_quantized(UNetImpl& model, QuantizedModel& twin, const at::Tensor& images,
                          const NoiseSchedule& schedule, const QatOptions& options,
                          const std::filesystem::path& checkpoint, const ProgressFn& progress = {});

}  // namespace tdq
