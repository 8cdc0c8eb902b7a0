#pragma once
// Runs the real `tdq` binary ($TDQ_BIN_DIR, set by ctest) and captures exit code, stdout, stderr.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/temp_dir.h"

namespace tdq::test {

struct CliResult {
  int code = -1;
  std::string out, err;
};

// The JSON object a command printed as its last line of stdout (--json).
inline nlohmann::json last_json_line(const std::string& out) {
  const auto end = out.find_last_not_of('\n');
  const auto start = out.rfind('\n', end);
  return nlohmann::json::parse(out.substr(start == std::string::npos ? 0 : start + 1, end + 1));
}

// `dir` holds the captured stderr.
inline CliResult run_tdq(const std::string& args, const TempDir& dir) {
  const char* bin_dir = std::getenv("TDQ_BIN_DIR");
  const std::string tdq = std::string(bin_dir ? bin_dir : "build/bin") + "/tdq";
  const auto err_file = dir / "stderr.txt";
  const std::string command = tdq + " " + args + " 2>" + err_file.string();
  CliResult run;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return run;
  std::array<char, 4096> buffer{};
  std::size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    run.out.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err(err_file);
  run.err.assign(std::istreambuf_iterator<char>(err), std::istreambuf_iterator<char>());
  return run;
}

}  // namespace tdq::test
