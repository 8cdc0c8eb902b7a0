#include "core/record/pearson.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tdq {

std::optional<double> pearson(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size()) throw std::invalid_argument("pearson: series of different length");
  const std::size_t n = x.size();
  if (n < 2) return std::nullopt;
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(x[i]) || !std::isfinite(y[i])) return std::nullopt;
    mx += x[i];
    my += y[i];
  }
  mx /= static_cast<double>(n);
  my /= static_cast<double>(n);
  // Two-pass (centred) sums: the one-pass formula cancels badly for ranges far from zero.
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double dx = x[i] - mx, dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  // A series constant up to rounding (relative variance below 1e-24) counts as constant.
  const double scale_x = mx * mx * static_cast<double>(n),
               scale_y = my * my * static_cast<double>(n);
  if (sxx <= 1e-24 * scale_x || syy <= 1e-24 * scale_y || sxx == 0 || syy == 0) return std::nullopt;
  return std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
}

}  // namespace tdq
