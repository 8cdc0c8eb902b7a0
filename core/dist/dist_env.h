#pragma once
// Where this process stands in a multi-process run: the standard environment of a
// torch.distributed job (what torchrun and `tdq --nproc` set), read once and checked.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace tdq {

struct DistEnv {
  int rank = 0;
  int world_size = 1;  // 1: a single process, nothing is distributed
  int local_rank = 0;
  std::string master_addr = "127.0.0.1";
  std::uint16_t master_port = 0;
  // How long the rendezvous (store connection, every rank joining, the process group's mesh) may
  // take before it fails; collectives after it wait longer (dist_context.h).
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
};

// Looks a variable up; nullptr when unset (std::getenv, or a map in tests).
using EnvLookup = std::function<const char*(const char*)>;

// RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT and TDQ_DIST_TIMEOUT (seconds). Without
// WORLD_SIZE (or with WORLD_SIZE=1) this is a single process and the rest is not required.
// ConfigError naming the field ("dist.rank", "dist.world_size", "dist.master_port",
// "dist.timeout") and the variable when one is missing, not a number, or out of range.
DistEnv dist_env_from(const EnvLookup& lookup);
DistEnv dist_env_from_process();

}  // namespace tdq
