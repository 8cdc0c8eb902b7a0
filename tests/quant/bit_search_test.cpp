// `tdq search-bits` on a made-up sensitivity run: problems, budgets, controls, emitted config.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <set>

#include "core/common/errors.h"
#include "core/jobs/bit_search_job.h"
#include "core/sensitivity/bit_search.h"
#include "core/sensitivity/sample_statistic.h"

namespace tdq {
namespace {

// Three layers of 100, 200 and 700 parameters; weight bits 4 and 8 measured; the big layer is
// barely sensitive, the small one very.
SensitivityRun made_up_run() {
  SensitivityRun run;
  run.base_config.w_bits = 8;
  run.base_config.a_bits = 8;
  run.options.seeds = {0, 1};
  auto& r = run.result;
  r.layers = {{1, "a.conv", 100, 50}, {2, "b.conv", 200, 50}, {3, "c.conv", 700, 50}};
  r.weight_bits = {4, 8};
  r.input_bits = {4, 8};
  r.weight_twin = r.input_twin = {0, 1};
  r.layers_done = 3;
  r.windows = {{0, 0, 900, 900}};
  // [seeds, bits, layers, windows]
  r.weight_damage = at::tensor({10.0, 2.0, 0.1, 0.1, 0.02, 0.001}, at::kDouble)
                        .reshape({1, 2, 3, 1})
                        .repeat({2, 1, 1, 1});
  r.input_damage = at::tensor({1.0, 1.0, 1.0, 0.1, 0.1, 0.1}, at::kDouble)
                       .reshape({1, 2, 3, 1})
                       .repeat({2, 1, 1, 1});
  r.keep_fp_gain = at::zeros({2, 3, 1}, at::kDouble);
  r.twin_error = at::zeros({2, 2, 1}, at::kDouble);
  return run;
}

TEST(BitSearch, SpendsTheBudgetWhereItRemovesMostDamage) {
  const SensitivityRun run = made_up_run();
  const BitProblem p = bit_problem(run, true, {});
  EXPECT_EQ(p.total_size, 1000);
  // Mean 5.2 bits: 4 x 1000 + 4 x (100 + 200) fits; the sensitive small layers get 8.
  const BitChoice c = search_kind(p, 5.2, "search.weight_budget");
  EXPECT_EQ(c.bits, (std::vector<int>{8, 8, 4}));
  EXPECT_DOUBLE_EQ(c.mean_bits, 4.0 + 4.0 * 300 / 1000);
  EXPECT_NEAR(c.predicted, 0.1 + 0.02 + 0.1, 1e-12);
  // It beats uniform 4 bits and every random mix of the same budget.
  EXPECT_LT(c.predicted, uniform_choice(p, 4).predicted);
  // At 4.8 only the most sensitive layer fits at 8 bits.
  EXPECT_EQ(search_kind(p, 4.8, "search.weight_budget").bits, (std::vector<int>{8, 4, 4}));
  std::mt19937_64 rng(1);
  for (int k = 0; k < 20; ++k) {
    const BitChoice r = random_choice(p, 5.2, rng);
    EXPECT_LE(r.mean_bits, 5.2);
    EXPECT_GE(r.predicted, c.predicted);
  }
}

// The measured refinement's proposals: each keeps the budget, is the best move (by the additive
// model) raising its row, checked against every (up, down) pair, and they come best first.
TEST(BitSearch, MovesKeepTheBudgetAndComeBestFirst) {
  const SensitivityRun run = made_up_run();
  const BitProblem p = bit_problem(run, true, {4, 8, kFpBits});
  const std::vector<int> from = {4, 8, 4};  // mean 4.8 bits
  const double budget = 5.2;
  const BitChoice start = apply_moves(p, {4, 4, 4}, {BitMove{1, std::nullopt, 0}});
  ASSERT_EQ(start.bits, from);
  const auto moves = best_moves(p, from, budget, 10);
  ASSERT_FALSE(moves.empty());
  std::set<std::size_t> raised;
  for (std::size_t i = 0; i < moves.size(); ++i) {
    const BitMove& m = moves[i];
    EXPECT_TRUE(raised.insert(m.up).second) << "row " << m.up << " raised twice";
    if (i > 0) {
      EXPECT_GE(m.predicted_change, moves[i - 1].predicted_change);
    }
    const BitChoice after = apply_moves(p, from, {m});
    EXPECT_LE(after.mean_bits, budget + 1e-12);
    EXPECT_NEAR(after.predicted - start.predicted, m.predicted_change, 1e-12);
    // Brute force: no pair (or lone raise) lifting the same row predicts less within the budget.
    for (std::size_t down = 0; down <= from.size(); ++down) {
      BitMove other{m.up, down < from.size() ? std::optional<std::size_t>(down) : std::nullopt, 0};
      if (other.down == m.up) continue;
      try {
        const BitChoice c = apply_moves(p, from, {other});
        if (c.mean_bits <= budget) {
          EXPECT_GE(c.predicted, after.predicted - 1e-12);
        }
      } catch (const ConfigError&) {
        // no candidate below or above
      }
    }
  }
  // The most sensitive layer (a) lifted from 4 is the best move; from the exact optimum at the
  // budget no move predicts less.
  EXPECT_EQ(moves.front().up, 0u);
  const BitChoice optimum = search_kind(p, budget, "search.weight_budget");
  for (const BitMove& m : best_moves(p, optimum.bits, budget, 10))
    EXPECT_GE(m.predicted_change, -1e-12);
  // The direction: disjoint rows, each move predicted to help, within the budget together, and
  // (rows being disjoint) their predicted changes add up.
  const auto direction = model_direction(p, from, budget);
  ASSERT_FALSE(direction.empty());
  std::set<std::size_t> touched;
  double change = 0;
  for (const BitMove& m : direction) {
    EXPECT_TRUE(touched.insert(m.up).second);
    if (m.down) {
      EXPECT_TRUE(touched.insert(*m.down).second);
    }
    EXPECT_LT(m.predicted_change, 0.0);
    change += m.predicted_change;
  }
  const BitChoice applied = apply_moves(p, from, direction);
  EXPECT_LE(applied.mean_bits, budget + 1e-12);
  EXPECT_NEAR(applied.predicted, start.predicted + change, 1e-12);
  // At the exact optimum the model sees nothing to improve.
  EXPECT_TRUE(model_direction(p, optimum.bits, budget).empty());
  EXPECT_EQ(best_moves(p, from, budget, 1).size(), 1u);
  EXPECT_THROW(best_moves(p, {4, 5, 4}, budget, 1), ConfigError);  // 5 is not a candidate
}

TEST(BitSearch, BadCandidatesAndBudgetsNameTheirField) {
  const SensitivityRun run = made_up_run();
  try {
    bit_problem(run, true, {4, 6});
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.field(), "search.weight_bits");
    EXPECT_EQ(e.value(), "6");
    EXPECT_NE(e.reason().find("4, 8"), std::string::npos) << e.what();
  }
  try {
    search_kind(bit_problem(run, false, {}), 3.5, "search.input_budget");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.field(), "search.input_budget");
  }
  SensitivityRun whole = run;
  whole.result.layers_done = 0;  // measured with --whole
  EXPECT_THROW(bit_problem(whole, true, {}), ConfigError);
}

TEST(BitSearch, ConfigOverridesOnlyTheLayersThatDiffer) {
  const SensitivityRun run = made_up_run();
  const QuantConfig c = searched_config(run, {8, 4, 4}, {8, 8, 6});
  ASSERT_EQ(c.overrides.size(), 2u);
  EXPECT_EQ(c.overrides[0].pattern, "b.conv");
  EXPECT_EQ(c.overrides[0].w_bits, 4);
  EXPECT_FALSE(c.overrides[0].a_bits.has_value());
  EXPECT_EQ(c.overrides[1].pattern, "c.conv");
  EXPECT_EQ(c.overrides[1].a_bits, 6);
  EXPECT_EQ(c.w_bits, 8);
}

TEST(BitSearch, FpIsACandidateThatCostsThirtyTwoBitsAndDamagesNothing) {
  const SensitivityRun run = made_up_run();
  const BitProblem p = bit_problem(run, true, {4, kFpBits});
  EXPECT_EQ(p.items[0][1].cost, 32 * 100);
  EXPECT_EQ(p.items[0][1].damage, 0.0);
  // 4 x 1000 + 28 x 100: only the most sensitive layer fits FP.
  const BitChoice c = search_kind(p, 6.8, "search.weight_budget");
  EXPECT_EQ(c.bits, (std::vector<int>{kFpBits, 4, 4}));
  const QuantConfig config = searched_config(run, c.bits, {8, 8, 8});
  ASSERT_EQ(config.overrides.size(), 3u);  // a.conv FP; b.conv and c.conv at 4 bits (base 8)
  EXPECT_TRUE(config.overrides[0].w_fp);
  EXPECT_FALSE(config.overrides[0].w_bits.has_value());
  EXPECT_EQ(config.overrides[1].w_bits, 4);
}

// The made-up run over two windows of two steps each, with these input damages (bits 4 and 8 x
// layers x windows, the same for both seeds).
SensitivityRun two_window_run(const std::vector<double>& input_damage) {
  SensitivityRun run = made_up_run();
  auto& r = run.result;
  r.timesteps = {900, 600, 300, 0};
  r.windows = {{0, 1, 900, 600}, {2, 3, 300, 0}};
  r.input_damage = at::tensor(input_damage, at::kDouble).reshape({1, 2, 3, 2}).repeat({2, 1, 1, 1});
  return run;
}

// Input bits per layer x time window: two windows, where layer a's input is sensitive only in the
// noisy one; the per-window search spends the bits there and beats every per-layer choice.
TEST(BitSearch, PerWindowBitsGoWhereTheDamageIs) {
  SensitivityRun run = two_window_run({4.0, 0.0, 1.0, 1.0, 1.0, 1.0,    // 4 bits
                                       0.1, 0.0, 0.1, 0.1, 0.1, 0.1});  // 8 bits
  const BitProblem per_layer = bit_problem(run, false, {});
  const BitProblem per_window = bit_problem(run, false, {}, true);
  ASSERT_EQ(per_window.items.size(), 6u);
  EXPECT_EQ(per_window.total_size, 150 * 4);  // 50 input elements x 3 layers x 4 steps
  // A uniform choice costs and predicts the same either way.
  EXPECT_DOUBLE_EQ(uniform_choice(per_window, 4).predicted, uniform_choice(per_layer, 4).predicted);
  EXPECT_DOUBLE_EQ(uniform_choice(per_window, 8).mean_bits, 8.0);
  // Mean 4 2/3 bits: one layer at 8 (per layer), or layer a's noisy window and one more window.
  const double budget = 4.0 + 4.0 / 3.0 + 1e-9;
  const BitChoice layers = search_kind(per_layer, budget, "search.input_budget");
  const BitChoice windows = search_kind(per_window, budget, "search.input_budget");
  EXPECT_EQ(windows.bits[0], 8);  // layer a, noisy window
  EXPECT_EQ(windows.bits[1], 4);  // layer a, quiet window: no damage to remove
  EXPECT_LE(windows.mean_bits, budget);
  EXPECT_LT(windows.predicted, layers.predicted);
  EXPECT_LE(windows.lower_bound, windows.predicted);

  // The config: a window list where a layer's windows differ, a plain width where they agree.
  std::vector<int> bits(6, 4);
  bits[0] = 8;
  bits[4] = bits[5] = kFpBits;
  const QuantConfig config = searched_config(run, std::vector<int>(3, 8), bits);
  ASSERT_EQ(config.overrides.size(), 3u);
  const auto& a = config.overrides[0].a_bits_windows;
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].t_min, 600);  // the noisy window's smallest t
  EXPECT_EQ(a[0].bits, 8);
  EXPECT_EQ(a[1].t_min, 0);
  EXPECT_EQ(a[1].bits, 4);
  EXPECT_EQ(config.overrides[1].a_bits, 4);
  EXPECT_TRUE(config.overrides[1].a_bits_windows.empty());
  EXPECT_TRUE(config.overrides[2].a_fp);
}

TEST(BitSearch, FinalDamageWeighsEachWindowByItsGainIntoTheSample) {
  // Locally every layer errs 3x more in the quiet window (small t) than in the noisy one...
  SensitivityRun run = two_window_run({1.0, 3.0, 1.0, 3.0, 1.0, 3.0,    // 4 bits
                                       0.0, 0.0, 0.0, 0.0, 0.0, 0.0});  // 8 bits
  auto& r = run.result;
  // ...but a unit of local error in the noisy window grows 10x more into the final sample
  // (gains 2.0 and 0.2 for the 4-bit twin, 1.0 and 1.0 for the 8-bit one). Final errors are
  // of the twin from a window on: 4 bits 2.2 from the noisy window, 0.2 from the quiet one.
  r.twin_error = at::tensor({1.0, 1.0, 1.0, 1.0}, at::kDouble).reshape({1, 2, 2}).repeat({2, 1, 1});
  r.twin_final_error =
      at::tensor({2.2, 0.2, 2.0, 1.0}, at::kDouble).reshape({1, 2, 2}).repeat({2, 1, 1});
  r.twin_sample_error = at::ones({2, 2}, at::kDouble);
  const auto gains = window_gains(r, 0);
  EXPECT_NEAR(gains[0], 2.0, 1e-12);
  EXPECT_NEAR(gains[1], 0.2, 1e-12);
  const BitProblem local = bit_problem(run, false, {}, true);
  const BitProblem final = bit_problem(run, false, {}, true, DamageModel::Final);
  // A window's final damage is its seed mean times its gain; a layer's, the sum over windows.
  EXPECT_NEAR(final.items[0][0].damage, 1.0 * 2.0, 1e-12);
  EXPECT_NEAR(final.items[1][0].damage, 3.0 * 0.2, 1e-12);
  EXPECT_DOUBLE_EQ(local.items[1][0].damage, 3.0 / 2);
  EXPECT_NEAR(bit_problem(run, false, {}, false, DamageModel::Final).items[0][0].damage,
              1.0 * 2.0 + 3.0 * 0.2, 1e-12);
  // With room for 8 bits in half the windows, the local damage buys the quiet windows and the
  // final damage the noisy ones.
  const BitChoice by_local = search_kind(local, 6.0, "search.input_budget");
  const BitChoice by_final = search_kind(final, 6.0, "search.input_budget");
  for (std::size_t layer = 0; layer < 3; ++layer) {
    EXPECT_EQ(by_local.bits[2 * layer], 4);
    EXPECT_EQ(by_local.bits[2 * layer + 1], 8);
    EXPECT_EQ(by_final.bits[2 * layer], 8);
    EXPECT_EQ(by_final.bits[2 * layer + 1], 4);
  }
  // A run measured before final errors existed cannot give them.
  r.twin_final_error = at::Tensor();
  try {
    bit_problem(run, false, {}, true, DamageModel::Final);
    FAIL() << "searched a run without final errors";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.field(), "search.damage");
  }
  EXPECT_EQ(parse_damage_model("final"), DamageModel::Final);
  EXPECT_THROW(parse_damage_model("global"), ConfigError);
}

TEST(BitSearch, SpearmanRanks) {
  EXPECT_DOUBLE_EQ(*spearman({1, 2, 3, 4}, {10, 20, 30, 400}), 1.0);
  EXPECT_DOUBLE_EQ(*spearman({1, 2, 3}, {3, 2, 1}), -1.0);
  EXPECT_FALSE(spearman({1, 2}, {1, 2}).has_value());
}

TEST(BitSearch, SampleStatisticsResistTheTail) {
  // One sample of eight carries most of the error, as a trajectory that ends in another image does.
  const at::Tensor errors =
      at::tensor({1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 100.0}, at::kDouble).view({1, 8});
  EXPECT_DOUBLE_EQ(sample_statistic(errors, SampleStatistic::Mean).item<double>(), 16.0);
  EXPECT_DOUBLE_EQ(sample_statistic(errors, SampleStatistic::Median).item<double>(), 4.0);
  // The smallest 6 of 8 (the largest quarter dropped), whatever their order.
  const at::Tensor shuffled = errors.index_select(1, at::tensor({7, 3, 0, 5, 1, 6, 2, 4}));
  EXPECT_DOUBLE_EQ(sample_statistic(shuffled, SampleStatistic::Trimmed).item<double>(), 3.5);
  // Over the last dimension: [seeds, configs, samples] -> [seeds, configs].
  EXPECT_EQ(sample_statistic(at::ones({2, 3, 5}), SampleStatistic::Trimmed).sizes(),
            at::IntArrayRef({2, 3}));
  EXPECT_DOUBLE_EQ(
      sample_statistic(at::full({1, 1}, 2.5, at::kDouble), SampleStatistic::Trimmed).item<double>(),
      2.5);  // one sample is kept
  for (auto s : {SampleStatistic::Mean, SampleStatistic::Median, SampleStatistic::Trimmed})
    EXPECT_EQ(parse_sample_statistic(to_string(s)), s);
  try {
    parse_sample_statistic("mode");
    FAIL() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.field(), "search.measure_statistic");
  }
}

}  // namespace
}  // namespace tdq
