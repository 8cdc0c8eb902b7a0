#include "core/dist/dist_env.h"

#include <cerrno>
#include <cstdlib>
#include <limits>

#include "core/common/errors.h"

namespace tdq {

namespace {

// The whole string as an integer in [min, max]; ConfigError naming field and variable otherwise.
long long integer_variable(const EnvLookup& lookup, const char* variable, const std::string& field,
                           long long min, long long max) {
  const char* text = lookup(variable);
  if (!text) throw ConfigError(field, "", std::string(variable) + " is not set");
  const std::string value = text;
  char* end = nullptr;
  errno = 0;
  const long long number = std::strtoll(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0' || errno != 0) {
    throw ConfigError(field, value, std::string(variable) + " is not an integer");
  }
  if (number < min || number > max) {
    throw ConfigError(
        field, value,
        std::string(variable) + " must be in " + std::to_string(min) + ".." + std::to_string(max));
  }
  return number;
}

}  // namespace

DistEnv dist_env_from(const EnvLookup& lookup) {
  DistEnv env;
  if (lookup("TDQ_DIST_TIMEOUT")) {
    env.timeout = std::chrono::seconds(
        integer_variable(lookup, "TDQ_DIST_TIMEOUT", "dist.timeout", 1, 24 * 3600));
  }
  if (!lookup("WORLD_SIZE")) {
    // A RANK alone is a launcher that forgot WORLD_SIZE, not a single process.
    if (lookup("RANK"))
      throw ConfigError("dist.world_size", "", "RANK is set but WORLD_SIZE is not");
    return env;
  }
  env.world_size =
      static_cast<int>(integer_variable(lookup, "WORLD_SIZE", "dist.world_size", 1, 65536));
  if (env.world_size == 1 && !lookup("RANK")) return env;
  env.rank = static_cast<int>(integer_variable(lookup, "RANK", "dist.rank", 0, env.world_size - 1));
  env.local_rank =
      lookup("LOCAL_RANK")
          ? static_cast<int>(integer_variable(lookup, "LOCAL_RANK", "dist.local_rank", 0, 65535))
          : env.rank;
  if (env.world_size == 1) return env;
  const char* addr = lookup("MASTER_ADDR");
  if (!addr || std::string(addr).empty()) {
    throw ConfigError("dist.master_addr", "", "MASTER_ADDR is not set");
  }
  env.master_addr = addr;
  env.master_port = static_cast<std::uint16_t>(
      integer_variable(lookup, "MASTER_PORT", "dist.master_port", 1, 65535));
  return env;
}

DistEnv dist_env_from_process() {
  return dist_env_from([](const char* name) { return std::getenv(name); });
}

}  // namespace tdq
