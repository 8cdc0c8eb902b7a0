#pragma once
// The per-element loops of the fused fake-quant kernels (fake_quant.cpp) over one contiguous span
// that shares a step size.
#include <cstdint>

namespace tdq::kernels {

// Every grid is v = (x - offset) / scale + zero, q = round(clamp(v, qmin, qmax)),
// y = (q - zero) * scale + offset (see GridSpec).
struct SpanParams {
  float scale, offset, zero, qmin, qmax;
};

// How outputs reach memory. Stream: non-temporal stores that bypass the caches, for outputs too
// large to stay there; a plain store would first read each output line from memory (write
// allocate), a third memory pass for the forward kernel and a fourth for the backward one.
enum class Store { Cached, Stream };

// Outputs of at least stream_output_bytes() are streamed: half the last-level cache the OS reports
// (sysconf), where a fused pass over that much input and output evicts its own output before the
// next layer reads it; kStreamOutputBytes where none is reported (half the 32 MiB L3 that one core
// shares on the Zen parts this project first measured on). On a machine with a 480 MiB L3 a 34 MB
// activation stays cached: fused fwd+bwd at 82-87 % of memcpy there, 70-76 % streamed.
// set_stream_output_bytes changes it for the process (tests, measurements).
constexpr std::int64_t kStreamOutputBytes = std::int64_t{16} << 20;
std::int64_t stream_output_bytes();
void set_stream_output_bytes(std::int64_t bytes);

// y = fake_quant(x) over n elements; returns how many inputs were NaN.
std::int64_t forward_span(const float* x, float* y, std::int64_t n, const SpanParams& p,
                          Store store);
// grad_x (straight-through) over n elements; returns the span's sum of the LSQ step-size
// contributions g * dy/ds, summed in float blocks of 1024 then in double.
double backward_span(const float* x, const float* g, float* gx, std::int64_t n, const SpanParams& p,
                     Store store);

}  // namespace tdq::kernels
