#include "core/sensitivity/bit_allocation.h"

#include <algorithm>
#include <string>

#include "core/common/errors.h"

namespace tdq {

namespace {

// A partial allocation of items 0..i: its totals and how it extends one of item i-1's.
struct Node {
  std::int64_t cost = 0;
  double damage = 0;
  std::size_t parent = 0;
  std::size_t option = 0;
};

// Keeps the Pareto set: by rising cost, only nodes strictly less damaging than every cheaper one.
void keep_pareto(std::vector<Node>& nodes) {
  std::sort(nodes.begin(), nodes.end(), [](const Node& a, const Node& b) {
    return a.cost != b.cost ? a.cost < b.cost : a.damage < b.damage;
  });
  std::vector<Node> kept;
  for (const Node& n : nodes) {
    if (kept.empty() || n.damage < kept.back().damage) kept.push_back(n);
  }
  nodes.swap(kept);
}

}  // namespace

std::vector<Allocation> pareto_allocations(const std::vector<std::vector<ChoiceOption>>& items,
                                           std::size_t max_states) {
  std::vector<std::vector<Node>> levels;
  std::vector<Node> previous = {Node{}};  // the empty allocation
  std::size_t held = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].empty())
      throw Error("bit allocation: item " + std::to_string(i) + " has no option");
    std::vector<Node> next;
    next.reserve(previous.size() * items[i].size());
    for (std::size_t p = 0; p < previous.size(); ++p) {
      for (std::size_t o = 0; o < items[i].size(); ++o) {
        next.push_back(
            {previous[p].cost + items[i][o].cost, previous[p].damage + items[i][o].damage, p, o});
      }
    }
    keep_pareto(next);
    held += next.size();
    if (held > max_states) {
      throw Error("bit allocation: the Pareto set outgrew " + std::to_string(max_states) +
                  " partial allocations at item " + std::to_string(i));
    }
    levels.push_back(previous);
    previous = std::move(next);
  }
  levels.push_back(previous);
  std::vector<Allocation> out;
  for (std::size_t end = 0; end < previous.size(); ++end) {
    Allocation a;
    a.cost = previous[end].cost;
    a.damage = previous[end].damage;
    a.option.assign(items.size(), 0);
    std::size_t at = end;
    for (std::size_t i = items.size(); i-- > 0;) {
      const Node& n = levels[i + 1][at];
      a.option[i] = n.option;
      at = n.parent;
    }
    out.push_back(std::move(a));
  }
  return out;
}

Allocation best_allocation(const std::vector<std::vector<ChoiceOption>>& items,
                           std::int64_t budget) {
  const auto front = pareto_allocations(items);
  const Allocation* best = nullptr;
  for (const auto& a : front) {
    if (a.cost <= budget) best = &a;  // cheapest first: the last that fits damages least
  }
  if (!best) {
    throw ConfigError("search.budget", std::to_string(budget),
                      "below the cheapest allocation (" + std::to_string(front.front().cost) + ")");
  }
  return *best;
}

}  // namespace tdq
