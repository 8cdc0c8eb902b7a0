// c10d on loopback, two ranks as two threads: the collectives, the exact reduction of feature
// moments, and the rendezvous failures a user meets (wrong port, a rank that never comes).
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <mutex>

#include "core/dist/reduce_gaussian.h"
#include "tests/dist/dist_support.h"

namespace tdq {
namespace {

using Clock = std::chrono::steady_clock;

#define SKIP_WITHOUT_DISTRIBUTED() \
  if (!distributed_support()) GTEST_SKIP() << "built without TDQ_WITH_DISTRIBUTED"

TEST(Collectives, SumBroadcastAndSingleProcessNoOps) {
  // One process: nothing moves, nothing is needed.
  DistContext single;
  std::vector<at::Tensor> one = {at::ones({3})};
  all_reduce_sum(single, one);
  EXPECT_TRUE(at::equal(one[0], at::ones({3})));
  SKIP_WITHOUT_DISTRIBUTED();
  std::mutex mutex;
  std::vector<at::Tensor> sums(2), broadcasts(2);
  test::on_ranks(2, [&](const DistContext& dist) {
    std::vector<at::Tensor> parts = {at::full({2, 3}, dist.rank + 1.0, at::kDouble),
                                     at::full({1}, std::int64_t{10} * (dist.rank + 1), at::kLong)};
    all_reduce_sum(dist, parts);
    at::Tensor value = at::full({4}, dist.rank == 0 ? 7.0f : -1.0f);
    broadcast(dist, value, 0);
    std::lock_guard<std::mutex> lock(mutex);
    sums[dist.rank] = parts[0];
    broadcasts[dist.rank] = value;
    EXPECT_EQ(parts[1].item<std::int64_t>(), 30);
  });
  for (int rank = 0; rank < 2; ++rank) {
    EXPECT_TRUE(at::equal(sums[rank], at::full({2, 3}, 3.0, at::kDouble)));
    EXPECT_TRUE(at::equal(broadcasts[rank], at::full({4}, 7.0f)));
  }
}

// Features whose mean is far from 0 relative to their spread: what the shifted sums are for.
at::Tensor features(std::int64_t n, std::uint64_t seed) {
  auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  return at::randn({n, 6}, generator, at::kDouble) * 0.01 + 100.0;
}

TEST(Collectives, ShardedMomentsEqualOneAccumulatorFedEveryBatch) {
  // Batches of 5, 5, 5, 3 samples: rank 0 takes two, rank 1 two (one short), as batch_shard does.
  const at::Tensor all = features(18, 1);
  GaussianAccumulator whole;
  for (std::int64_t begin = 0; begin < 18; begin += 5) {
    whole.add(all.slice(0, begin, std::min<std::int64_t>(18, begin + 5)));
  }
  const GaussianStats expected = whole.stats();
  // Merging by sums is exact algebra; checked without processes first.
  GaussianAccumulator first, second;
  first.add(all.slice(0, 0, 5));
  first.add(all.slice(0, 5, 10));
  second.add(all.slice(0, 10, 15));
  second.add(all.slice(0, 15, 18));
  GaussianSums a = first.sums_around(first.shift()), b = second.sums_around(first.shift());
  a.sum += b.sum;
  a.outer += b.outer;
  a.count += b.count;
  const GaussianStats merged = GaussianAccumulator::from_sums(a).stats();
  EXPECT_EQ(merged.count, 18);
  EXPECT_LT((merged.mean - expected.mean).abs().max().item<double>(), 1e-12);
  EXPECT_LT(((merged.cov - expected.cov).abs().max() / expected.cov.abs().max()).item<double>(),
            1e-9);
  // Averaging the two halves' covariances instead (unequal counts, different means) is wrong by
  // far more: the test would catch a reduction of averages.
  const GaussianStats s1 = first.stats(), s2 = second.stats();
  EXPECT_GT(((0.5 * (s1.cov + s2.cov) - expected.cov).abs().max() / expected.cov.abs().max())
                .item<double>(),
            1e-3);

  SKIP_WITHOUT_DISTRIBUTED();
  std::mutex mutex;
  std::vector<GaussianStats> reduced(2);
  test::on_ranks(2, [&](const DistContext& dist) {
    GaussianAccumulator local;
    if (dist.rank == 0) {
      local.add(all.slice(0, 0, 5));
      local.add(all.slice(0, 5, 10));
    } else {
      local.add(all.slice(0, 10, 15));
      local.add(all.slice(0, 15, 18));
    }
    const GaussianStats stats = all_reduce_gaussian(dist, local, 6).stats();
    std::lock_guard<std::mutex> lock(mutex);
    reduced[dist.rank] = stats;
  });
  for (const auto& stats : reduced) {
    EXPECT_EQ(stats.count, 18);
    EXPECT_LT((stats.mean - expected.mean).abs().max().item<double>(), 1e-12);
    EXPECT_LT(((stats.cov - expected.cov).abs().max() / expected.cov.abs().max()).item<double>(),
              1e-9);
  }
}

TEST(Collectives, APeerThatStopsIsNamedByTheSurvivor) {
  SKIP_WITHOUT_DISTRIBUTED();
  const int port = cli::free_local_port();
  std::string survivor_error;
  double seconds = 0;
  std::thread peer([&] {
    // Rank 1 joins, then goes away (its connections close, as when a process is killed).
    DistContext dist = connect_dist(test::loopback_env(1, 2, port));
    dist = DistContext{};
  });
  {
    DistContext dist = connect_dist(test::loopback_env(0, 2, port));
    dist.collective_timeout = std::chrono::seconds(10);  // only bounds the test if it hangs
    peer.join();
    const auto start = Clock::now();
    try {
      std::vector<at::Tensor> parts = {at::ones({1000})};
      all_reduce_sum(dist, parts);
    } catch (const DistError& e) {
      survivor_error = e.what();
    }
    seconds = std::chrono::duration<double>(Clock::now() - start).count();
  }
  EXPECT_NE(survivor_error.find("rank 0 of 2: all-reduce failed: rank 1 stopped"),
            std::string::npos)
      << survivor_error;
  EXPECT_LT(seconds, 5.0);  // the closed connection, not the timeout
}

TEST(Rendezvous, ARankThatNeverComesIsNamedWithinTheTimeout) {
  SKIP_WITHOUT_DISTRIBUTED();
  const int port = cli::free_local_port();
  const auto start = Clock::now();
  try {
    connect_dist(test::loopback_env(0, 3, port, std::chrono::seconds(2)));
    ADD_FAILURE() << "rank 0 connected without ranks 1 and 2";
  } catch (const DistError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("rank(s) 1, 2 did not join"), std::string::npos) << what;
    EXPECT_NE(what.find(std::to_string(port)), std::string::npos) << what;
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_GE(seconds, 1.9);
  EXPECT_LT(seconds, 8.0);
}

TEST(Rendezvous, AWrongPortFailsWithinTheTimeoutNamingTheAddress) {
  SKIP_WITHOUT_DISTRIBUTED();
  const int port = cli::free_local_port();  // nobody serves it
  const auto start = Clock::now();
  try {
    connect_dist(test::loopback_env(1, 2, port, std::chrono::seconds(2)));
    ADD_FAILURE() << "rank 1 connected to a port nobody serves";
  } catch (const DistError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("rank 1 of 2"), std::string::npos) << what;
    EXPECT_NE(what.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  }
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - start).count(), 8.0);
}

}  // namespace
}  // namespace tdq
