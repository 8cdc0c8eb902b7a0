// Pairing two analyze runs for the Compare view: layers matched by path (not by row), B's gain in
// dB per layer and per step, the counts the view prints, and one clear refusal for runs that
// cannot be compared.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/common/errors.h"
#include "core/record/run_comparison.h"

namespace tdq {
namespace {

const double kNan = std::numeric_limits<double>::quiet_NaN();

// Three layers over two steps; "conv_in" is kept FP (NaN), as the default placement does.
ComparisonInput run(const std::string& name, std::vector<std::string> paths,
                    std::vector<double> per_layer, std::vector<double> per_layer_step) {
  ComparisonInput r;
  r.name = name;
  r.model_sha256 = "0dd33771de86a637e2050e1c19ac57047c895e06aa84d48888e4a13962c95ff0";
  r.timesteps = {950, 450};
  r.layer_paths = std::move(paths);
  r.per_layer = std::move(per_layer);
  r.per_layer_step = std::move(per_layer_step);
  return r;
}

std::string message_of(const ComparisonInput& a, const ComparisonInput& b) {
  try {
    compare_runs(a, b, ComparedError::InputMse);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(RunComparison, PairsLayersByPathAndCountsWhereBIsBetter) {
  const ComparisonInput a =
      run("table", {"conv_in", "down.conv1", "mid.attn", "up.conv2"}, {kNan, 1e-2, 1e-3, 4e-3},
          {kNan, kNan, 1e-2, 1e-2, 1e-3, 1e-3, 4e-3, 4e-3});
  // B lists the layers in another order and lacks "up.conv2": pairing must go by name.
  const ComparisonInput b =
      run("tdq", {"mid.attn", "down.conv1", "conv_in", "extra.proj"}, {2e-3, 1e-3, kNan, 5e-3},
          {2e-3, 2e-3, 1e-2, 1e-4, kNan, kNan, 5e-3, 5e-3});
  const RunComparison c = compare_runs(a, b, ComparedError::InputMse);
  ASSERT_EQ(c.paired(), 2);
  EXPECT_EQ(c.layers, (std::vector<std::string>{"down.conv1", "mid.attn"}));
  EXPECT_EQ(c.row_a, (std::vector<int>{1, 2}));
  EXPECT_EQ(c.row_b, (std::vector<int>{1, 0}));
  EXPECT_EQ(c.a, (std::vector<double>{1e-2, 1e-3}));
  EXPECT_EQ(c.b, (std::vector<double>{1e-3, 2e-3}));
  // down.conv1: B's MSE is ten times lower (+10 dB); mid.attn: twice A's (-3.01 dB).
  EXPECT_NEAR(c.gain_db[0], 10.0, 1e-12);
  EXPECT_NEAR(c.gain_db[1], -10 * std::log10(2.0), 1e-12);
  EXPECT_EQ(c.b_better, 1);
  EXPECT_EQ(c.a_better, 1);
  EXPECT_EQ(c.equal, 0);
  EXPECT_EQ(c.only_in_a, 1);  // up.conv2
  EXPECT_EQ(c.only_in_b, 1);  // extra.proj
  // Per step: down.conv1 is equal at the first step and 20 dB better at the second.
  EXPECT_NEAR(c.step_gain(0, 0), 0.0, 1e-12);
  EXPECT_NEAR(c.step_gain(0, 1), 20.0, 1e-12);
  EXPECT_NEAR(c.step_gain(1, 0), -10 * std::log10(2.0), 1e-12);
  EXPECT_EQ(c.compared_cells, 4);
  EXPECT_EQ(c.b_better_cells, 1);
  EXPECT_EQ(c.pair_of("mid.attn"), 1);
  EXPECT_EQ(c.pair_of("conv_in"), -1);
}

TEST(RunComparison, SqnrGainIsTheDifferenceInDecibels) {
  const ComparisonInput a = run("a", {"x", "y"}, {20, 30}, {19, 21, 30, kNan});
  const ComparisonInput b = run("b", {"x", "y"}, {25, 30}, {26, 24, 30, 31});
  const RunComparison c = compare_runs(a, b, ComparedError::InputSqnr);
  EXPECT_EQ(c.gain_db, (std::vector<double>{5, 0}));
  EXPECT_EQ(c.b_better, 1);
  EXPECT_EQ(c.equal, 1);
  EXPECT_TRUE(std::isnan(c.step_gain(1, 1)));  // A has no value there
  EXPECT_EQ(c.compared_cells, 3);
  EXPECT_EQ(c.b_better_cells, 2);
  EXPECT_STREQ(per_layer_key(ComparedError::InputSqnr), "layer.sqnr_in_db");
  EXPECT_STREQ(per_layer_step_key(ComparedError::InputMse), "local.mse_in");
}

TEST(RunComparison, RunsOfAnotherModelOrOtherStepsAreRefusedInOneLine) {
  const ComparisonInput a = run("a", {"x"}, {1}, {1, 1});
  ComparisonInput other_model = a;
  other_model.name = "b";
  other_model.model_sha256 = "1abc";
  EXPECT_EQ(message_of(a, other_model),
            "cannot compare 'a' with 'b': they record different models (sha256 0dd33771de86 vs "
            "1abc)");
  ComparisonInput other_steps = a;
  other_steps.name = "b";
  other_steps.timesteps = {900, 800, 0};
  other_steps.per_layer_step = {1, 1, 1};
  EXPECT_EQ(message_of(a, other_steps),
            "cannot compare 'a' with 'b': they sample different steps (2 steps (t 950..450) vs 3 "
            "steps (t 900..0))");
  ComparisonInput fp_only = a;
  fp_only.name = "fp";
  fp_only.per_layer.clear();
  fp_only.per_layer_step.clear();
  EXPECT_NE(message_of(a, fp_only).find("'fp': it has no layer.mse_in"), std::string::npos);
  ComparisonInput disjoint = run("b", {"z"}, {1}, {1, 1});
  EXPECT_EQ(message_of(a, disjoint),
            "cannot compare 'a' with 'b': they quantize no layer in common");
  ComparisonInput short_array = a;
  short_array.per_layer_step = {1};
  EXPECT_NE(message_of(a, short_array).find("does not match its 1 layers x 2 steps"),
            std::string::npos);
}

}  // namespace
}  // namespace tdq
