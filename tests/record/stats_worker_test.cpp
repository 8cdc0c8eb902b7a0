#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/common/errors.h"
#include "core/record/stats_worker.h"
#include "core/record/stream_record.h"

namespace tdq {
namespace {

TEST(StatsWorker, PaysOnlyWithACoreLibTorchLeavesFree) {
  EXPECT_TRUE(stats_worker_pays(1, 2));
  EXPECT_TRUE(stats_worker_pays(7, 8));
  EXPECT_FALSE(stats_worker_pays(2, 2));
  EXPECT_FALSE(stats_worker_pays(4, 2));  // --threads above the cores
  EXPECT_FALSE(stats_worker_pays(1, 0));  // hardware_concurrency unknown
}

TEST(StatsWorker, RunsTasksInSubmissionOrderAndFinishWaitsForThem) {
  std::vector<int> order;
  StatsWorker worker(2);  // a short queue: submit waits for the worker
  for (int i = 0; i < 50; ++i) worker.submit([&order, i] { order.push_back(i); });
  worker.finish();
  ASSERT_EQ(order.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(order[static_cast<std::size_t>(i)], i);
}

TEST(StatsWorker, TheFirstErrorStaysAndLaterTasksAreSkipped) {
  int ran_after = 0;
  StatsWorker worker;
  worker.submit([] { throw std::runtime_error("layer x at step 3: NaN"); });
  worker.submit([&ran_after] { ++ran_after; });
  try {
    worker.finish();
    ADD_FAILURE() << "the error was lost";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "layer x at step 3: NaN");
  }
  EXPECT_EQ(ran_after, 0);
  EXPECT_THROW(worker.submit([] {}), std::runtime_error);  // the record is broken for good
  EXPECT_THROW(worker.finish(), std::runtime_error);
}

TEST(StatsWorker, DestructionWaitsForQueuedTasks) {
  int ran = 0;
  {
    StatsWorker worker;
    for (int i = 0; i < 10; ++i) worker.submit([&ran] { ++ran; });
  }
  EXPECT_EQ(ran, 10);
}

// Two layers over three steps, recorded on the calling thread and through a worker: the same bits.
TEST(StatsWorker, RecordsTheSameBitsAsTheSamplingThread) {
  at::manual_seed(21);
  const std::vector<HistogramRange> ranges = {{-3, 3}, {-5, 5}};
  StreamRecord direct("fp", 2, 3, 16, ranges), queued("fp", 2, 3, 16, ranges);
  RecordingHooks direct_hooks(direct, nullptr, {"a", "b"});
  RecordingHooks queued_hooks(queued, nullptr, {"a", "b"});
  StatsWorker worker(3);
  queued_hooks.set_worker(&worker);
  for (std::int64_t step = 0; step < 3; ++step) {
    for (int batch = 0; batch < 4; ++batch) {
      direct_hooks.begin_step(step, 900 - 300 * step);
      queued_hooks.begin_step(step, 900 - 300 * step);
      direct_hooks.on_forward(at::full({8}, 900 - 300 * step, at::kLong));
      queued_hooks.on_forward(at::full({8}, 900 - 300 * step, at::kLong));
      for (int layer = 0; layer < 2; ++layer) {
        const at::Tensor x = at::randn({8, 3, 17}) * (layer + 1.5);
        direct_hooks.on_input(layer, x);
        queued_hooks.on_input(layer, x);
      }
    }
  }
  worker.finish();
  for (int layer = 0; layer < 2; ++layer) {
    for (std::int64_t step = 0; step < 3; ++step) {
      const LayerStepAccumulator &a = direct.at(layer, step), &b = queued.at(layer, step);
      EXPECT_EQ(a.count, b.count);
      EXPECT_EQ(a.min, b.min);
      EXPECT_EQ(a.max, b.max);
      EXPECT_EQ(a.sum, b.sum);  // same order of the same additions
      EXPECT_EQ(a.sum_squares, b.sum_squares);
      EXPECT_EQ(a.histogram, b.histogram);
      EXPECT_GT(a.count, 0);
    }
  }
}

TEST(StatsWorker, ANanInputFailsAtFinishNamingLayerAndStep) {
  StreamRecord record("fp", 1, 2, 8, {HistogramRange{-1, 1}});
  RecordingHooks hooks(record, nullptr, {"down.conv"});
  StatsWorker worker;
  hooks.set_worker(&worker);
  hooks.begin_step(1, 500);
  hooks.on_forward(at::full({1}, 500, at::kLong));
  hooks.on_input(0, at::full({1, 5}, std::nanf("")));  // no sync, no throw here
  try {
    worker.finish();
    ADD_FAILURE() << "the NaN went unreported";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("down.conv"), std::string::npos) << what;
    EXPECT_NE(what.find("step 1"), std::string::npos) << what;
    EXPECT_NE(what.find("NaN"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace tdq
