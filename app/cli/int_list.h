#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace tdq::cli {

// "100,50,20" -> {100, 50, 20}, for list flags such as `tdq fid --steps`. ConfigError naming
// `flag` for an empty list, a non-numeric entry or one below `min`.
std::vector<std::int64_t> parse_int_list(const std::string& text, const std::string& flag,
                                         std::int64_t min = 0);

}  // namespace tdq::cli
