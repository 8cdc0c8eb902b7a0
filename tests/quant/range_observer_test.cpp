// The calibration observer: a batch whose samples are at different time steps (a calibration set's
// batch) gives each time step the ranges of its own samples, exactly as batches of one step each
// would; NaN names the layer and t.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <limits>

#include "core/common/errors.h"
#include "core/quant/range_observer.h"
#include "tests/support/two_layer_observer.h"

namespace tdq {
namespace {

TEST(RangeObserver, MixedTimestepsGoEachToTheirOwnStep) {
  at::manual_seed(3);
  const at::Tensor x = at::randn({6, 2, 3, 3});
  const at::Tensor t = at::tensor({90, 90, 10, 50, 10, 90}, at::kLong);
  RangeObserver mixed(test::two_layers());
  test::observe(mixed, x, t);
  RangeObserver separate(test::two_layers());
  for (std::int64_t step : {10, 50, 90}) {
    const at::Tensor rows = (t == step).nonzero().reshape({-1});
    test::observe(separate, x.index_select(0, rows), t.index_select(0, rows));
  }
  ASSERT_EQ(mixed.per_timestep().size(), 3u);
  for (const auto& [step, ranges] : separate.per_timestep()) {
    SCOPED_TRACE(step);
    const auto& got = mixed.per_timestep().at(step);
    for (std::size_t l = 0; l < 2; ++l) {
      EXPECT_TRUE(got[l].seen);
      EXPECT_EQ(got[l].min, ranges[l].min);
      EXPECT_EQ(got[l].max, ranges[l].max);
    }
  }
  // The step-10 range must not hold sample 0's values (at t=90): the first t no longer wins.
  const double x0_max = x[0].max().item<double>();
  if (x0_max > x[2].max().item<double>() && x0_max > x[4].max().item<double>()) {
    EXPECT_LT(mixed.per_timestep().at(10)[0].max, x0_max);
  }
  for (std::size_t l = 0; l < 2; ++l) {
    EXPECT_EQ(mixed.overall()[l].min, separate.overall()[l].min);
    EXPECT_EQ(mixed.overall()[l].max, separate.overall()[l].max);
  }
}

TEST(RangeObserver, NanNamesLayerAndStep) {
  RangeObserver observer(test::two_layers());
  at::Tensor x = at::zeros({2, 1, 2, 2});
  x[1][0][0][0] = std::numeric_limits<float>::quiet_NaN();
  observer.on_forward(at::tensor({40, 70}, at::kLong));
  try {
    observer.on_input(0, x);
    FAIL() << "NaN accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("down.conv at t=70"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tdq
