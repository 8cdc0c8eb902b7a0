// The exact multiple-choice knapsack of `tdq search-bits`, checked against brute force.
#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "core/common/errors.h"
#include "core/sensitivity/bit_allocation.h"

namespace tdq {
namespace {

using Items = std::vector<std::vector<ChoiceOption>>;

// Every combination: the least damage among those within the budget (infinity when none fits).
double brute_force(const Items& items, std::int64_t budget) {
  double best = std::numeric_limits<double>::infinity();
  std::vector<std::size_t> pick(items.size(), 0);
  while (true) {
    std::int64_t cost = 0;
    double damage = 0;
    for (std::size_t i = 0; i < items.size(); ++i) {
      cost += items[i][pick[i]].cost;
      damage += items[i][pick[i]].damage;
    }
    if (cost <= budget) best = std::min(best, damage);
    std::size_t i = 0;
    while (i < items.size() && ++pick[i] == items[i].size()) pick[i++] = 0;
    if (i == items.size()) return best;
  }
}

// Layers of random sizes with options 3/4/6/8 bits: damage falls as bits rise, as measured.
Items random_items(std::mt19937_64& rng, std::size_t count) {
  std::uniform_int_distribution<std::int64_t> size(10, 500);
  std::uniform_real_distribution<double> scale(0.01, 1.0);
  Items items;
  for (std::size_t i = 0; i < count; ++i) {
    const std::int64_t n = size(rng);
    const double s = scale(rng);
    std::vector<ChoiceOption> options;
    for (int bits : {3, 4, 6, 8})
      options.push_back({bits * n, s * std::pow(2.0, -2.0 * bits) * scale(rng)});
    items.push_back(options);
  }
  return items;
}

TEST(BitAllocation, MatchesBruteForceOnSmallCases) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 60; ++trial) {
    const Items items = random_items(rng, 2 + trial % 5);
    std::int64_t lo = 0, hi = 0;
    for (const auto& item : items) {
      lo += item.front().cost;
      hi += item.back().cost;
    }
    std::uniform_int_distribution<std::int64_t> budget(lo, hi);
    const std::int64_t b = budget(rng);
    const Allocation a = best_allocation(items, b);
    EXPECT_LE(a.cost, b);
    EXPECT_NEAR(a.damage, brute_force(items, b), 1e-15) << "trial " << trial;
    // The allocation's totals are those of its options.
    std::int64_t cost = 0;
    double damage = 0;
    for (std::size_t i = 0; i < items.size(); ++i) {
      cost += items[i][a.option[i]].cost;
      damage += items[i][a.option[i]].damage;
    }
    EXPECT_EQ(cost, a.cost);
    EXPECT_DOUBLE_EQ(damage, a.damage);
  }
}

TEST(BitAllocation, ParetoFrontIsCheapestFirstAndStrictlyImproving) {
  std::mt19937_64 rng(3);
  const Items items = random_items(rng, 49);  // the default model's quantized layers
  const auto front = pareto_allocations(items);
  ASSERT_GT(front.size(), 10u);
  for (std::size_t i = 1; i < front.size(); ++i) {
    EXPECT_GT(front[i].cost, front[i - 1].cost);
    EXPECT_LT(front[i].damage, front[i - 1].damage);
  }
}

TEST(BitAllocation, ImpossibleBudgetNamesTheCheapestCost) {
  const Items items = {{{30, 1.0}, {60, 0.5}}, {{10, 2.0}, {20, 1.0}}};
  try {
    best_allocation(items, 39);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.field(), "search.budget");
    EXPECT_NE(e.reason().find("40"), std::string::npos) << e.what();
  }
  EXPECT_EQ(best_allocation(items, 40).option, (std::vector<std::size_t>{0, 0}));
  EXPECT_EQ(best_allocation(items, 50).option, (std::vector<std::size_t>{0, 1}));
  EXPECT_THROW(pareto_allocations({{}}), Error);
}

}  // namespace
}  // namespace tdq
