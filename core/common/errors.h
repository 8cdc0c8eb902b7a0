#pragma once
// One exception type per kind of failure, caught once at the CLI/GUI boundary and shown as one line.
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace tdq {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A file whose bytes do not follow its format. The message names the file and, when known, the offset.
struct FormatError : Error {
  FormatError(const std::filesystem::path& file, const std::string& what, std::int64_t offset = -1);
};

// A configuration value (JSON key, CLI option, model config field) that is missing or invalid.
struct ConfigError : Error {
  using Error::Error;
};

// I/O failure: a file that cannot be opened, read or written.
struct IoError : Error {
  using Error::Error;
};

// The user asked a long job to stop; not a failure, but the job produced nothing.
struct CancelledError : Error {
  CancelledError() : Error("cancelled") {}
};

}  // namespace tdq
