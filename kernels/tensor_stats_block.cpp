#include "kernels/tensor_stats_block.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/vector_lanes.h"

// Built with -ffp-contract=off (kernels/CMakeLists.txt), so that the AVX2 clone does not fuse
// d * d + q into an FMA and every machine sums the same bits.

namespace tdq::kernels {

using namespace lanes;

__attribute__((target_clones("avx2", "default"))) BlockMoments block_moments(const float* x,
                                                                             std::int64_t n) {
  constexpr float inf = std::numeric_limits<float>::infinity();
  Floats8 mn = {inf, inf, inf, inf, inf, inf, inf, inf};
  Floats8 mx = -mn;
  Doubles4 s0 = {}, s1 = {}, q0 = {}, q1 = {};
  const std::int64_t whole = n - n % 8;
  for (std::int64_t i = 0; i < whole; i += 8) {
    Floats8 v;
    Floats4 a, b;
    load(v, x + i);
    load(a, x + i);
    load(b, x + i + 4);
    mn = v < mn ? v : mn;
    mx = v > mx ? v : mx;
    const Doubles4 d0 = __builtin_convertvector(a, Doubles4);
    const Doubles4 d1 = __builtin_convertvector(b, Doubles4);
    s0 += d0;
    s1 += d1;
    q0 += d0 * d0;
    q1 += d1 * d1;
  }
  BlockMoments m;
  m.min = inf;
  m.max = -inf;
  for (int l = 0; l < 8; ++l) {
    m.min = mn[l] < m.min ? mn[l] : m.min;
    m.max = mx[l] > m.max ? mx[l] : m.max;
  }
  for (int l = 0; l < 4; ++l) {
    m.sum += s0[l] + s1[l];
    m.sum_squares += q0[l] + q1[l];
  }
  for (std::int64_t i = whole; i < n; ++i) {
    const float v = x[i];
    m.min = v < m.min ? v : m.min;
    m.max = v > m.max ? v : m.max;
    const double d = v;
    m.sum += d;
    m.sum_squares += d * d;
  }
  // No separate NaN test in the loop: a float64 sum of at most kStatsBlock finite floats cannot
  // overflow, so it is finite exactly when every value is (a NaN or an infinity propagates).
  m.finite = std::isfinite(m.sum);
  return m;
}

__attribute__((target_clones("avx2", "default"))) void block_histogram(const float* x,
                                                                       std::int64_t n, float lo,
                                                                       float width_inv,
                                                                       std::int64_t bins,
                                                                       std::int64_t* counts) {
  // Pass 1, vectorised: the slot of every value. Clamping to [-1, bins] before the conversion keeps
  // it in int range; truncation equals floor there, and -1 -> slot 0 (below), bins -> bins + 1.
  std::int32_t slot[kStatsBlock];
  const float top = static_cast<float>(bins);
  Floats8 lo8, inv8, top8, below8;
  for (int l = 0; l < 8; ++l) {
    lo8[l] = lo;
    inv8[l] = width_inv;
    top8[l] = top;
    below8[l] = -1.0f;
  }
  const std::int64_t whole = n - n % 8;
  for (std::int64_t i = 0; i < whole; i += 8) {
    Floats8 v;
    load(v, x + i);
    const Floats8 pos = (v - lo8) * inv8;
    const Floats8 high = pos >= top8 ? top8 : pos;
    const Floats8 clamped = pos < 0.0f ? below8 : high;
    const Ints8 s = __builtin_convertvector(clamped, Ints8) + 1;
    std::memcpy(slot + i, &s, sizeof(s));
  }
  for (std::int64_t i = whole; i < n; ++i) {
    const float pos = (x[i] - lo) * width_inv;
    const float clamped = pos < 0.0f ? -1.0f : (pos >= top ? top : pos);
    slot[i] = static_cast<std::int32_t>(clamped) + 1;
  }
  // Pass 2, scalar. (Measured: one copy of the counts beats four interleaved copies on
  // Gaussian-like activations; runs of equal slots are rarer than the extra address arithmetic
  // costs.)
  for (std::int64_t i = 0; i < n; ++i) ++counts[slot[i]];
}

}  // namespace tdq::kernels
