#pragma once
// Helpers of the multi-process tests: free ports, and two ranks as two threads of this process
// (c10d's TCPStore and Gloo work across threads as across processes, without a process start).
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "app/cli/local_launch.h"
#include "core/dist/dist_context.h"

namespace tdq::test {

inline DistEnv loopback_env(int rank, int world_size, int port,
                            std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  DistEnv env;
  env.rank = rank;
  env.local_rank = rank;
  env.world_size = world_size;
  env.master_addr = "127.0.0.1";
  env.master_port = static_cast<std::uint16_t>(port);
  env.timeout = timeout;
  return env;
}

// Runs `body(dist)` on `world_size` threads, one connected rank each; rethrows the first failure.
inline void on_ranks(int world_size, const std::function<void(const DistContext&)>& body) {
  const int port = cli::free_local_port();
  std::vector<std::exception_ptr> errors(world_size);
  std::vector<std::thread> threads;
  for (int rank = 0; rank < world_size; ++rank) {
    threads.emplace_back([&, rank] {
      try {
        const DistContext dist = connect_dist(loopback_env(rank, world_size, port));
        body(dist);
        barrier(dist);  // no rank tears the group down while another still uses it
      } catch (...) {
        errors[rank] = std::current_exception();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& error : errors) {
    if (error) std::rethrow_exception(error);
  }
}

}  // namespace tdq::test
