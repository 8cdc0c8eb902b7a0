#pragma once
// A process's place in a multi-process run and its c10d process group (Gloo on the CPU). The
// default DistContext is a single process: every collective below is then a no-op, so the single-
// process code path is the distributed one with world_size 1.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <ATen/Tensor.h>

#include "core/common/errors.h"
#include "core/dist/dist_env.h"

namespace tdq {

// A collective or the rendezvous failed: a peer stopped, the network failed, or a timeout passed.
// The message names this rank and, when it can be told, the rank that stopped.
struct DistError : Error {
  using Error::Error;
};

struct ProcessGroupHandle;  // the c10d process group and its store (dist_context.cpp)

// How long a collective may wait for a slow peer (ranks finish their shares of work at different
// times): much longer than the rendezvous. A peer that dies closes its connections and fails the
// collective at once; this bounds only a peer that hangs.
constexpr std::chrono::minutes kCollectiveTimeout{30};

struct DistContext {
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;
  std::chrono::milliseconds collective_timeout = kCollectiveTimeout;
  std::shared_ptr<ProcessGroupHandle> group;  // null for a single process
};

inline bool is_distributed(const DistContext& dist) { return dist.world_size > 1; }
inline bool is_root(const DistContext& dist) { return dist.rank == 0; }

// Whether this build has c10d with Gloo (CMake TDQ_WITH_DISTRIBUTED).
bool distributed_support();

// Connects to the run `env` describes: a c10d::TCPStore on MASTER_ADDR:MASTER_PORT (rank 0 hosts
// it), every rank announcing itself in the store, then a c10d::ProcessGroupGloo over it. Each of
// these must complete within env.timeout, else DistError naming the address and the ranks that
// did not join. A single-process env gives the default context without touching the network.
// ConfigError ("dist.world_size") when WORLD_SIZE > 1 and this build has no distributed support.
DistContext connect_dist(const DistEnv& env);

// Element-wise sum over ranks, in place, of CPU tensors (contiguous; any floating or integer
// dtype). DistError naming this rank and the operation when a peer stopped.
void all_reduce_sum(const DistContext& dist, std::vector<at::Tensor>& tensors);
// `tensor` on every rank becomes rank `root`'s.
void broadcast(const DistContext& dist, at::Tensor& tensor, int root = 0);
// Waits until every rank gets here.
void barrier(const DistContext& dist);

}  // namespace tdq
