#pragma once
#include <optional>
#include <vector>

namespace tdq {

// Pearson correlation of x and y (same length), in double. Undefined (nullopt) when fewer than two
// points, when either series is constant (zero variance: a layer whose range does not move with t),
// or when a value is not finite.
std::optional<double> pearson(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace tdq
