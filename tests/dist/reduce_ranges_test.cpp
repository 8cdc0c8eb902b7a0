// Calibration ranges observed on two ranks (threads on loopback), each missing some time steps,
// merge into the ranges one process observes, exactly; a step no rank saw stays unseen.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "core/quant/range_observer.h"
#include "core/quant/reduce_ranges.h"
#include "tests/dist/dist_support.h"
#include "tests/support/two_layer_observer.h"

namespace tdq {
namespace {

TEST(ReduceRanges, RanksMergeIntoTheOneProcessRanges) {
  if (!distributed_support()) GTEST_SKIP() << "built without TDQ_WITH_DISTRIBUTED";
  at::manual_seed(5);
  const at::Tensor x = at::randn({8, 2, 3, 3});
  const at::Tensor t = at::tensor({5, 5, 9, 9, 5, 9, 9, 9}, at::kLong);
  RangeObserver one(test::two_layers());
  test::observe(one, x, t);
  std::vector<RangeObserver> ranks(2, RangeObserver(test::two_layers()));
  test::on_ranks(2, [&](const DistContext& dist) {
    // Rank 0 sees only t=5 and t=9's first half, rank 1 the rest: each misses a step somewhere.
    RangeObserver& mine = ranks[static_cast<std::size_t>(dist.rank)];
    const std::int64_t begin = dist.rank == 0 ? 0 : 4;
    test::observe(mine, x.narrow(0, begin, 4), t.narrow(0, begin, 4));
    all_reduce_ranges(dist, mine, {5, 9, 13});
  });
  for (const RangeObserver& merged : ranks) {
    for (std::int64_t step : {5, 9}) {
      for (std::size_t l = 0; l < 2; ++l) {
        EXPECT_EQ(merged.per_timestep().at(step)[l].min, one.per_timestep().at(step)[l].min);
        EXPECT_EQ(merged.per_timestep().at(step)[l].max, one.per_timestep().at(step)[l].max);
      }
    }
    EXPECT_FALSE(merged.per_timestep().at(13)[0].seen);  // no rank saw it
    EXPECT_EQ(merged.overall()[1].max, one.overall()[1].max);
  }
}

}  // namespace
}  // namespace tdq
