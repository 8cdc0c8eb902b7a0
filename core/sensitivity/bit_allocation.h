#pragma once
// Choosing one option per layer (a bit width) to minimise the summed damage under a budget on the
// summed cost: the multiple-choice knapsack that `tdq search-bits` solves, exactly.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace tdq {

struct ChoiceOption {
  std::int64_t cost = 0;  // e.g. bits x parameters
  double damage = 0;      // predicted error added by this option
};

struct Allocation {
  std::vector<std::size_t> option;  // per item, an index into its options
  std::int64_t cost = 0;
  double damage = 0;
};

// Every Pareto-optimal allocation (no other is cheaper and at most as damaging), cheapest first:
// dynamic programming over the Pareto set of partial allocations, item by item, so the result is
// exact. Error when an item has no option or the Pareto set outgrows `max_states` partial
// allocations (memory); ConfigError never.
std::vector<Allocation> pareto_allocations(const std::vector<std::vector<ChoiceOption>>& items,
                                           std::size_t max_states = 4'000'000);

// The least damaging allocation whose cost is at most `budget`, exact; ConfigError
// (search.budget) naming the cheapest possible cost when none fits.
Allocation best_allocation(const std::vector<std::vector<ChoiceOption>>& items,
                           std::int64_t budget);

// For problems whose Pareto set is too large to hold (per layer x time window bits: hundreds of
// items): the greedy solution of the LP relaxation (Sinha & Zoltners 1979). Each item's options
// are reduced to their lower convex hull; upgrades are taken in order of damage removed per cost
// while they fit. `lower_bound` is the LP optimum, which no allocation within the budget beats, so
// damage - lower_bound bounds the distance to the exact optimum. ConfigError (search.budget) as
// best_allocation.
struct BoundedAllocation {
  Allocation allocation;
  double lower_bound = 0;
};
BoundedAllocation greedy_allocation(const std::vector<std::vector<ChoiceOption>>& items,
                                    std::int64_t budget);

}  // namespace tdq
