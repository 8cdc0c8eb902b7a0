#pragma once
#include <cstdint>
#include <functional>
#include <string>

namespace tdq {

// Reported by every long loop. `message` is a short human text ("step 120/5000 loss 0.031").
struct ProgressInfo {
  std::int64_t done = 0;
  std::int64_t total = 0;
  std::string message;
};

// Returns false to ask the loop to stop; the loop then throws CancelledError at the next safe
// point.
using ProgressFn = std::function<bool(const ProgressInfo&)>;

// Calls `progress` if set and throws CancelledError when it asks to stop.
void report_progress(const ProgressFn& progress, const ProgressInfo& info);

}  // namespace tdq
