#include "core/record/stats_worker.h"

#include <utility>

namespace tdq {

bool stats_worker_pays(int torch_threads, int cores) { return torch_threads < cores; }

StatsWorker::StatsWorker(std::size_t max_pending)
    : max_pending_(max_pending == 0 ? 1 : max_pending), thread_([this] { run(); }) {}

StatsWorker::~StatsWorker() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

// The error stays: a record that lost a task is wrong however it goes on.
void StatsWorker::rethrow_locked() {
  if (error_) std::rethrow_exception(error_);
}

void StatsWorker::submit(std::function<void()> task) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return queue_.size() < max_pending_ || error_; });
  rethrow_locked();
  queue_.push_back(std::move(task));
  lock.unlock();
  changed_.notify_all();
}

void StatsWorker::finish() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return (queue_.empty() && !busy_) || error_; });
  rethrow_locked();
}

void StatsWorker::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    changed_.wait(lock, [&] { return !queue_.empty() || stopping_; });
    if (queue_.empty()) return;  // stopping, nothing left
    std::function<void()> task = std::move(queue_.front());
    queue_.pop_front();
    if (error_) continue;  // an earlier task failed: the rest would record a partial pass
    busy_ = true;
    lock.unlock();
    std::exception_ptr error;
    try {
      task();
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    busy_ = false;
    if (error && !error_) error_ = error;
    changed_.notify_all();
  }
}

}  // namespace tdq
