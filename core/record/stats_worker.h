#pragma once
// Runs the recorder's per-layer statistics on a thread of its own, in the order they were
// submitted, so that sampling goes on meanwhile: the statistics (ranges, sums, histogram of every
// layer input) cost about as much again as a fifth of the sampling itself, and a histogram's
// scalar increments cannot be made much cheaper (docs/benchmark-notes.md). Tasks run one at a time
// in submission order, so every accumulator sums the same values in the same order as it would on
// the sampling thread: the record is the same bits.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace tdq {

// Whether a statistics worker pays: only with a core that LibTorch's pool leaves free. With every
// core in the pool, libgomp's threads spin between operations (its default wait policy) and a
// worker fights them for a core: bench_recorder on 2 cores measured 1.82x plain sampling with the
// worker against 1.19-1.22x with the statistics spread over the pool (1.05-1.07x against 1.23x at 1
// thread).
bool stats_worker_pays(int torch_threads, int cores);

class StatsWorker {
 public:
  // At most `max_pending` tasks wait: each holds its layer input alive, so the bound caps the
  // memory the worker can hold beyond what sampling holds.
  explicit StatsWorker(std::size_t max_pending = 16);
  // Waits for the queued tasks and drops any error (call finish() to see it).
  ~StatsWorker();
  StatsWorker(const StatsWorker&) = delete;
  StatsWorker& operator=(const StatsWorker&) = delete;

  // Queues `task`, waiting while max_pending are queued. Throws the first error an earlier task
  // threw, at this and every later call (tasks after an error are skipped).
  void submit(std::function<void()> task);
  // Waits until every task has run; throws the first error one threw.
  void finish();

 private:
  void run();
  void rethrow_locked();

  std::size_t max_pending_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::function<void()>> queue_;
  bool busy_ = false, stopping_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace tdq
