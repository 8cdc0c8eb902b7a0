#include "core/common/errors.h"

#include <utility>

namespace tdq {

namespace {
std::string field_message(const std::string& field, const std::string& value,
                          const std::string& reason) {
  return field + (value.empty() ? "" : " = " + value) + ": " + reason;
}

std::string format_message(const std::filesystem::path& file, const std::string& what,
                           std::int64_t offset) {
  std::string message = file.string() + ": " + what;
  if (offset >= 0) message += " (at byte " + std::to_string(offset) + ")";
  return message;
}
}  // namespace

FormatError::FormatError(const std::filesystem::path& file, const std::string& what,
                         std::int64_t offset)
    : Error(format_message(file, what, offset)) {}

ConfigError::ConfigError(std::string field, std::string value, std::string reason)
    : Error(field_message(field, value, reason)),
      field_(std::move(field)),
      value_(std::move(value)),
      reason_(std::move(reason)) {}

}  // namespace tdq
