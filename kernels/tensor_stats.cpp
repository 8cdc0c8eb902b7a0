#include "kernels/tensor_stats.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <stdexcept>

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

}  // namespace

TensorStats tensor_stats(const at::Tensor& x_in, std::int64_t bins, double lo, double hi) {
  check_range(bins, lo, hi);
  if (!x_in.device().is_cpu() || x_in.scalar_type() != at::kFloat)
    return tensor_stats_reference(x_in, bins, lo, hi);
  const at::Tensor x = x_in.contiguous();
  const float* data = x.data_ptr<float>();
  TensorStats total;
  total.lo = lo;
  total.hi = hi;
  total.histogram.assign(static_cast<std::size_t>(bins), 0);
  const double width_inv = bins > 0 ? static_cast<double>(bins) / (hi - lo) : 0.0;
  std::mutex merge_mutex;
  at::parallel_for(0, x.numel(), 32768, [&](std::int64_t begin, std::int64_t end) {
    TensorStats part;
    part.histogram.assign(static_cast<std::size_t>(bins), 0);
    float mn = std::numeric_limits<float>::infinity(), mx = -std::numeric_limits<float>::infinity();
    double sum = 0, sum_squares = 0;
    for (std::int64_t i = begin; i < end; ++i) {
      const float v = data[i];
      if (!std::isfinite(v)) {
        ++part.nan_count;
        continue;
      }
      mn = std::min(mn, v);
      mx = std::max(mx, v);
      sum += v;
      sum_squares += static_cast<double>(v) * v;
      ++part.count;
      if (bins > 0) {
        const double pos = (static_cast<double>(v) - lo) * width_inv;
        if (pos < 0)
          ++part.below;
        else if (pos >= static_cast<double>(bins))
          ++part.above;
        else
          ++part.histogram[static_cast<std::size_t>(pos)];
      }
    }
    part.min = mn;
    part.max = mx;
    part.sum = sum;
    part.sum_squares = sum_squares;
    std::lock_guard<std::mutex> lock(merge_mutex);
    merge_into(total, part);
  });
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
    const at::Tensor pos = at::floor((values - lo) * (static_cast<double>(bins) / (hi - lo)));
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
