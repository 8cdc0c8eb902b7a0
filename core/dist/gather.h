#pragma once
// Gathers, written with the one collective core/dist offers, an element-wise sum: each rank writes
// its part into zeros, and the sum over the ranks is every part exactly (x + 0 is x).
#include <ATen/ATen.h>

#include <cstdint>
#include <vector>

#include "core/dist/dist_context.h"

namespace tdq {

// Every rank's `mine` (the same shape and dtype on every rank), stacked in rank order:
// [world_size, mine's shape...], on every rank.
inline at::Tensor all_gather_rows(const DistContext& dist, const at::Tensor& mine) {
  std::vector<std::int64_t> shape{dist.world_size};
  shape.insert(shape.end(), mine.sizes().begin(), mine.sizes().end());
  at::Tensor rows = at::zeros(shape, mine.options());
  rows[dist.rank].copy_(mine);
  std::vector<at::Tensor> tensors = {rows};
  all_reduce_sum(dist, tensors);
  return rows;
}

// A tensor of `rows` rows that the ranks hold in consecutive slices: this rank's `slice` is rows
// [offset, offset + slice.size(0)). The whole tensor, on every rank.
inline at::Tensor all_gather_slices(const DistContext& dist, const at::Tensor& slice,
                                    std::int64_t offset, std::int64_t rows) {
  std::vector<std::int64_t> shape(slice.sizes().begin(), slice.sizes().end());
  shape[0] = rows;
  at::Tensor whole = at::zeros(shape, slice.options());
  whole.narrow(0, offset, slice.size(0)).copy_(slice);
  std::vector<at::Tensor> tensors = {whole};
  all_reduce_sum(dist, tensors);
  return whole;
}

}  // namespace tdq
