// Sampling with the recorder on (every layer input: ranges, sums, 128-bin histogram per step)
// against plain sampling, same model, n and steps, in one run, as a ratio; and the accumulator
// memory for growing n (constant: layers x steps x bins). Usage: bench_recorder [model dir=shipped
// model] [n=16] [steps=20] [threads=all cores] [repeats=5]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/common/runtime.h"
#include "core/diffusion/generate.h"
#include "core/model/model_io.h"
#include "core/record/side_by_side.h"

int main(int argc, char** argv) {
  using namespace tdq;
  const std::string dir = argc > 1 ? argv[1] : default_model_dir().string();
  const std::int64_t n = argc > 2 ? std::atoll(argv[2]) : 16;
  const std::int64_t steps = argc > 3 ? std::atoll(argv[3]) : 20;
  configure_threads(argc > 4 ? std::atoi(argv[4]) : 0);
  const int repeats = argc > 5 ? std::max(1, std::atoi(argv[5])) : 5;
  LoadedModel loaded = load_model(dir);
  const NoiseSchedule schedule = linear_schedule();
  SideBySideOptions options;
  options.count = n;
  options.batch_size = n;
  options.sampler.steps = steps;
  options.bins = 128;
  GenerateOptions generate;
  generate.count = n;
  generate.batch_size = n;
  generate.sampler = options.sampler;

  // Bin edges from a ranges-only pass (not timed; `tdq analyze` runs it on a few samples).
  SideBySideOptions edge = options;
  edge.bins = 0;
  const auto layers = loaded.model->layers().size();
  const auto ranges = histogram_ranges(record_side_by_side(*loaded.model, nullptr, schedule, edge,
                                                           std::vector<HistogramRange>(layers))
                                           .fp);

  auto time = [](auto&& body) {
    const auto start = std::chrono::steady_clock::now();
    body();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  // Alternate off/on and keep the fastest of each: the machine is shared and noisy, and a
  // difference of 10% needs more than two tries to show through.
  double off = 1e300, on = 1e300;
  for (int repeat = 0; repeat < repeats; ++repeat) {
    off = std::min(off,
                   time([&] { generate_samples(*loaded.model, schedule, generate, c10::kCPU); }));
    on = std::min(
        on, time([&] { record_side_by_side(*loaded.model, nullptr, schedule, options, ranges); }));
  }
  std::printf("model %s, %zu layers, n %lld, DDIM %lld steps, best of %d\n", dir.c_str(), layers,
              static_cast<long long>(n), static_cast<long long>(steps), repeats);
  std::printf("sampling, recorder off: %8.2f s\n", off);
  std::printf("sampling, recorder on:  %8.2f s  (ratio %.3f)\n", on, on / off);
  for (std::int64_t count : {1LL, 4LL, 16LL}) {
    SideBySideOptions small = options;
    small.count = count;
    small.batch_size = count;
    small.sampler.steps = 2;
    const auto bytes =
        record_side_by_side(*loaded.model, nullptr, schedule, small, ranges).accumulator_bytes();
    std::printf("accumulator bytes, n %3lld, 2 steps: %zu\n", static_cast<long long>(count), bytes);
  }
  SideBySideOptions full = options;
  full.count = 1;
  full.batch_size = 1;
  std::printf(
      "accumulator bytes, FP stream, %lld steps: %zu (x3 with a quantized twin)\n",
      static_cast<long long>(steps),
      record_side_by_side(*loaded.model, nullptr, schedule, full, ranges).accumulator_bytes());
  return 0;
}
