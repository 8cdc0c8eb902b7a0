#include "core/record/histogram_percentile.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace tdq {

double histogram_percentile(const std::vector<std::int64_t>& buckets, double lo, double hi,
                            double min, double max, double p) {
  if (buckets.size() < 3)
    throw std::invalid_argument("histogram_percentile: needs at least one bin");
  std::int64_t total = 0;
  for (std::int64_t c : buckets) total += c;
  if (total == 0) return std::numeric_limits<double>::quiet_NaN();
  const std::size_t bins = buckets.size() - 2;
  const double width = (hi - lo) / static_cast<double>(bins);
  const double target = std::clamp(p, 0.0, 1.0) * static_cast<double>(total);
  double before = 0;
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    const double count = static_cast<double>(buckets[i]);
    if (count == 0) continue;
    if (before + count >= target) {
      double left, right;
      if (i == 0) {
        left = min;
        right = lo;
      } else if (i == buckets.size() - 1) {
        left = hi;
        right = max;
      } else {
        left = lo + static_cast<double>(i - 1) * width;
        right = left + width;
      }
      const double fraction = std::clamp((target - before) / count, 0.0, 1.0);
      return std::clamp(left + fraction * (right - left), min, max);
    }
    before += count;
  }
  return max;
}

}  // namespace tdq
