#pragma once
#include <cstdint>

namespace tdq::kernels {

// Sum of n floats, vectorised. Built with reassociation allowed (see CMakeLists.txt): the order of
// additions differs from a serial loop by float round-off, which callers accept.
float sum_floats(const float* values, std::int64_t n);

}  // namespace tdq::kernels
