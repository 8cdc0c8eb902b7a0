// QAT's statistics initialisation split over two ranks (threads on loopback): each rank runs only
// its slice of the batch, and both get the steps and per-sample scales of one process.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <gtest/gtest.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <string>
#include <vector>

#include "core/model/model_io.h"
#include "core/quant/step_init.h"
#include "tests/dist/dist_support.h"
#include "tests/dist/twin_on_ranks.h"
#include "tests/support/quant_fixture.h"

namespace tdq {
namespace {

class ShardedStepInit : public test::TwinOnRanks {};

TEST_F(ShardedStepInit, TwoRanksSplitTheWorkAndGetOneProcessSteps) {
  QuantizedModel twin(*model, w4a4(QuantMethod::Lsq));
  const at::Tensor batch = test::qat_images().narrow(0, 0, 6);
  constexpr int kPasses = 3;
  const InitialSteps one = statistics_initial_steps(*model, twin, batch, schedule, kPasses, 7);
  EXPECT_EQ(one.samples_run, kPasses * 6);

  std::mutex mutex;
  std::vector<InitialSteps> ranks(2);
  std::vector<UNet> models;
  for (int rank = 0; rank < 2; ++rank) models.push_back(copy_of_model());
  test::on_ranks(2, [&](const DistContext& dist) {
    InitialSteps mine = statistics_initial_steps(*models[static_cast<std::size_t>(dist.rank)], twin,
                                                 batch, schedule, kPasses, 7, dist);
    std::lock_guard<std::mutex> lock(mutex);
    ranks[static_cast<std::size_t>(dist.rank)] = std::move(mine);
  });
  for (std::size_t rank = 0; rank < 2; ++rank) {
    SCOPED_TRACE("rank " + std::to_string(rank));
    const InitialSteps& got = ranks[rank];
    EXPECT_EQ(got.samples_run, kPasses * 3);  // its half of every pass, not the whole batch
    ASSERT_EQ(got.steps.size(), one.steps.size());
    std::size_t quantized = 0;
    for (std::size_t slot = 0; slot < one.steps.size(); ++slot) {
      // Half batches may round a convolution differently from the whole one, nothing more.
      EXPECT_NEAR(got.steps[slot], one.steps[slot], 1e-5 * std::abs(one.steps[slot]));
      EXPECT_EQ(got.per_sample[slot].timesteps, one.per_sample[slot].timesteps);
      ASSERT_EQ(got.per_sample[slot].scales.size(), one.per_sample[slot].scales.size());
      for (std::size_t i = 0; i < one.per_sample[slot].scales.size(); ++i) {
        EXPECT_NEAR(got.per_sample[slot].scales[i], one.per_sample[slot].scales[i],
                    1e-5 * std::abs(one.per_sample[slot].scales[i]));
      }
      quantized += one.steps[slot] > 0;
    }
    EXPECT_GT(quantized, 0u);
    EXPECT_EQ(got.steps, ranks[0].steps);  // the same bits on every rank
  }
}

}  // namespace
}  // namespace tdq
