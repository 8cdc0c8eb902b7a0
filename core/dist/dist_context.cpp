#include "core/dist/dist_context.h"

#include <unistd.h>

#include <string>

#if TDQ_HAVE_DISTRIBUTED
// ProcessGroupGloo.hpp declares its class only when this is defined (as PyTorch's build does).
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO 1
#endif
#include <c10/util/Exception.h>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

namespace tdq {

#if TDQ_HAVE_DISTRIBUTED

struct ProcessGroupHandle {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroup> group;
};

namespace {

// c10::Error's what() carries a C++ backtrace; one line is what a user can act on.
std::string short_what(const std::exception& error) {
  const auto* c10_error = dynamic_cast<const c10::Error*>(&error);
  std::string what = c10_error ? c10_error->what_without_backtrace() : error.what();
  const auto newline = what.find('\n');
  if (newline != std::string::npos) what.resize(newline);
  return what;
}

std::string where(const DistContext& dist) {
  return "rank " + std::to_string(dist.rank) + " of " + std::to_string(dist.world_size);
}

std::string joined_key(int rank) { return "tdq/joined/" + std::to_string(rank); }

std::string seconds(std::chrono::milliseconds timeout) {
  return std::to_string(timeout.count() / 1000) + " s";
}

// Every rank announces itself, then waits for all others: a missing rank is named here, where
// Gloo's own rendezvous would only time out on a store key.
void roll_call(c10d::Store& store, const DistEnv& env) {
  const std::string me = std::to_string(::getpid());
  store.set(joined_key(env.rank), std::vector<std::uint8_t>(me.begin(), me.end()));
  std::vector<std::string> keys;
  for (int r = 0; r < env.world_size; ++r) keys.push_back(joined_key(r));
  try {
    store.wait(keys, env.timeout);
  } catch (const std::exception&) {
    std::string missing;
    for (int r = 0; r < env.world_size; ++r) {
      if (!store.check({joined_key(r)}))
        missing += (missing.empty() ? "" : ", ") + std::to_string(r);
    }
    throw DistError("rank " + std::to_string(env.rank) + " of " + std::to_string(env.world_size) +
                    ": rank(s) " + missing + " did not join the run at " + env.master_addr + ":" +
                    std::to_string(env.master_port) + " within " + seconds(env.timeout) +
                    " (not started, another MASTER_PORT, or WORLD_SIZE too large)");
  }
}

bool is_loopback(const std::string& address) {
  return address == "localhost" || address.rfind("127.", 0) == 0 || address == "::1";
}

std::shared_ptr<::gloo::transport::Device> gloo_device(const DistEnv& env) {
  if (const char* interface = std::getenv("GLOO_SOCKET_IFNAME")) {
    return c10d::ProcessGroupGloo::createDeviceForInterface(interface);
  }
  // All ranks on this machine: loopback, whatever the host name resolves to.
  if (is_loopback(env.master_addr)) {
    return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
  }
  return c10d::ProcessGroupGloo::createDefaultDevice();
}

// Runs a collective and waits for it; a failure becomes a DistError naming this rank, the
// operation and, with two ranks, the peer (the only one it can have lost).
template <typename Start>
void run_collective(const DistContext& dist, const char* operation, const Start& start) {
  try {
    c10::intrusive_ptr<c10d::Work> work = start(*dist.group->group);
    work->wait();
  } catch (const std::exception& error) {
    std::string peer = "a peer";
    if (dist.world_size == 2) peer = "rank " + std::to_string(1 - dist.rank);
    throw DistError(where(dist) + ": " + operation + " failed: " + peer +
                    " stopped, hung past the timeout or lost its connection (" + short_what(error) +
                    ")");
  }
}

}  // namespace

bool distributed_support() { return true; }

DistContext connect_dist(const DistEnv& env) {
  DistContext dist;
  dist.rank = env.rank;
  dist.world_size = env.world_size;
  dist.local_rank = env.local_rank;
  if (env.world_size == 1) return dist;
  auto handle = std::make_shared<ProcessGroupHandle>();
  const std::string address = env.master_addr + ":" + std::to_string(env.master_port);
  try {
    c10d::TCPStoreOptions options;
    options.port = env.master_port;
    options.isServer = env.rank == 0;
    options.numWorkers = static_cast<std::size_t>(env.world_size);
    options.waitWorkers = false;  // roll_call waits, and names who is missing
    options.timeout = env.timeout;
    handle->store = c10::make_intrusive<c10d::TCPStore>(env.master_addr, options);
  } catch (const std::exception& error) {
    throw DistError(where(dist) + ": " +
                    (env.rank == 0 ? "cannot serve the store on " + address
                                   : "cannot reach rank 0's store at " + address + " within " +
                                         seconds(env.timeout) +
                                         " (is rank 0 running, with the same MASTER_ADDR and "
                                         "MASTER_PORT?)") +
                    ": " + short_what(error));
  }
  roll_call(*handle->store, env);
  try {
    auto options = c10d::ProcessGroupGloo::Options::create(env.timeout);
    options->devices.push_back(gloo_device(env));
    handle->group = c10::make_intrusive<c10d::ProcessGroupGloo>(handle->store, env.rank,
                                                                env.world_size, options);
  } catch (const std::exception& error) {
    throw DistError(where(dist) + ": the Gloo process group did not connect within " +
                    seconds(env.timeout) + ": " + short_what(error));
  }
  dist.group = std::move(handle);
  return dist;
}

void all_reduce_sum(const DistContext& dist, std::vector<at::Tensor>& tensors) {
  if (!is_distributed(dist)) return;
  // One collective per tensor: c10d reads a vector of tensors as one tensor per device, all of one
  // shape, reduced together.
  for (at::Tensor& tensor : tensors) {
    std::vector<at::Tensor> one = {tensor};
    run_collective(dist, "all-reduce", [&](c10d::ProcessGroup& group) {
      c10d::AllreduceOptions options;
      options.reduceOp = c10d::ReduceOp::SUM;
      options.timeout = dist.collective_timeout;
      return group.allreduce(one, options);
    });
  }
}

void broadcast(const DistContext& dist, at::Tensor& tensor, int root) {
  if (!is_distributed(dist)) return;
  std::vector<at::Tensor> tensors = {tensor};
  run_collective(dist, "broadcast", [&](c10d::ProcessGroup& group) {
    c10d::BroadcastOptions options;
    options.rootRank = root;
    options.timeout = dist.collective_timeout;
    return group.broadcast(tensors, options);
  });
}

void barrier(const DistContext& dist) {
  if (!is_distributed(dist)) return;
  run_collective(dist, "barrier", [&](c10d::ProcessGroup& group) {
    c10d::BarrierOptions options;
    options.timeout = dist.collective_timeout;
    return group.barrier(options);
  });
}

#else  // no c10d with Gloo in this build: only the single process exists

struct ProcessGroupHandle {};

bool distributed_support() { return false; }

DistContext connect_dist(const DistEnv& env) {
  if (env.world_size > 1) {
    throw ConfigError("dist.world_size", std::to_string(env.world_size),
                      "this build has no multi-process support (configure with "
                      "-DTDQ_WITH_DISTRIBUTED=ON: LibTorch with c10d and Gloo's headers, Debian "
                      "package libgloo-dev)");
  }
  DistContext dist;
  dist.rank = env.rank;
  dist.local_rank = env.local_rank;
  return dist;
}

void all_reduce_sum(const DistContext&, std::vector<at::Tensor>&) {}
void broadcast(const DistContext&, at::Tensor&, int) {}
void barrier(const DistContext&) {}

#endif

}  // namespace tdq
