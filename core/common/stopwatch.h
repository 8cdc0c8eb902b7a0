#pragma once
#include <chrono>

namespace tdq {

// Wall-clock seconds since `start` on the steady clock, for the timings a run.json records.
inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace tdq
