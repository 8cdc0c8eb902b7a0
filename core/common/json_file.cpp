#include "core/common/json_file.h"

#include <nlohmann/json.hpp>

#include "core/common/errors.h"
#include "core/common/file_io.h"

namespace tdq {

nlohmann::json read_json_file(const std::filesystem::path& file) {
  const std::string text = read_file_bytes(file);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw FormatError(file, std::string("not valid JSON: ") + e.what(),
                      static_cast<std::int64_t>(e.byte));
  } catch (const nlohmann::json::exception& e) {  // e.g. a number too large for a double
    throw FormatError(file, std::string("not valid JSON: ") + e.what());
  }
}

}  // namespace tdq
