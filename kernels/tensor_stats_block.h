#pragma once
// The inner loops of tensor_stats over one block of float values, written so that GCC vectorises
// them (lane arrays instead of one running accumulator, selects instead of branches). The block
// functions assume finite values; blocks holding a NaN or an infinity go to the scalar fallback.
#include <cstdint>

namespace tdq::kernels {

// Values per block: small enough that a block's bin indices stay in L1 between the two passes.
constexpr std::int64_t kStatsBlock = 1024;

struct BlockMoments {
  float min = 0, max = 0;  // valid when finite and n > 0
  double sum = 0, sum_squares = 0;
  bool finite = true;  // false: the block holds a NaN or +-Inf and no other field is usable
};

// min, max and float64 sums of x[0, n), n <= kStatsBlock.
BlockMoments block_moments(const float* x, std::int64_t n);

// Adds the block's values (finite only, n <= kStatsBlock) to a slotted histogram counts[bins + 2]:
// slot 0 counts values below lo, slot bins + 1 those at or above hi, slot 1 + i bin
// i = floor((v - lo) * width_inv), computed in float32 as tensor_stats_reference defines it.
void block_histogram(const float* x, std::int64_t n, float lo, float width_inv, std::int64_t bins,
                     std::int64_t* counts);

}  // namespace tdq::kernels
