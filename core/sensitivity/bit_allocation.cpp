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

BoundedAllocation greedy_allocation(const std::vector<std::vector<ChoiceOption>>& items,
                                    std::int64_t budget) {
  // Per item: option indices on the lower convex hull of (cost, damage), cheapest first, where
  // each further point removes damage at a falling rate per unit cost.
  std::vector<std::vector<std::size_t>> hulls(items.size());
  std::int64_t cheapest = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto& options = items[i];
    if (options.empty())
      throw Error("bit allocation: item " + std::to_string(i) + " has no option");
    std::vector<std::size_t> order(options.size());
    for (std::size_t o = 0; o < order.size(); ++o) order[o] = o;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return options[a].cost != options[b].cost ? options[a].cost < options[b].cost
                                                : options[a].damage < options[b].damage;
    });
    auto& hull = hulls[i];
    for (std::size_t o : order) {
      if (!hull.empty() && options[o].damage >= options[hull.back()].damage) continue;  // dominated
      // Pop points above the segment from the one before them to o (not convex).
      while (hull.size() >= 2) {
        const ChoiceOption &a = options[hull[hull.size() - 2]], &b = options[hull.back()],
                           &c = options[o];
        const double left = (b.damage - a.damage) / static_cast<double>(b.cost - a.cost);
        const double right = (c.damage - b.damage) / static_cast<double>(c.cost - b.cost);
        if (right <= left)
          hull.pop_back();  // b removes less per cost than the way past it
        else
          break;
      }
      hull.push_back(o);
    }
    cheapest += options[hull.front()].cost;
  }
  if (cheapest > budget) {
    throw ConfigError("search.budget", std::to_string(budget),
                      "below the cheapest allocation (" + std::to_string(cheapest) + ")");
  }
  struct Upgrade {
    std::size_t item, step;  // hull[step - 1] -> hull[step]
    double rate;             // damage removed per unit cost
  };
  std::vector<Upgrade> upgrades;
  BoundedAllocation out;
  Allocation& a = out.allocation;
  a.option.resize(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto& hull = hulls[i];
    a.option[i] = hull.front();
    a.cost += items[i][hull.front()].cost;
    a.damage += items[i][hull.front()].damage;
    for (std::size_t k = 1; k < hull.size(); ++k) {
      const ChoiceOption &from = items[i][hull[k - 1]], &to = items[i][hull[k]];
      upgrades.push_back(
          {i, k, (from.damage - to.damage) / static_cast<double>(to.cost - from.cost)});
    }
  }
  // Within an item the rates fall along the hull, so this order takes an item's upgrades in turn.
  std::stable_sort(upgrades.begin(), upgrades.end(),
                   [](const Upgrade& x, const Upgrade& y) { return x.rate > y.rate; });
  std::vector<std::size_t> at(items.size(), 0);  // hull position reached per item
  std::vector<bool> stuck(items.size(), false);  // an upgrade of it did not fit: keep it there
  bool bound_found = false;
  for (const Upgrade& u : upgrades) {
    if (stuck[u.item] || at[u.item] + 1 != u.step) continue;
    const auto& hull = hulls[u.item];
    const ChoiceOption &from = items[u.item][hull[u.step - 1]], &to = items[u.item][hull[u.step]];
    const std::int64_t extra = to.cost - from.cost;
    if (a.cost + extra > budget) {
      if (!bound_found) {  // the LP takes this upgrade in part and stops
        out.lower_bound = a.damage - u.rate * static_cast<double>(budget - a.cost);
        bound_found = true;
      }
      stuck[u.item] = true;
      continue;
    }
    a.option[u.item] = hull[u.step];
    a.cost += extra;
    a.damage += to.damage - from.damage;
    at[u.item] = u.step;
  }
  if (!bound_found) out.lower_bound = a.damage;  // every upgrade fit: the greedy is the optimum
  return out;
}

}  // namespace tdq
