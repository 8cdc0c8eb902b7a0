// The exact multiple-choice knapsack of `tdq search-bits`, checked against brute force.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
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

// Options in any order, some dominated and some off the convex hull: what the greedy must prune.
Items unordered_items(std::mt19937_64& rng, std::size_t count) {
  std::uniform_int_distribution<std::int64_t> cost(1, 60);
  std::uniform_real_distribution<double> damage(0.0, 1.0);
  Items items(count);
  for (auto& item : items) {
    const std::size_t options = 1 + rng() % 4;
    for (std::size_t o = 0; o < options; ++o) item.push_back({cost(rng), damage(rng)});
  }
  return items;
}

TEST(BitAllocation, GreedyStaysWithinBudgetAndItsBoundHoldsTheOptimum) {
  std::mt19937_64 rng(11);
  int exact = 0;
  for (int trial = 0; trial < 200; ++trial) {
    const Items items =
        trial % 2 ? random_items(rng, 2 + trial % 5) : unordered_items(rng, 2 + trial % 6);
    std::int64_t lo = 0, hi = 0;
    for (const auto& item : items) {
      std::int64_t cheapest = item[0].cost, dearest = item[0].cost;
      for (const auto& o : item) {
        cheapest = std::min(cheapest, o.cost);
        dearest = std::max(dearest, o.cost);
      }
      lo += cheapest;
      hi += dearest;
    }
    const std::int64_t b = std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
    const BoundedAllocation g = greedy_allocation(items, b);
    const double optimum = brute_force(items, b);
    EXPECT_LE(g.allocation.cost, b) << "trial " << trial;
    EXPECT_GE(g.allocation.damage, optimum - 1e-12) << "trial " << trial;
    EXPECT_LE(g.lower_bound, optimum + 1e-12) << "trial " << trial;
    std::int64_t cost = 0;
    double damage = 0;
    for (std::size_t i = 0; i < items.size(); ++i) {
      cost += items[i][g.allocation.option[i]].cost;
      damage += items[i][g.allocation.option[i]].damage;
    }
    EXPECT_EQ(cost, g.allocation.cost);
    EXPECT_NEAR(damage, g.allocation.damage, 1e-12);
    exact += std::abs(g.allocation.damage - optimum) < 1e-12;
  }
  EXPECT_GT(exact, 100);  // mostly optimal on small cases; the bound covers the rest
  // Every upgrade fits: the greedy is the optimum and says so; none fits: ConfigError.
  const Items items = {{{30, 1.0}, {60, 0.5}}, {{10, 2.0}, {20, 1.0}}};
  const BoundedAllocation all = greedy_allocation(items, 80);
  EXPECT_DOUBLE_EQ(all.allocation.damage, 1.5);
  EXPECT_DOUBLE_EQ(all.lower_bound, 1.5);
  EXPECT_THROW(greedy_allocation(items, 39), ConfigError);
}

}  // namespace
}  // namespace tdq
