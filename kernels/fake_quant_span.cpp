#include "kernels/fake_quant_span.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>

#include "kernels/float_sum.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define TDQ_STREAM_STORES 1
#endif

// Built with -ffp-contract=off (kernels/CMakeLists.txt): the AVX-512 clones have FMA, and GCC
// would otherwise fuse (q - zero) * scale + offset into one rounding that the other clones and
// the reference do not make.

namespace tdq::kernels {
namespace {

// Round half to even for |v| < 2^22 without a libm call, so the loops vectorise: adding and
// subtracting 1.5 * 2^23 leaves the nearest float with no fraction bits. v is clamped first.
// (Never build this file with -ffast-math: it would fold the two additions away.)
inline float round_even(float v) {
  constexpr float kMagic = 12582912.0f;
  return (v + kMagic) - kMagic;
}

// The loops, cloned for AVX-512, AVX2 and the baseline ISA (picked at load time), written without
// cross-lane dependencies so that every clone vectorises: NaNs are counted as integers, and the
// step-gradient sum is left to sum_floats (a float sum does not vectorise unless reassociation is
// allowed). The AVX-512 clone matters for more than width: on Zen 4/5 its divide has twice the
// AVX2 throughput, and the divide is what kept these loops below memory bandwidth.
__attribute__((target_clones("avx512f", "avx2", "default"))) std::int64_t forward_block(
    const float* x, float* y, std::int64_t n, SpanParams p) {
  std::int64_t nan_count = 0;
  for (std::int64_t j = 0; j < n; ++j) {
    // Divide, as the reference does: the ties of round() depend on the last bit of v.
    const float v = (x[j] - p.offset) / p.scale + p.zero;
    nan_count += v != v;
    const float q = round_even(std::min(std::max(v, p.qmin), p.qmax));
    y[j] = (q - p.zero) * p.scale + p.offset;
  }
  return nan_count;
}

inline float backward_element(float x, float g, float* gx, const SpanParams& p) {
  const float v = (x - p.offset) / p.scale + p.zero;
  const float clamped = std::min(std::max(v, p.qmin), p.qmax);
  // A 0/1 mask and multiplications instead of selects: GCC does not if-convert float selects under
  // -ftrapping-math, and the loop would stay scalar. m * a + (1 - m) * b is exact for m in {0, 1}.
  const float inside = static_cast<float>((v >= p.qmin) & (v <= p.qmax));
  *gx = g * inside;
  // d y / d s: round(v) - v inside (STE through round), the clip bound minus zero outside.
  const float inside_slope = round_even(clamped) - v;
  const float outside_slope = clamped - p.zero;
  return g * (inside * inside_slope + (1.0f - inside) * outside_slope);
}

__attribute__((target_clones("avx512f", "avx2", "default"))) void backward_block(
    const float* x, const float* g, float* gx, float* contribution, std::int64_t n, SpanParams p) {
  for (std::int64_t j = 0; j < n; ++j) contribution[j] = backward_element(x[j], g[j], gx + j, p);
}

// Blocks that stay in L1: the step-gradient contributions and, when streaming, the outputs go to
// small buffers that are summed (float_sum.cpp) or streamed out before the next block.
constexpr std::int64_t kBlock = 1024;

#ifdef TDQ_STREAM_STORES
// Full 64-byte lines per store where AVX-512 exists; SSE's 16-byte stream stores (every x86-64
// has them) fill a line in four.
__attribute__((target("avx512f"))) void stream_copy_avx512(float* dst, const float* src,
                                                           std::int64_t n) {
  std::int64_t j = 0;
  for (; j < n && (reinterpret_cast<std::uintptr_t>(dst + j) & 63) != 0; ++j) dst[j] = src[j];
  for (; j + 16 <= n; j += 16) _mm512_stream_ps(dst + j, _mm512_loadu_ps(src + j));
  for (; j < n; ++j) dst[j] = src[j];
}

void stream_copy_sse(float* dst, const float* src, std::int64_t n) {
  std::int64_t j = 0;
  for (; j < n && (reinterpret_cast<std::uintptr_t>(dst + j) & 15) != 0; ++j) dst[j] = src[j];
  for (; j + 4 <= n; j += 4) _mm_stream_ps(dst + j, _mm_loadu_ps(src + j));
  for (; j < n; ++j) dst[j] = src[j];
}

void stream_copy(float* dst, const float* src, std::int64_t n) {
  static const bool avx512 = __builtin_cpu_supports("avx512f");
  avx512 ? stream_copy_avx512(dst, src, n) : stream_copy_sse(dst, src, n);
}

// Stream stores are weakly ordered: make them visible before the caller hands the tensor on.
void finish_streaming() { _mm_sfence(); }
#else
void stream_copy(float* dst, const float* src, std::int64_t n) {
  std::memcpy(dst, src, static_cast<std::size_t>(n) * sizeof(float));
}
void finish_streaming() {}
#endif

std::int64_t default_stream_output_bytes() {
  const long last_level = sysconf(_SC_LEVEL3_CACHE_SIZE);
  return last_level > 0 ? static_cast<std::int64_t>(last_level) / 2 : kStreamOutputBytes;
}

std::atomic<std::int64_t>& stream_threshold() {
  static std::atomic<std::int64_t> bytes{default_stream_output_bytes()};
  return bytes;
}

}  // namespace

std::int64_t stream_output_bytes() { return stream_threshold().load(std::memory_order_relaxed); }

void set_stream_output_bytes(std::int64_t bytes) {
  stream_threshold().store(bytes, std::memory_order_relaxed);
}

std::int64_t forward_span(const float* x, float* y, std::int64_t n, const SpanParams& p,
                          Store store) {
  if (store == Store::Cached) return forward_block(x, y, n, p);
  float out[kBlock];
  std::int64_t nan_count = 0;
  for (std::int64_t begin = 0; begin < n; begin += kBlock) {
    const std::int64_t size = std::min(kBlock, n - begin);
    nan_count += forward_block(x + begin, out, size, p);
    stream_copy(y + begin, out, size);
  }
  finish_streaming();
  return nan_count;
}

double backward_span(const float* x, const float* g, float* gx, std::int64_t n, const SpanParams& p,
                     Store store) {
  float contribution[kBlock];
  float out[kBlock];
  double total = 0;
  for (std::int64_t begin = 0; begin < n; begin += kBlock) {
    const std::int64_t size = std::min(kBlock, n - begin);
    if (store == Store::Cached) {
      backward_block(x + begin, g + begin, gx + begin, contribution, size, p);
    } else {
      backward_block(x + begin, g + begin, out, contribution, size, p);
      stream_copy(gx + begin, out, size);
    }
    total += sum_floats(contribution, size);
  }
  if (store == Store::Stream) finish_streaming();
  return total;
}

}  // namespace tdq::kernels
