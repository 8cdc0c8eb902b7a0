#include "kernels/tensor_stats.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>
#include <vector>

#include "kernels/tensor_stats_block.h"

namespace tdq::kernels {

namespace {

void check_range(std::int64_t bins, double lo, double hi) {
  if (bins < 0) throw std::invalid_argument("tensor_stats: bins must be >= 0");
  if (bins > 0 && !(lo < hi && std::isfinite(lo) && std::isfinite(hi))) {
    throw std::invalid_argument("tensor_stats: histogram range must satisfy lo < hi (finite)");
  }
}

void finish(TensorStats& s) {
  if (s.count == 0) {
    s.min = s.max = s.abs_max = s.mean = s.std = std::numeric_limits<double>::quiet_NaN();
    return;
  }
  s.abs_max = std::max(std::abs(s.min), std::abs(s.max));
  s.mean = s.sum / static_cast<double>(s.count);
  s.std = std::sqrt(std::max(0.0, s.sum_squares / static_cast<double>(s.count) - s.mean * s.mean));
}

void merge_into(TensorStats& total, const TensorStats& part) {
  if (part.count > 0) {
    total.min = total.count ? std::min(total.min, part.min) : part.min;
    total.max = total.count ? std::max(total.max, part.max) : part.max;
  }
  total.count += part.count;
  total.nan_count += part.nan_count;
  total.sum += part.sum;
  total.sum_squares += part.sum_squares;
  total.below += part.below;
  total.above += part.above;
  for (std::size_t i = 0; i < part.histogram.size(); ++i) total.histogram[i] += part.histogram[i];
}

// Values of a block that holds a NaN or an infinity, one at a time (rare: the recorder stops on
// them). Same bin arithmetic as block_histogram.
void add_scalar(const float* x, std::int64_t n, float lo, float width_inv, std::int64_t bins,
                TensorStats& part) {
  for (std::int64_t i = 0; i < n; ++i) {
    const float v = x[i];
    if (!std::isfinite(v)) {
      ++part.nan_count;
      continue;
    }
    part.min = part.count ? std::min(part.min, static_cast<double>(v)) : v;
    part.max = part.count ? std::max(part.max, static_cast<double>(v)) : v;
    part.sum += v;
    part.sum_squares += static_cast<double>(v) * v;
    ++part.count;
    if (bins > 0) {
      const float pos = (v - lo) * width_inv;
      if (pos < 0)
        ++part.below;
      else if (pos >= static_cast<float>(bins))
        ++part.above;
      else
        ++part.histogram[static_cast<std::size_t>(pos)];
    }
  }
}

// One thread's range [begin, end) in blocks: the vectorised block loops for finite blocks, the
// scalar loop for the others.
TensorStats range_stats(const float* data, std::int64_t begin, std::int64_t end, std::int64_t bins,
                        float lo, float width_inv) {
  TensorStats part;
  part.histogram.assign(static_cast<std::size_t>(bins), 0);
  std::vector<std::int64_t> slots(bins > 0 ? static_cast<std::size_t>(bins + 2) : 0, 0);
  for (std::int64_t b = begin; b < end; b += kStatsBlock) {
    const std::int64_t n = std::min(kStatsBlock, end - b);
    const BlockMoments m = block_moments(data + b, n);
    if (!m.finite) {
      add_scalar(data + b, n, lo, width_inv, bins, part);
      continue;
    }
    part.min = part.count ? std::min(part.min, static_cast<double>(m.min)) : m.min;
    part.max = part.count ? std::max(part.max, static_cast<double>(m.max)) : m.max;
    part.sum += m.sum;
    part.sum_squares += m.sum_squares;
    part.count += n;
    if (bins > 0) block_histogram(data + b, n, lo, width_inv, bins, slots.data());
  }
  if (bins > 0) {
    part.below += slots.front();
    part.above += slots.back();
    for (std::size_t i = 0; i < part.histogram.size(); ++i) part.histogram[i] += slots[i + 1];
  }
  return part;
}

}  // namespace

TensorStats tensor_stats(const at::Tensor& x_in, std::int64_t bins, double lo, double hi,
                         StatsThreads threads) {
  check_range(bins, lo, hi);
  if (!x_in.device().is_cpu() || x_in.scalar_type() != at::kFloat)
    return tensor_stats_reference(x_in, bins, lo, hi);
  const at::Tensor x = x_in.contiguous();
  const float* data = x.data_ptr<float>();
  TensorStats total;
  total.lo = lo;
  total.hi = hi;
  total.histogram.assign(static_cast<std::size_t>(bins), 0);
  const float lo_f = static_cast<float>(lo);
  const float width_inv = bins > 0 ? static_cast<float>(static_cast<double>(bins) / (hi - lo)) : 0;
  const auto parts =
      chunk_parts<TensorStats>(x.numel(), threads, [&](std::int64_t begin, std::int64_t end) {
        return range_stats(data, begin, end, bins, lo_f, width_inv);
      });
  for (const auto& part : parts) merge_into(total, part);
  finish(total);
  return total;
}

TensorStats tensor_stats_reference(const at::Tensor& x_in, std::int64_t bins, double lo,
                                   double hi) {
  check_range(bins, lo, hi);
  const at::Tensor flat = x_in.detach().to(at::kCPU).to(at::kDouble).flatten();
  const at::Tensor finite = at::isfinite(flat);
  const at::Tensor values = flat.masked_select(finite);
  TensorStats s;
  s.lo = lo;
  s.hi = hi;
  s.count = values.numel();
  s.nan_count = flat.numel() - s.count;
  if (s.count > 0) {
    s.min = values.min().item<double>();
    s.max = values.max().item<double>();
    s.sum = values.sum().item<double>();
    s.sum_squares = (values * values).sum().item<double>();
  }
  if (bins > 0) {
    // Scalars with a float32 tensor are rounded to float32 and the arithmetic is float32.
    const double width_inv = static_cast<double>(bins) / (hi - lo);
    const at::Tensor in_precision =
        x_in.scalar_type() == at::kFloat ? values.to(at::kFloat) : values;
    const at::Tensor pos = at::floor((in_precision - lo) * width_inv).to(at::kDouble);
    s.below = (pos < 0).sum().item<std::int64_t>();
    s.above = (pos >= bins).sum().item<std::int64_t>();
    const at::Tensor inside = pos.masked_select((pos >= 0).logical_and(pos < bins)).to(at::kLong);
    const at::Tensor counts = at::bincount(inside, {}, bins);
    s.histogram.assign(counts.data_ptr<std::int64_t>(), counts.data_ptr<std::int64_t>() + bins);
  }
  finish(s);
  return s;
}

}  // namespace tdq::kernels
