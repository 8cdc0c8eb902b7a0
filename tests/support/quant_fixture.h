#pragma once
// A tiny U-Net and the helpers every quantization test needs.
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "core/diffusion/noise_schedule.h"
#include "core/diffusion/sampler.h"
#include "core/model/unet.h"
#include "core/quant/qat_trainer.h"
#include "core/quant/quant_run.h"
#include "core/quant/quantized_model.h"
#include "tests/support/tiny_models.h"

namespace tdq::test {

inline const QuantizerSlot& slot_of(const std::vector<QuantizerSlot>& slots,
                                    const std::string& path) {
  for (const auto& slot : slots) {
    if (slot.path == path) return slot;
  }
  throw std::runtime_error("no slot " + path);
}

inline int first_quantized_layer(const QuantizedModel& twin) {
  for (const auto& slot : twin.slots()) {
    if (slot.quantized) return slot.layer;
  }
  throw std::runtime_error("no quantized layer");
}

inline std::size_t quantized_layers(const QuantizedModel& twin) {
  std::size_t n = 0;
  for (const auto& slot : twin.slots()) n += slot.quantized;
  return n;
}

class QuantizedTwin : public ::testing::Test {
 protected:
  // Seeded: LibTorch seeds its default generator from the OS, and a failure should reproduce.
  QuantizedTwin() : model((at::manual_seed(0), test::tiny_unet_config())) { model->eval(); }
  CalibrationOptions calibration(std::int64_t steps = 5) const {
    CalibrationOptions options;
    options.samples = 4;
    options.batch_size = 4;
    options.sampler.steps = steps;
    return options;
  }
  // Mean squared difference to the FP output at a few time steps of the calibration schedule.
  double error_vs_fp(LayerHooks& twin) {
    at::NoGradGuard no_grad;
    const at::Tensor x = seeded_noise({4, 1, 8, 8}, 9, c10::kCPU);
    double total = 0;
    for (std::int64_t t : {800, 400, 0}) {
      const at::Tensor ts = at::full({4}, t, at::kLong);
      total += (model->forward(x, ts, &twin) - model->forward(x, ts)).pow(2).mean().item<double>();
    }
    return total;
  }
  static QuantConfig w4a4(QuantMethod method) {
    QuantConfig config;
    config.method = method;
    config.w_bits = config.a_bits = 4;
    return config;
  }
  UNet model;
  NoiseSchedule schedule = linear_schedule();
};

// Smooth blobs in [-1, 1]: something a tiny U-Net can learn to denoise within a few steps (the QAT
// tests, single- and multi-process, train on the same set with the same options).
inline at::Tensor qat_images() {
  auto generator = at::make_generator<at::CPUGeneratorImpl>(5);
  const at::Tensor coarse =
      at::rand({32, 1, 2, 2}, generator, at::TensorOptions().dtype(at::kFloat));
  return at::upsample_bilinear2d(coarse, {8, 8}, false) * 2 - 1;
}

inline QatOptions tiny_qat_options(std::int64_t steps) {
  QatOptions o;
  o.train.steps = steps;
  o.train.batch_size = 8;
  o.train.lr = 2e-3;
  o.train.weight_decay = 0.01;
  o.train.warmup_steps = 2;
  o.train.lr_schedule = LrSchedule::Constant;
  o.train.ema_decay = 0.9;
  o.train.log_every = 10;
  o.train.checkpoint_every = 3;
  o.init_passes = 3;
  o.bake_timesteps = {800, 600, 400, 200, 0};
  return o;
}

}  // namespace tdq::test
