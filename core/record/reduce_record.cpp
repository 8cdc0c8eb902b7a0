#include "core/record/reduce_record.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <limits>

#include "core/dist/gather.h"

namespace tdq {

namespace {

constexpr std::int64_t kIntFields = 4;  // count, clipped, clip_count, error_count
constexpr std::int64_t kDoubleFields =
    5;  // sum, sum_squares, error_in, error_out, reference_squares

void reduce_stream(const DistContext& dist, StreamRecord& stream) {
  const std::int64_t layers = stream.layers(), steps = stream.steps();
  const std::int64_t cells = layers * steps;
  if (cells == 0) return;  // a stream this record does not have
  const std::int64_t buckets = stream.bins() > 0 ? stream.bins() + 2 : 0;
  at::Tensor ints = at::zeros({cells, kIntFields + buckets}, at::kLong);
  at::Tensor sums = at::zeros({cells, kDoubleFields}, at::kDouble);
  at::Tensor extremes = at::empty({cells, 2}, at::kDouble);  // min, max
  auto i = ints.accessor<std::int64_t, 2>();
  auto d = sums.accessor<double, 2>();
  auto e = extremes.accessor<double, 2>();
  for (std::int64_t l = 0; l < layers; ++l) {
    for (std::int64_t k = 0; k < steps; ++k) {
      const LayerStepAccumulator& a = stream.at(l, k);
      const std::int64_t c = l * steps + k;
      i[c][0] = a.count;
      i[c][1] = a.clipped;
      i[c][2] = a.clip_count;
      i[c][3] = a.error_count;
      for (std::int64_t b = 0; b < static_cast<std::int64_t>(a.histogram.size()); ++b)
        i[c][kIntFields + b] = a.histogram[static_cast<std::size_t>(b)];
      d[c][0] = a.sum;
      d[c][1] = a.sum_squares;
      d[c][2] = a.error_in;
      d[c][3] = a.error_out;
      d[c][4] = a.reference_squares;
      e[c][0] = a.min;
      e[c][1] = a.max;
    }
  }
  std::vector<at::Tensor> tensors = {ints, sums};
  all_reduce_sum(dist, tensors);
  const at::Tensor gathered = all_gather_rows(dist, extremes);  // [rank, cell, min|max]
  const auto rows = gathered.accessor<double, 3>();
  for (std::int64_t l = 0; l < layers; ++l) {
    for (std::int64_t k = 0; k < steps; ++k) {
      LayerStepAccumulator& a = stream.at(l, k);
      const std::int64_t c = l * steps + k;
      a.count = i[c][0];
      a.clipped = i[c][1];
      a.clip_count = i[c][2];
      a.error_count = i[c][3];
      for (std::int64_t b = 0; b < static_cast<std::int64_t>(a.histogram.size()); ++b)
        a.histogram[static_cast<std::size_t>(b)] = i[c][kIntFields + b];
      a.sum = d[c][0];
      a.sum_squares = d[c][1];
      a.error_in = d[c][2];
      a.error_out = d[c][3];
      a.reference_squares = d[c][4];
      a.min = std::numeric_limits<double>::infinity();
      a.max = -std::numeric_limits<double>::infinity();
      for (int r = 0; r < dist.world_size; ++r) {
        a.min = std::min(a.min, rows[r][c][0]);
        a.max = std::max(a.max, rows[r][c][1]);
      }
    }
  }
}

template <class T>
void sum_vector(const DistContext& dist, std::vector<T>& values, at::ScalarType type) {
  at::Tensor t =
      at::from_blob(values.data(), {static_cast<std::int64_t>(values.size())}, type).clone();
  std::vector<at::Tensor> tensors = {t};
  all_reduce_sum(dist, tensors);
  std::copy(t.data_ptr<T>(), t.data_ptr<T>() + t.numel(), values.begin());
}

// The first `keep` samples of the run, each from the rank that sampled it.
at::Tensor gather_images(const DistContext& dist, const at::Tensor& local, std::int64_t first,
                         std::int64_t keep) {
  // Rank 0 holds batch 0, so it has images whenever any are kept; it tells the others their shape.
  at::Tensor shape = at::zeros({3}, at::kLong);
  if (is_root(dist)) shape.copy_(at::tensor(local.sizes().slice(1), at::kLong));
  broadcast(dist, shape);
  const auto s = shape.accessor<std::int64_t, 1>();
  const at::Tensor mine =
      local.defined() ? local.to(at::kFloat) : at::zeros({0, s[0], s[1], s[2]}, at::kFloat);
  return all_gather_slices(dist, mine, first, keep);
}

}  // namespace

void all_reduce_record(const DistContext& dist, SideBySideRecord& record, std::int64_t count,
                       std::int64_t keep_images) {
  if (!is_distributed(dist)) return;
  reduce_stream(dist, record.fp);
  if (record.has_twin) {
    reduce_stream(dist, record.local);
    reduce_stream(dist, record.trajectory);
  }
  sum_vector(dist, record.eps_sq_local, at::kDouble);
  sum_vector(dist, record.eps_sq_trajectory, at::kDouble);
  sum_vector(dist, record.xt_sq, at::kDouble);
  sum_vector(dist, record.values, at::kLong);
  sum_vector(dist, record.fallbacks, at::kLong);
  const std::int64_t keep = std::min(keep_images, count);
  if (keep > 0) {
    record.fp_images = gather_images(dist, record.fp_images, record.first_image, keep);
    if (record.has_twin)
      record.quant_images = gather_images(dist, record.quant_images, record.first_image, keep);
    record.first_image = 0;
  }
}

}  // namespace tdq
