// One QAT step (forward + backward + AdamW + EMA) of LSQ and TDQ at W4A4 against one FP training
// step of the same model on the same batch size, in one run, as ratios. Each per-step time is
// (best time of 1 + K steps) - (best time of 1 step), over K, so set-up (initial steps, first-call
// costs) drops out. Usage: bench_qat_step [model dir=shipped model] [batch=64] [K=5] [device=cpu]
// [threads=all cores]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

#include <ATen/ATen.h>

#include "core/common/runtime.h"
#include "core/diffusion/trainer.h"
#include "core/model/model_io.h"
#include "core/quant/qat_trainer.h"

namespace {

using namespace tdq;

double seconds(const std::function<void()>& body) {
  const auto start = std::chrono::steady_clock::now();
  body();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TrainConfig config(std::int64_t steps, std::int64_t batch) {
  TrainConfig c;
  c.steps = steps;
  c.batch_size = batch;
  c.lr = 2e-4;
  c.warmup_steps = 0;
  c.lr_schedule = LrSchedule::Constant;
  c.log_every = steps;
  c.checkpoint_every = steps;
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : default_model_dir().string();
  const std::int64_t batch = argc > 2 ? std::atoll(argv[2]) : 64;
  const std::int64_t k = argc > 3 ? std::atoll(argv[3]) : 5;
  const c10::Device device = parse_device(argc > 4 ? argv[4] : "cpu");
  configure_threads(argc > 5 ? std::atoi(argv[5]) : 0);
  const NoiseSchedule schedule = linear_schedule();
  const UNetConfig shape = load_model(dir).model->config();
  const at::Tensor images =
      at::rand({4 * batch, shape.in_channels, shape.sample_size, shape.sample_size}) * 2 - 1;

  // Each timed call starts from a freshly loaded model, so earlier runs change nothing.
  auto fp_steps = [&](std::int64_t steps) {
    LoadedModel model = load_model(dir), ema = load_model(dir);
    model.model->to(device);
    ema.model->to(device);
    return seconds([&] {
      train_diffusion(*model.model, *ema.model, images, schedule, config(steps, batch), {});
    });
  };
  auto qat_steps = [&](QuantMethod method, std::int64_t steps) {
    LoadedModel model = load_model(dir);
    model.model->to(device);
    QuantConfig quant;
    quant.method = method;
    quant.w_bits = quant.a_bits = 4;
    QuantizedModel twin(*model.model, quant);
    QatOptions options;
    options.train = config(steps, batch);
    options.init_passes = 1;
    return seconds([&] { train_quantized(*model.model, twin, images, schedule, options, {}); });
  };
  // The best of three alternated runs of each length: one run of each let a slow moment of the
  // shared machine make a difference (as built on 2026-12-05, batch 16, K 2: TDQ at 0.31x of FP).
  auto per_step = [&](const std::function<double(std::int64_t)>& run) {
    run(1);  // first-call costs (allocator, kernels) outside both timings
    double one = 1e300, more = 1e300;
    for (int repeat = 0; repeat < 3; ++repeat) {
      one = std::min(one, run(1));
      more = std::min(more, run(1 + k));
    }
    return (more - one) / static_cast<double>(k);
  };
  const double fp = per_step(fp_steps);
  const double lsq = per_step([&](std::int64_t s) { return qat_steps(QuantMethod::Lsq, s); });
  const double tdq = per_step([&](std::int64_t s) { return qat_steps(QuantMethod::Tdq, s); });
  std::printf("bench_qat_step: batch %lld, %lld timed steps, device %s, %d threads\n",
              static_cast<long long>(batch), static_cast<long long>(k), device.str().c_str(),
              at::get_num_threads());
  std::printf("| step | ms | vs FP training |\n|---|---|---|\n");
  std::printf("| FP training | %.1f | 1.00x |\n", fp * 1e3);
  std::printf("| LSQ W4A4 QAT | %.1f | %.2fx |\n", lsq * 1e3, lsq / fp);
  std::printf("| TDQ W4A4 QAT | %.1f | %.2fx |\n", tdq * 1e3, tdq / fp);
  return 0;
}
