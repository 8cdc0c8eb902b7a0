#include "app/cli/local_launch.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <string>

#include "core/common/errors.h"

namespace tdq::cli {

std::vector<std::string> worker_arguments(int argc, const char* const* argv) {
  std::vector<std::string> arguments;
  for (int i = 0; i < argc; ++i) {
    const std::string argument = argv[i];
    if (argument == "--nproc") {
      ++i;  // and its value
      continue;
    }
    if (argument.rfind("--nproc=", 0) == 0) continue;
    arguments.push_back(argument);
  }
  return arguments;
}

int free_local_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    throw IoError(std::string("--nproc: no socket for a free port: ") + std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    throw IoError("--nproc: cannot pick a free port on 127.0.0.1: " + why);
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

namespace {

std::string describe(int status) {
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    return "was killed by signal " + std::to_string(signal) + " (" + ::strsignal(signal) + ")";
  }
  return "exited with status " + std::to_string(WEXITSTATUS(status));
}

bool failed(int status) { return !WIFEXITED(status) || WEXITSTATUS(status) != 0; }

[[noreturn]] void exec_worker(int rank, int nproc, int port,
                              const std::vector<std::string>& arguments, pid_t launcher) {
  // A worker must not outlive a launcher that was killed.
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != launcher) std::_Exit(1);
  ::setenv("RANK", std::to_string(rank).c_str(), 1);
  ::setenv("LOCAL_RANK", std::to_string(rank).c_str(), 1);
  ::setenv("WORLD_SIZE", std::to_string(nproc).c_str(), 1);
  ::setenv("LOCAL_WORLD_SIZE", std::to_string(nproc).c_str(), 1);
  ::setenv("MASTER_ADDR", "127.0.0.1", 1);
  ::setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
  std::vector<char*> argv;
  for (const auto& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);
  ::execv("/proc/self/exe", argv.data());
  std::cerr << "tdq: error: rank " << rank << ": cannot start a worker: " << std::strerror(errno)
            << "\n";
  std::_Exit(1);
}

}  // namespace

int run_local_workers(int nproc, const std::vector<std::string>& arguments) {
  if (std::getenv("WORLD_SIZE")) {
    throw ConfigError("dist.nproc", std::to_string(nproc),
                      "cannot launch workers from inside a multi-process run (WORLD_SIZE is set)");
  }
  const int port = free_local_port();
  const pid_t launcher = ::getpid();
  std::map<pid_t, int> running;  // pid -> rank
  for (int rank = 0; rank < nproc; ++rank) {
    const pid_t pid = ::fork();
    if (pid < 0) {
      for (const auto& [child, r] : running) ::kill(child, SIGTERM);
      throw IoError(std::string("--nproc: cannot fork a worker: ") + std::strerror(errno));
    }
    if (pid == 0) exec_worker(rank, nproc, port, arguments, launcher);
    running[pid] = rank;
  }
  int first_rank = -1, first_status = 0;
  while (!running.empty()) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      break;
    }
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    const int rank = it->second;
    running.erase(it);
    if (failed(status) && first_rank < 0) {
      first_rank = rank;
      first_status = status;
      for (const auto& [child, r] : running) ::kill(child, SIGTERM);
    }
  }
  if (first_rank < 0) return 0;
  std::cerr << "tdq: error: rank " << first_rank << " of " << nproc << " " << describe(first_status)
            << " (the first rank to fail; the other ranks were stopped)\n";
  return WIFEXITED(first_status) ? WEXITSTATUS(first_status) : 1;
}

}  // namespace tdq::cli
