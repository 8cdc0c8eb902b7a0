#include "core/quant/step_init.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <cmath>

#include "core/common/errors.h"
#include "core/dist/shard.h"

namespace tdq {

namespace {

// Each sample's input mean and std for every layer, written into a [layers, passes * batch, 2]
// float64 table at the sample's place in the whole batch (rows of other ranks stay zero).
class InputMoments : public LayerHooks {
 public:
  InputMoments(std::size_t layers, std::int64_t rows)
      : table_(at::zeros({static_cast<std::int64_t>(layers), rows, 2}, at::kDouble)) {}

  void place(std::int64_t first_row) { first_row_ = first_row; }

  at::Tensor on_input(int layer, const at::Tensor& input) override {
    const at::Tensor flat = input.detach().to(at::kFloat).reshape({input.size(0), -1});
    const at::Tensor moments =
        at::stack({flat.mean(1), flat.std(1)}, 1).to(at::kCPU).to(at::kDouble);
    table_[layer].narrow(0, first_row_, input.size(0)).copy_(moments);
    return input;
  }

  at::Tensor& table() { return table_; }

 private:
  at::Tensor table_;
  std::int64_t first_row_ = 0;
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
                                      int passes, std::uint64_t seed, const DistContext& dist) {
  if (passes < 1) throw ConfigError("step initialisation needs at least one pass");
  at::NoGradGuard no_grad;
  model.eval();
  const auto device = model.parameters().front().device();
  const std::int64_t size = batch.size(0);
  const BatchShard share = batch_shard(size, dist);
  InputMoments moments(twin.slots().size(), passes * size);
  std::vector<std::int64_t> timesteps(static_cast<std::size_t>(passes * size));
  auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  const at::Tensor x0 = batch.to(device);
  InitialSteps out;
  for (int pass = 0; pass < passes; ++pass) {
    const at::Tensor t = at::randint(schedule.num_timesteps, {size}, generator,
                                     at::TensorOptions().dtype(at::kLong));
    const at::Tensor noise =
        at::randn(x0.sizes(), generator, at::TensorOptions().dtype(at::kFloat)).to(device);
    std::copy(t.data_ptr<std::int64_t>(), t.data_ptr<std::int64_t>() + size,
              timesteps.begin() + pass * size);
    if (share.end == share.first) continue;
    const std::int64_t count = share.end - share.first;
    const at::Tensor mine = t.narrow(0, share.first, count);
    moments.place(pass * size + share.first);
    model.forward(add_noise(schedule, x0.narrow(0, share.first, count),
                            noise.narrow(0, share.first, count), mine),
                  mine.to(device), &moments);
    out.samples_run += count;
  }
  std::vector<at::Tensor> table{moments.table()};
  all_reduce_sum(dist, table);  // exact: each entry is one rank's value plus zeros
  const at::Tensor all = table.front().contiguous();
  out.steps.assign(twin.slots().size(), 0.0);
  out.per_sample.assign(twin.slots().size(), {});
  for (const auto& slot : twin.slots()) {
    if (!slot.quantized) continue;
    const auto index = static_cast<std::size_t>(slot.layer);
    const double* rows = all[slot.layer].data_ptr<double>();
    double mean = 0, std = 0;
    TimedScales& per_sample = out.per_sample[index];
    for (std::size_t row = 0; row < timesteps.size(); ++row) {
      const double sample_mean = rows[2 * row], sample_std = rows[2 * row + 1];
      mean += sample_mean;
      std += sample_std;
      const double step = statistics_rule(slot, sample_mean, sample_std);
      if (step > 0 && std::isfinite(step)) {
        per_sample.timesteps.push_back(timesteps[row]);
        per_sample.scales.push_back(step);
      }
    }
    const auto count = static_cast<double>(std::max<std::size_t>(timesteps.size(), 1));
    const double step = statistics_rule(slot, mean / count, std / count);
    if (!std::isfinite(step))
      throw Error("step initialisation: non-finite input statistics in layer " + slot.path);
    out.steps[index] = step;
  }
  return out;
}

}  // namespace tdq
