#pragma once
// Which consecutive batches of a sharded run a rank takes.
#include <cstdint>
#include <string>

#include "core/common/errors.h"

#include "core/dist/dist_context.h"

namespace tdq {

struct BatchShard {
  std::int64_t first = 0;  // [first, end)
  std::int64_t end = 0;
};

// Consecutive, disjoint, covering, sizes differing by at most one: rank r takes
// [r B / W, (r+1) B / W). Consecutive (not strided) so that rank 0 holds batch 0, the batch a
// single process takes its accumulator's shift from, and so that rank order is sample order.
inline BatchShard batch_shard(std::int64_t batches, const DistContext& dist) {
  return {batches * dist.rank / dist.world_size, batches * (dist.rank + 1) / dist.world_size};
}

// The same, for a run whose batch count the user chose: ConfigError on `field` (value `value`) when
// there are fewer batches than ranks, since a rank without a batch has nothing to reduce.
inline BatchShard checked_batch_shard(std::int64_t batches, const DistContext& dist,
                                      const std::string& field, const std::string& value) {
  if (batches < dist.world_size) {
    throw ConfigError(field, value,
                      "gives " + std::to_string(batches) + " batch(es) for " +
                          std::to_string(dist.world_size) + " ranks: each rank needs one");
  }
  return batch_shard(batches, dist);
}

// The batches a caller asked for, [first, end) with end -1 meaning the last: ConfigError on
// `<section>.first_batch` or `<section>.end_batch` when they do not lie in 0..batches in order.
inline BatchShard requested_batches(std::int64_t first, std::int64_t end, std::int64_t batches,
                                    const std::string& section) {
  if (first < 0 || first > batches) {
    throw ConfigError(section + ".first_batch", std::to_string(first),
                      "must be in 0.." + std::to_string(batches));
  }
  if (end != -1 && (end < first || end > batches)) {
    throw ConfigError(section + ".end_batch", std::to_string(end),
                      "must be -1 or in " + std::to_string(first) + ".." + std::to_string(batches));
  }
  return {first, end < 0 ? batches : end};
}

}  // namespace tdq
