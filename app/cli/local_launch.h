#pragma once
// `--nproc N`: the process the user started becomes a launcher that runs N workers of the same
// command on this machine (as torchrun would), each with the torch.distributed environment set.
#include <string>
#include <vector>

namespace tdq::cli {

// The arguments with every `--nproc N` / `--nproc=N` removed: what each worker runs.
std::vector<std::string> worker_arguments(int argc, const char* const* argv);

// Picks a free TCP port on 127.0.0.1 for the store (bind to port 0, read it, close).
int free_local_port();

// Starts `nproc` copies of this executable with `arguments` (argv[0] first), RANK/LOCAL_RANK
// 0..nproc-1, WORLD_SIZE = LOCAL_WORLD_SIZE = nproc, MASTER_ADDR 127.0.0.1 and a free
// MASTER_PORT, and waits for them. When one fails, the others are stopped at once (SIGTERM, as
// torchrun does: a survivor would otherwise finish its share before its next collective found the
// peer gone) and the failing rank is named on stderr. A run folder is only written after the last
// collective, so a stopped run leaves none. Workers die with the launcher (PR_SET_PDEATHSIG).
// Returns the exit status for `tdq`: 0 when all succeed, else the first failing worker's status
// (1 for a signal). ConfigError ("dist.nproc") when this process is itself a worker.
int run_local_workers(int nproc, const std::vector<std::string>& arguments);

}  // namespace tdq::cli
