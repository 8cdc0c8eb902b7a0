#pragma once
// What the quantized twin holds for one layer: one SlotQuantizer per QuantizerSlot.
#include <cstdint>
#include <map>

#include <ATen/Tensor.h>

#include "core/quant/interval.h"
#include "kernels/fake_quant.h"

namespace tdq {

struct WeightQuantizer {
  at::Tensor fp;         // the FP model's weight (shared storage, never written)
  at::Tensor scale;      // [] or [out_channels], on the CPU
  at::Tensor quantized;  // the fake-quantized weight, cached on the model's device
  bool learned = false;  // QAT changed it: a run stores its integer codes
};

struct ActivationQuantizer {
  kernels::GridSpec grid;
  Interval fixed;  // static methods; s0 of temporal ones
  bool calibrated = false;
  std::map<std::int64_t, Interval> by_timestep;   // per-step table
  std::map<std::int64_t, std::int64_t> group_of;  // per-step table: learning group of each step
  int tdq = -1;                                   // temporal: index of its MLP
};

struct SlotQuantizer {
  WeightQuantizer weight;
  ActivationQuantizer activation;
};

}  // namespace tdq
