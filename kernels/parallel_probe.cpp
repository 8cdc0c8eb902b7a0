#include "kernels/parallel_probe.h"

#include <ATen/Parallel.h>

#include <mutex>
#include <set>

namespace tdq::kernels {

int parallel_for_threads(int chunks) {
  std::set<int> threads;
  std::mutex mutex;
  at::parallel_for(0, chunks, 1, [&](std::int64_t, std::int64_t) {
    const std::lock_guard<std::mutex> lock(mutex);
    threads.insert(at::get_thread_num());
  });
  return static_cast<int>(threads.size());
}

}  // namespace tdq::kernels
