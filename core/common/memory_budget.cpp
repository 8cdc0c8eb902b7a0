#include "core/common/memory_budget.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>

#include "core/common/errors.h"

namespace tdq {

std::uint64_t available_memory_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  std::uint64_t kb = 0;
  std::string unit;
  while (meminfo >> key >> kb >> unit) {
    if (key == "MemAvailable:") return kb * 1024;
  }
  const long pages = ::sysconf(_SC_AVPHYS_PAGES), size = ::sysconf(_SC_PAGESIZE);
  if (pages > 0 && size > 0)
    return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(size);
  return std::numeric_limits<std::uint64_t>::max();  // unknown: refuse nothing
}

std::string human_bytes(std::uint64_t bytes) {
  char text[32];
  const double b = static_cast<double>(bytes);
  if (b >= 1e9)
    std::snprintf(text, sizeof text, "%.1f GB", b / 1e9);
  else
    std::snprintf(text, sizeof text, "%.0f MB", b / 1e6);
  return text;
}

std::uint64_t image_bytes(std::int64_t count, std::int64_t c, std::int64_t h, std::int64_t w) {
  std::uint64_t total = sizeof(float);
  for (std::int64_t d : {count, c, h, w}) {
    const auto v = static_cast<std::uint64_t>(d > 0 ? d : 0);
    if (v != 0 && total > std::numeric_limits<std::uint64_t>::max() / v)
      return std::numeric_limits<std::uint64_t>::max();
    total *= v;
  }
  return total;
}

void require_memory(std::uint64_t bytes, const std::string& field, const std::string& value,
                    const std::string& what) {
  const std::uint64_t available = available_memory_bytes();
  if (bytes <= available) return;
  throw ConfigError(field, value,
                    "needs " + human_bytes(bytes) + " for " + what + "; " + human_bytes(available) +
                        " are available");
}

}  // namespace tdq
