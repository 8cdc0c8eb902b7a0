#pragma once
// Block reconstruction (BRECQ, Li et al. 2021, with QDrop's random dropping of quantization): the
// activation quantizers of one U-Net block at a time learn to make the block's layer outputs match
// the FP model's on the calibration set, with every earlier block already quantized.
#include <cstdint>
#include <string>
#include <vector>

#include "core/common/progress.h"
#include "core/model/unet.h"
#include "core/quant/calibration_set.h"
#include "core/quant/quantized_model.h"

namespace tdq {

struct ReconstructionOptions {
  std::int64_t iterations = 100;  // Adam steps per block
  std::int64_t batch_size = 32;
  double learning_rate = 0.0;  // 0: 1e-2 on log-steps (static methods), 1e-3 on TDQ MLPs
  double qdrop = 0.5;          // probability that an element keeps its FP value while learning
  std::uint64_t seed = 2;
};

// Loss = sum over the block's layers of MSE(quantized output, FP output) / mean(FP output^2),
// measured at sampling behaviour (no QDrop) on a fixed batch before and after learning.
struct BlockReconstruction {
  std::string block;
  std::vector<std::string> layers;
  double loss_before = 0, loss_after = 0;
};

// The reconstruction unit of a layer path: "down_blocks.1.resnets.0.conv1" ->
// "down_blocks.1.resnets.0", "mid_block.attentions.0.to_q" -> "mid_block.attentions.0".
std::string reconstruction_block(const std::string& path);

// Learns the twin's static steps (PTQ4DM) or TDQ MLPs (TDQ-PTQ), block by block in forward order.
std::vector<BlockReconstruction> reconstruct_blocks(UNetImpl& model, QuantizedModel& twin,
                                                    const CalibrationSet& set,
                                                    const ReconstructionOptions& options,
                                                    const ProgressFn& progress = {});

}  // namespace tdq
