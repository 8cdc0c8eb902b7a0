#pragma once
#include <cstdint>
#include <vector>

namespace tdq {

// Percentile p (0..1) of values summarised by a fixed-bin histogram over [lo, hi) with an
// underflow and an overflow bucket: `buckets` = [below lo, bin 0 .. bin B-1, at or above hi].
// The outer buckets span [min, lo) and [hi, max], so a percentile is never lost to the clipping of
// the histogram range. Linear interpolation inside the bucket that holds rank p * count; the result
// is clamped to [min, max] (a single value or a constant tensor gives that value exactly). The
// error is at most one bin width for values inside [lo, hi). NaN when the histogram is empty.
double histogram_percentile(const std::vector<std::int64_t>& buckets, double lo, double hi,
                            double min, double max, double p);

}  // namespace tdq
