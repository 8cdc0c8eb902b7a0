#pragma once
// GCC's vector extensions for the statistics loops (tensor_stats_block.cpp, error_sums.cpp): the
// auto-vectoriser leaves their reductions scalar (min/max selects, float-to-double sums), and the
// extensions also compile for the baseline clone (as pairs of SSE2 operations) and under clang.
#include <cstdint>
#include <cstring>

namespace tdq::kernels::lanes {

typedef float Floats8 __attribute__((vector_size(32)));
typedef float Floats4 __attribute__((vector_size(16)));
typedef double Doubles4 __attribute__((vector_size(32)));
typedef std::int32_t Ints8 __attribute__((vector_size(32)));
typedef std::int32_t Ints4 __attribute__((vector_size(16)));

// By reference: a function returning a 32-byte vector would change ABI between the clones.
template <class V>
inline void load(V& v, const float* p) {
  std::memcpy(&v, p, sizeof(V));
}

}  // namespace tdq::kernels::lanes
