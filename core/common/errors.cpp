#include "core/common/errors.h"

namespace tdq {

namespace {
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

}  // namespace tdq
