#include "core/quant/step_init.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <cmath>

#include "core/common/errors.h"

namespace tdq {

namespace {

// Each sample's input mean and std for every layer, with the sample's time step.
class InputMoments : public LayerHooks {
 public:
  explicit InputMoments(std::size_t layers) : samples_(layers) {}

  void on_forward(const at::Tensor& timesteps) override {
    timesteps_ = timesteps.reshape({-1}).to(at::kCPU).to(at::kLong);
  }

  at::Tensor on_input(int layer, const at::Tensor& input) override {
    const at::Tensor flat = input.detach().to(at::kFloat).reshape({input.size(0), -1});
    const at::Tensor moments = at::stack({flat.mean(1), flat.std(1)}).to(at::kCPU).to(at::kDouble);
    const auto* mean = moments[0].data_ptr<double>();
    const auto* std = moments[1].data_ptr<double>();
    const auto* t = timesteps_.data_ptr<std::int64_t>();
    auto& samples = samples_[static_cast<std::size_t>(layer)];
    for (std::int64_t b = 0; b < input.size(0); ++b)
      samples.push_back({t[timesteps_.numel() == 1 ? 0 : b], mean[b], std[b]});
    return input;
  }

  struct Sample {
    std::int64_t t;
    double mean, std;
  };
  const std::vector<Sample>& samples(std::size_t layer) const { return samples_[layer]; }

 private:
  at::Tensor timesteps_;
  std::vector<std::vector<Sample>> samples_;
};

// The rule of the released code for one slot from an input mean and std.
double statistics_rule(const QuantizerSlot& slot, double mean, double std) {
  const double n = std::pow(2.0, slot.a_bits) - 1;
  return slot.input_grid == kernels::GridKind::Unsigned ? (mean + 16 * std) / (n - 1)
         : slot.input_grid == kernels::GridKind::Symmetric
             ? (std::abs(mean) + 3 * std) / (std::floor(n / 2) - 1)
             : (std::abs(mean) + 6 * std) / n;  // asymmetric: the same +-3 std over the full grid
}

}  // namespace

InitialSteps statistics_initial_steps(UNetImpl& model, const QuantizedModel& twin,
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
  InitialSteps out;
  out.steps.assign(twin.slots().size(), 0.0);
  out.per_sample.assign(twin.slots().size(), {});
  for (const auto& slot : twin.slots()) {
    if (!slot.quantized) continue;
    const auto index = static_cast<std::size_t>(slot.layer);
    double mean = 0, std = 0;
    TimedScales& per_sample = out.per_sample[index];
    for (const auto& sample : moments.samples(index)) {
      mean += sample.mean;
      std += sample.std;
      const double step = statistics_rule(slot, sample.mean, sample.std);
      if (step > 0 && std::isfinite(step)) {
        per_sample.timesteps.push_back(sample.t);
        per_sample.scales.push_back(step);
      }
    }
    const auto count = static_cast<double>(std::max<std::size_t>(moments.samples(index).size(), 1));
    const double step = statistics_rule(slot, mean / count, std / count);
    if (!std::isfinite(step))
      throw Error("step initialisation: non-finite input statistics in layer " + slot.path);
    out.steps[index] = step;
  }
  return out;
}

}  // namespace tdq
