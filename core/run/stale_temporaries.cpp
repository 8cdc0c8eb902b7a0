#include "core/run/stale_temporaries.h"

#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <string>

#include "core/common/errors.h"

namespace tdq {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The pid after ".tmp." in a file name, or -1.
long temp_file_pid(const std::string& name) {
  const auto at = name.rfind(".tmp.");
  if (at == std::string::npos || at + 5 >= name.size()) return -1;
  const std::string digits = name.substr(at + 5);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return -1;
  if (digits.size() > 9) return -1;
  return std::stol(digits);
}

long folder_writer_pid(const std::filesystem::path& folder) {
  std::ifstream in(folder / kWriterPidFile);
  long pid = -1;
  if (!(in >> pid)) return -1;
  return pid;
}

}  // namespace

bool process_alive(long pid) {
  if (pid <= 0) return false;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

std::vector<std::filesystem::path> stale_temporaries(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> stale;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return stale;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory(ec) && ends_with(name, ".tmp")) {
      if (!process_alive(folder_writer_pid(entry.path()))) stale.push_back(entry.path());
    } else if (entry.is_regular_file(ec)) {
      const long pid = temp_file_pid(name);
      if (pid > 0 && !process_alive(pid)) stale.push_back(entry.path());
    }
  }
  std::sort(stale.begin(), stale.end());
  return stale;
}

std::vector<std::filesystem::path> remove_stale_temporaries(const std::filesystem::path& dir) {
  const auto stale = stale_temporaries(dir);
  for (const auto& p : stale) {
    std::error_code ec;
    std::filesystem::remove_all(p, ec);
    if (ec) throw IoError(p.string() + ": cannot remove: " + ec.message());
  }
  return stale;
}

}  // namespace tdq
