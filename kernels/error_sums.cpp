#include "kernels/error_sums.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "kernels/vector_lanes.h"

// Built with -ffp-contract=off (kernels/CMakeLists.txt): the AVX2 clone would otherwise fuse
// d * d + sum into an FMA that the baseline clone does not make, and the sums would depend on the
// CPU.

namespace tdq::kernels {
namespace {

using namespace lanes;

inline double sum_lanes(const Doubles4& a, const Doubles4& b) {
  return (a[0] + b[0]) + (a[1] + b[1]) + (a[2] + b[2]) + (a[3] + b[3]);
}

// Squared differences in float64, 8 values a step in two halves of 4 lanes each.
__attribute__((target_clones("avx2", "default"))) void add_errors(const float* in, const float* out,
                                                                  const float* ref, std::int64_t n,
                                                                  ErrorSums& sums) {
  Doubles4 ei0 = {}, ei1 = {}, eo0 = {}, eo1 = {}, r0 = {}, r1 = {};
  const std::int64_t whole = n - n % 8;
  for (std::int64_t j = 0; j < whole; j += 8) {
    Floats4 i_lo, i_hi, o_lo, o_hi, f_lo, f_hi;
    load(i_lo, in + j);
    load(i_hi, in + j + 4);
    load(o_lo, out + j);
    load(o_hi, out + j + 4);
    load(f_lo, ref + j);
    load(f_hi, ref + j + 4);
    const Doubles4 rl = __builtin_convertvector(f_lo, Doubles4);
    const Doubles4 rh = __builtin_convertvector(f_hi, Doubles4);
    const Doubles4 dil = __builtin_convertvector(i_lo, Doubles4) - rl;
    const Doubles4 dih = __builtin_convertvector(i_hi, Doubles4) - rh;
    const Doubles4 dol = __builtin_convertvector(o_lo, Doubles4) - rl;
    const Doubles4 doh = __builtin_convertvector(o_hi, Doubles4) - rh;
    ei0 += dil * dil;
    ei1 += dih * dih;
    eo0 += dol * dol;
    eo1 += doh * doh;
    r0 += rl * rl;
    r1 += rh * rh;
  }
  sums.input_error += sum_lanes(ei0, ei1);
  sums.output_error += sum_lanes(eo0, eo1);
  sums.reference_squares += sum_lanes(r0, r1);
  for (std::int64_t j = whole; j < n; ++j) {
    const double r = ref[j], di = in[j] - r, dout = out[j] - r;
    sums.input_error += di * di;
    sums.output_error += dout * dout;
    sums.reference_squares += r * r;
  }
}

// |output - input| > threshold in float32, as the composed ops compare a float tensor with a
// scalar.
__attribute__((target_clones("avx2", "default"))) std::int64_t count_clipped(const float* in,
                                                                             const float* out,
                                                                             std::int64_t n,
                                                                             float threshold) {
  Ints8 counts = {};
  Floats8 limit;
  for (int l = 0; l < 8; ++l) limit[l] = threshold;
  const std::int64_t whole = n - n % 8;
  for (std::int64_t j = 0; j < whole; j += 8) {
    Floats8 a, b;
    load(a, in + j);
    load(b, out + j);
    const Floats8 moved = b - a;
    const Floats8 magnitude = moved < 0.0f ? -moved : moved;
    counts -= magnitude > limit;  // a true comparison is -1 in every bit
  }
  std::int64_t total = 0;
  for (int l = 0; l < 8; ++l) total += counts[l];
  for (std::int64_t j = whole; j < n; ++j) {
    const float moved = out[j] - in[j];
    total += (moved < 0.0f ? -moved : moved) > threshold;
  }
  return total;
}

void check_shapes(const at::Tensor& input, const at::Tensor& output, const at::Tensor& reference) {
  if (!input.sizes().equals(output.sizes()) ||
      (reference.defined() && !input.sizes().equals(reference.sizes()))) {
    throw std::invalid_argument("error_sums: input, output and reference differ in shape");
  }
}

}  // namespace

ErrorSums error_sums(const at::Tensor& input_in, const at::Tensor& output_in,
                     const at::Tensor& reference_in, float clip_threshold, StatsThreads threads) {
  check_shapes(input_in, output_in, reference_in);
  const bool has_reference = reference_in.defined();
  auto fast = [](const at::Tensor& t) {
    return t.device().is_cpu() && t.scalar_type() == at::kFloat;
  };
  if (!fast(input_in) || !fast(output_in) || (has_reference && !fast(reference_in)))
    return error_sums_reference(input_in, output_in, reference_in, clip_threshold);
  const at::Tensor input = input_in.contiguous(), output = output_in.contiguous();
  const at::Tensor reference = has_reference ? reference_in.contiguous() : at::Tensor();
  const float* in = input.data_ptr<float>();
  const float* out = output.data_ptr<float>();
  const float* ref = has_reference ? reference.data_ptr<float>() : nullptr;
  const auto parts =
      chunk_parts<ErrorSums>(input.numel(), threads, [&](std::int64_t begin, std::int64_t end) {
        ErrorSums part;
        const std::int64_t n = end - begin;
        if (ref) add_errors(in + begin, out + begin, ref + begin, n, part);
        if (clip_threshold > 0)
          part.clipped = count_clipped(in + begin, out + begin, n, clip_threshold);
        part.count = n;
        return part;
      });
  ErrorSums total;
  for (const ErrorSums& part : parts) {
    total.input_error += part.input_error;
    total.output_error += part.output_error;
    total.reference_squares += part.reference_squares;
    total.clipped += part.clipped;
    total.count += part.count;
  }
  return total;
}

ErrorSums error_sums_reference(const at::Tensor& input, const at::Tensor& output,
                               const at::Tensor& reference, float clip_threshold) {
  check_shapes(input, output, reference);
  ErrorSums sums;
  sums.count = input.numel();
  if (reference.defined()) {
    const at::Tensor ref = reference.detach().to(at::kDouble);
    sums.input_error = (input.detach().to(at::kDouble) - ref).square().sum().item<double>();
    sums.output_error = (output.detach().to(at::kDouble) - ref).square().sum().item<double>();
    sums.reference_squares = ref.square().sum().item<double>();
  }
  if (clip_threshold > 0) {
    const at::Tensor moved = (output.detach().to(at::kFloat) - input.detach().to(at::kFloat)).abs();
    sums.clipped = (moved > clip_threshold).sum().item<std::int64_t>();
  }
  return sums;
}

}  // namespace tdq::kernels
