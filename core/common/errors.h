#pragma once
// One exception type per kind of failure, caught once at the CLI/GUI boundary and shown as one
// line.
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace tdq {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A file whose bytes do not follow its format. The message names the file and, when known, the
// offset.
struct FormatError : Error {
  FormatError(const std::filesystem::path& file, const std::string& what, std::int64_t offset = -1);
};

// A configuration value (JSON key, model config field, job or options field) that is missing or
// invalid. The core speaks of its own fields, never of a front end's controls: the three-part form
// names the field as "<config>.<field>" ("generate.count", "quant.w_bits") and its value, and reads
// "generate.count = 0: must be positive"; a front end may name its own control for that field
// instead (the CLI maps fields to flags in app/cli/cli_errors.cpp).
struct ConfigError : Error {
  using Error::Error;  // a free-form message (a file and a key in it, a model shape, ...)
  ConfigError(std::string field, std::string value, std::string reason);

  const std::string& field() const { return field_; }  // empty for a free-form message
  const std::string& value() const { return value_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string field_, value_, reason_;
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
