#pragma once
// How the statistics kernels (tensor_stats, error_sums) share their work: fixed chunks of values,
// each chunk's partial result computed on LibTorch's pool or on the calling thread, then merged in
// chunk order whichever thread ran it, so that float64 sums are the same bits for every thread
// count and on the recorder's statistics worker.
#include <ATen/Parallel.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace tdq::kernels {

// Values per chunk of work. Small enough that the recorder's layer inputs (10^4 to 10^6 values at
// n 16) spread over every core: with all cores in LibTorch's pool, computing the statistics there
// beat a thread of their own (bench_recorder, docs/benchmark-notes.md); 8,192 and 16,384 measured
// alike, 65,536 worse.
constexpr std::int64_t kStatsChunk = 16384;

enum class StatsThreads {
  pool,            // chunks spread over LibTorch's intra-op threads
  calling_thread,  // the recorder's statistics worker: it is the spare core
};

// part(begin, end) for every chunk [begin, end) of [0, numel), in chunk order.
template <class Part, class Compute>
std::vector<Part> chunk_parts(std::int64_t numel, StatsThreads threads, const Compute& part) {
  const std::int64_t chunks = (numel + kStatsChunk - 1) / kStatsChunk;
  std::vector<Part> parts(static_cast<std::size_t>(chunks));
  const auto run = [&](std::int64_t first, std::int64_t last) {
    for (std::int64_t c = first; c < last; ++c) {
      parts[static_cast<std::size_t>(c)] =
          part(c * kStatsChunk, std::min(numel, (c + 1) * kStatsChunk));
    }
  };
  if (threads == StatsThreads::pool)
    at::parallel_for(0, chunks, 1, run);
  else
    run(0, chunks);
  return parts;
}

}  // namespace tdq::kernels
