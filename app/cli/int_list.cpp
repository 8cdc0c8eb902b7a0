#include "app/cli/int_list.h"

#include <sstream>

#include "core/common/errors.h"

namespace tdq::cli {

std::vector<std::int64_t> parse_int_list(const std::string& text, const std::string& flag,
                                         std::int64_t min) {
  std::vector<std::int64_t> values;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    std::size_t used = 0;
    long long value = 0;
    try {
      value = std::stoll(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (item.empty() || used != item.size()) {
      throw ConfigError(flag + ": '" + item +
                        "' is not an integer (expected a list like 100,50,20)");
    }
    if (value < min) {
      throw ConfigError(flag + ": " + item + " is below the minimum " + std::to_string(min));
    }
    values.push_back(value);
  }
  if (values.empty()) throw ConfigError(flag + ": empty list");
  return values;
}

}  // namespace tdq::cli
