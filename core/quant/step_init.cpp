#include "core/quant/step_init.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <cmath>

#include "core/common/errors.h"

namespace tdq {

namespace {

// Sums of per-sample input mean and std for every layer.
class InputMoments : public LayerHooks {
 public:
  explicit InputMoments(std::size_t layers)
      : mean_(layers, 0.0), std_(layers, 0.0), count_(layers, 0) {}

  at::Tensor on_input(int layer, const at::Tensor& input) override {
    const at::Tensor flat = input.detach().to(at::kFloat).reshape({input.size(0), -1});
    const auto index = static_cast<std::size_t>(layer);
    mean_[index] += flat.mean(1).sum().item<double>();
    std_[index] += flat.std(1).sum().item<double>();
    count_[index] += input.size(0);
    return input;
  }

  double mean(std::size_t layer) const {
    return count_[layer] ? mean_[layer] / static_cast<double>(count_[layer]) : 0;
  }
  double std(std::size_t layer) const {
    return count_[layer] ? std_[layer] / static_cast<double>(count_[layer]) : 0;
  }

 private:
  std::vector<double> mean_, std_;
  std::vector<std::int64_t> count_;
};

}  // namespace

std::vector<double> statistics_initial_steps(UNetImpl& model, const QuantizedModel& twin,
                                             const at::Tensor& batch, const NoiseSchedule& schedule,
                                             int passes, std::uint64_t seed) {
  if (passes < 1) throw ConfigError("step initialisation needs at least one pass");
  at::NoGradGuard no_grad;
  model.eval();
  const auto device = model.parameters().front().device();
  InputMoments moments(twin.slots().size());
  auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  const at::Tensor x0 = batch.to(device);
  for (int pass = 0; pass < passes; ++pass) {
    const at::Tensor t = at::randint(schedule.num_timesteps, {x0.size(0)}, generator,
                                     at::TensorOptions().dtype(at::kLong));
    const at::Tensor noise =
        at::randn(x0.sizes(), generator, at::TensorOptions().dtype(at::kFloat)).to(device);
    model.forward(add_noise(schedule, x0, noise, t), t.to(device), &moments);
  }
  std::vector<double> steps(twin.slots().size(), 0.0);
  for (const auto& slot : twin.slots()) {
    if (!slot.quantized) continue;
    const auto index = static_cast<std::size_t>(slot.layer);
    const double n = std::pow(2.0, slot.a_bits) - 1;
    const double mean = moments.mean(index), std = moments.std(index);
    const double step =
        slot.input_grid == kernels::GridKind::Unsigned ? (mean + 16 * std) / (n - 1)
        : slot.input_grid == kernels::GridKind::Symmetric
            ? (std::abs(mean) + 3 * std) / (std::floor(n / 2) - 1)
            : (std::abs(mean) + 6 * std) / n;  // asymmetric: the same +-3 std over the full grid
    if (!std::isfinite(step))
      throw Error("step initialisation: non-finite input statistics in layer " + slot.path);
    steps[index] = step;
  }
  return steps;
}

}  // namespace tdq
