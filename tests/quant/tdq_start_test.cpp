// TDQ's start (QuantConfig::tdq_init), the constant-t control and the interval spread report.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "core/quant/interval_spread.h"
#include "core/quant/qat_trainer.h"
#include "core/quant/quant_run.h"
#include "tests/support/quant_fixture.h"

namespace tdq {
namespace {

class TdqStart : public test::QuantizedTwin {
 protected:
  std::vector<std::int64_t> schedule_steps() const { return {800, 600, 400, 200, 0}; }
  QuantConfig tdq_ptq(TdqInit init) const {
    QuantConfig config = w4a4(QuantMethod::TdqPtq);
    config.tdq_init = init;
    return config;
  }
  static std::vector<double> ratios(const std::vector<IntervalSpread>& spread) {
    std::vector<double> out;
    for (const auto& entry : spread) out.push_back(entry.ratio());
    return out;
  }
};

TEST_F(TdqStart, APerStepStartFollowsThePerStepMinMaxIntervals) {
  QuantizedModel per_step(*model, tdq_ptq(TdqInit::PerStep));
  calibrate(*model, per_step, schedule, calibration(5));
  QuantizedModel table(*model, w4a4(QuantMethod::Table));
  calibrate(*model, table, schedule, calibration(5));
  const auto sampled = per_step.baked().timesteps();
  ASSERT_EQ(sampled.size(), 5u);
  const auto spread = interval_spread(per_step, sampled),
             table_spread = interval_spread(table, sampled);
  ASSERT_EQ(spread.size(), table_spread.size());
  for (std::size_t i = 0; i < spread.size(); ++i) {
    // The MLP fits the per-step MinMax steps of the table (in log space, smoothly).
    EXPECT_NEAR(spread[i].ratio() / table_spread[i].ratio(), 1.0, 0.1) << spread[i].path;
  }
  const auto r = ratios(spread);
  EXPECT_GT(*std::max_element(r.begin(), r.end()), 1.2);
  for (double rms : per_step.tdq_fit_rms()) EXPECT_LT(rms, 0.1);
}

TEST_F(TdqStart, AStaticStartIsFlatWithinTheInitialSpread) {
  QuantizedModel twin(*model, tdq_ptq(TdqInit::Static));
  calibrate(*model, twin, schedule, calibration(5));
  for (double r : ratios(interval_spread(twin, twin.baked().timesteps()))) {
    EXPECT_GE(r, 1.0);
    EXPECT_LT(r, 1.05);
  }
}

// QAT's time-aware start: the statistics rule of each sample at its own t, fitted by the MLPs. The
// tiny U-Net's layer inputs change with t (x_t shrinks from noise to image), so s(t) must vary.
TEST_F(TdqStart, QatStartsFromIntervalsThatFollowTime) {
  QuantizedModel twin(*model, w4a4(QuantMethod::Tdq));
  QatOptions options;
  options.train.steps = 1;
  options.train.batch_size = 8;
  options.train.warmup_steps = 1;
  options.init_passes = 8;
  options.bake_timesteps = schedule_steps();
  train_quantized(*model, twin, at::rand({8, 1, 8, 8}) * 2 - 1, schedule, options, {});
  const auto r = ratios(interval_spread(twin, schedule_steps()));
  ASSERT_FALSE(r.empty());
  EXPECT_GT(*std::max_element(r.begin(), r.end()), 1.2);
  for (double rms : twin.tdq_fit_rms()) EXPECT_LT(rms, 0.5);
}

TEST_F(TdqStart, TheConstantTimeControlHasOneIntervalPerLayerAfterQat) {
  QuantConfig config = w4a4(QuantMethod::Tdq);
  config.tdq_constant_t = true;
  QuantizedModel twin(*model, config);
  QatOptions options;
  options.train.steps = 3;
  options.train.batch_size = 4;
  options.train.warmup_steps = 1;
  options.init_passes = 2;
  options.bake_timesteps = schedule_steps();
  const auto generator_images = at::rand({8, 1, 8, 8}) * 2 - 1;
  train_quantized(*model, twin, generator_images, schedule, options, {});
  for (double r : ratios(interval_spread(twin, schedule_steps()))) EXPECT_EQ(r, 1.0);
}

TEST_F(TdqStart, SpreadReportSummarisesTheRatios) {
  QuantizedModel twin(*model, w4a4(QuantMethod::MinMax));
  calibrate(*model, twin, schedule, calibration(5));
  const auto spread = interval_spread(twin, schedule_steps());
  ASSERT_FALSE(spread.empty());
  for (double r : ratios(spread)) EXPECT_EQ(r, 1.0);  // static: one interval at every step
  const auto json = interval_spread_json(spread, 5);
  EXPECT_EQ(json.at("quantizers").get<std::size_t>(), spread.size());
  EXPECT_EQ(json.at("layers_at_least_1.2").get<int>(), 0);
  EXPECT_EQ(json.at("median_ratio").get<double>(), 1.0);
  EXPECT_TRUE(interval_spread_json({}, 5).is_null());
  QuantizedModel dynamic(*model, w4a4(QuantMethod::Dynamic));
  EXPECT_TRUE(interval_spread(dynamic, schedule_steps()).empty());
}

}  // namespace
}  // namespace tdq
