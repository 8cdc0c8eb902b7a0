#include "core/sensitivity/bit_search.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>

#include "core/common/errors.h"

namespace tdq {

namespace {

std::string joined(const std::vector<int>& bits) {
  std::ostringstream s;
  for (std::size_t i = 0; i < bits.size(); ++i) s << (i ? ", " : "") << bits[i];
  return s.str();
}

// A layer's row of per-window input bits as WindowBits, noisiest window first.
std::vector<WindowBits> window_bits(const SensitivityRun& run, const std::vector<int>& a_bits,
                                    std::size_t layer) {
  const auto& windows = run.result.windows;
  std::vector<WindowBits> out;
  for (std::size_t w = 0; w < windows.size(); ++w) {
    const int bits = a_bits[layer * windows.size() + w];
    WindowBits entry;
    entry.t_min = w + 1 < windows.size() ? windows[w].t_last : 0;
    entry.fp = bits == kFpBits;
    entry.bits = entry.fp ? run.base_config.a_bits : bits;
    out.push_back(entry);
  }
  return out;
}

}  // namespace

std::int64_t budget_cost(const BitProblem& problem, double mean_bits) {
  return static_cast<std::int64_t>(
      std::floor(mean_bits * static_cast<double>(problem.total_size) + 1e-9));
}

std::string to_string(DamageModel model) { return model == DamageModel::Final ? "final" : "local"; }

DamageModel parse_damage_model(const std::string& text) {
  if (text == "local") return DamageModel::Local;
  if (text == "final") return DamageModel::Final;
  throw ConfigError("search.damage", text, "must be local or final");
}

BitProblem bit_problem(const SensitivityRun& run, bool weights, const std::vector<int>& candidates,
                       bool per_window, DamageModel damage_model) {
  const SensitivityResult& r = run.result;
  const auto& measured = weights ? r.weight_bits : r.input_bits;
  const char* field = weights ? "search.weight_bits" : "search.input_bits";
  if (r.layers_done < static_cast<std::int64_t>(r.layers.size())) {
    throw ConfigError("search.sensitivity", "per_layer = false",
                      "the sensitivity run measured whole twins only; measure per layer");
  }
  BitProblem p;
  if (per_window && weights) throw Error("bit_problem: weights have no time windows");
  p.windows = per_window ? static_cast<std::int64_t>(r.windows.size()) : 1;
  p.bits = candidates.empty() ? measured : candidates;
  std::sort(p.bits.begin(), p.bits.end());
  p.bits.erase(std::unique(p.bits.begin(), p.bits.end()), p.bits.end());
  if (p.bits.empty()) throw ConfigError(field, "(none)", "give at least one candidate");
  std::vector<std::int64_t> column;
  for (int b : p.bits) {
    if (b == kFpBits) {
      column.push_back(-1);  // no measurement needed: FP damages nothing
      continue;
    }
    const auto it = std::find(measured.begin(), measured.end(), b);
    if (it == measured.end()) {
      throw ConfigError(field, std::to_string(b),
                        "not measured by the sensitivity run (it has " + joined(measured) +
                            "; fp is always a candidate)");
    }
    column.push_back(it - measured.begin());
  }
  const at::Tensor& damage = weights ? r.weight_damage : r.input_damage;
  // The final damage: per candidate, the window gains of the twin that measured it.
  const auto windows = static_cast<std::int64_t>(r.windows.size());
  const auto& twin_of = weights ? r.weight_twin : r.input_twin;
  std::vector<std::vector<double>> gains(p.bits.size());
  if (damage_model == DamageModel::Final) {
    for (std::size_t c = 0; c < p.bits.size(); ++c)
      if (column[c] >= 0) gains[c] = window_gains(r, twin_of[static_cast<std::size_t>(column[c])]);
  }
  // One window's damage: its share of the layer's mean (local), or its seed mean times its gain.
  const auto window_damage = [&](std::size_t c, std::int64_t layer, std::int64_t window) {
    if (column[c] < 0) return 0.0;  // FP damages nothing
    const double share = mean_window_damage(damage, column[c], layer, window);
    if (damage_model == DamageModel::Local) return share;
    return share * static_cast<double>(windows) * gains[c][static_cast<std::size_t>(window)];
  };
  for (std::size_t row = 0; row < r.layers.size(); ++row) {
    const auto& layer = r.layers[row];
    const std::int64_t size = weights ? layer.parameters : layer.input_elements;
    const auto layer_row = static_cast<std::int64_t>(row);
    if (!per_window) {
      p.total_size += size;
      std::vector<ChoiceOption> options;
      for (std::size_t c = 0; c < p.bits.size(); ++c) {
        double d = 0;
        if (damage_model == DamageModel::Local)
          d = column[c] < 0 ? 0.0 : mean_damage(damage, column[c], layer_row);
        else
          for (std::int64_t w = 0; w < windows; ++w) d += window_damage(c, layer_row, w);
        options.push_back({p.bits[c] * size, d});
      }
      p.items.push_back(std::move(options));
      continue;
    }
    for (std::int64_t w = 0; w < p.windows; ++w) {
      const auto& window = r.windows[static_cast<std::size_t>(w)];
      const std::int64_t window_size = size * (window.last_step - window.first_step + 1);
      p.total_size += window_size;
      std::vector<ChoiceOption> options;
      for (std::size_t c = 0; c < p.bits.size(); ++c)
        options.push_back({p.bits[c] * window_size, window_damage(c, layer_row, w)});
      p.items.push_back(std::move(options));
    }
  }
  return p;
}

BitChoice to_choice(const BitProblem& problem, const Allocation& allocation) {
  BitChoice c;
  for (std::size_t row = 0; row < allocation.option.size(); ++row) {
    c.bits.push_back(problem.bits[allocation.option[row]]);
  }
  c.predicted = allocation.damage;
  c.lower_bound = allocation.damage;
  c.mean_bits = static_cast<double>(allocation.cost) / static_cast<double>(problem.total_size);
  return c;
}

BitChoice search_kind(const BitProblem& problem, double mean_bits, const char* field) {
  const double smallest = problem.bits.front();
  if (!(mean_bits >= smallest)) {
    std::ostringstream value;
    value << mean_bits;
    throw ConfigError(field, value.str(),
                      "below the smallest candidate (" + std::to_string(problem.bits.front()) +
                          " bits): no allocation fits");
  }
  const std::int64_t budget = budget_cost(problem, mean_bits);
  if (problem.windows == 1) return to_choice(problem, best_allocation(problem.items, budget));
  const BoundedAllocation greedy = greedy_allocation(problem.items, budget);
  BitChoice c = to_choice(problem, greedy.allocation);
  c.lower_bound = greedy.lower_bound;
  return c;
}

BitChoice uniform_choice(const BitProblem& problem, int bits) {
  const auto it = std::find(problem.bits.begin(), problem.bits.end(), bits);
  if (it == problem.bits.end())
    throw ConfigError("search.uniform", std::to_string(bits), "not a candidate");
  Allocation a;
  const auto option = static_cast<std::size_t>(it - problem.bits.begin());
  for (const auto& item : problem.items) {
    a.option.push_back(option);
    a.cost += item[option].cost;
    a.damage += item[option].damage;
  }
  return to_choice(problem, a);
}

BitChoice random_choice(const BitProblem& problem, double mean_bits, std::mt19937_64& rng) {
  const std::int64_t budget = budget_cost(problem, mean_bits);
  Allocation a;
  a.option.assign(problem.items.size(), 0);
  for (const auto& item : problem.items) a.cost += item[0].cost;
  std::vector<std::size_t> movable(problem.items.size());
  for (std::size_t i = 0; i < movable.size(); ++i) movable[i] = i;
  while (!movable.empty()) {
    std::uniform_int_distribution<std::size_t> pick(0, movable.size() - 1);
    const std::size_t k = pick(rng), row = movable[k];
    const auto& item = problem.items[row];
    const std::size_t o = a.option[row];
    const std::int64_t extra = o + 1 < item.size() ? item[o + 1].cost - item[o].cost : -1;
    if (extra < 0 || a.cost + extra > budget) {
      movable.erase(movable.begin() + static_cast<std::ptrdiff_t>(k));
      continue;
    }
    a.option[row] = o + 1;
    a.cost += extra;
  }
  for (std::size_t row = 0; row < a.option.size(); ++row)
    a.damage += problem.items[row][a.option[row]].damage;
  return to_choice(problem, a);
}

namespace {

// Option indices of `bits` in `problem`; ConfigError (search.bits) for a width not a candidate.
Allocation allocation_of(const BitProblem& problem, const std::vector<int>& bits) {
  if (bits.size() != problem.items.size()) {
    throw ConfigError("search.bits", std::to_string(bits.size()) + " rows",
                      "the problem has " + std::to_string(problem.items.size()));
  }
  Allocation a;
  for (std::size_t row = 0; row < bits.size(); ++row) {
    const auto it = std::find(problem.bits.begin(), problem.bits.end(), bits[row]);
    if (it == problem.bits.end())
      throw ConfigError("search.bits", std::to_string(bits[row]), "not a candidate");
    a.option.push_back(static_cast<std::size_t>(it - problem.bits.begin()));
    a.cost += problem.items[row][a.option.back()].cost;
    a.damage += problem.items[row][a.option.back()].damage;
  }
  return a;
}

// Moves `row` of `a` one candidate up (+1) or down (-1), keeping its cost and damage;
// ConfigError (search.move) where there is no candidate.
void shift_option(const BitProblem& problem, Allocation& a, std::size_t row, int by) {
  const auto& options = problem.items.at(row);
  const std::size_t from = a.option.at(row);
  const std::size_t to = static_cast<std::size_t>(static_cast<long>(from) + by);
  if (to >= options.size())
    throw ConfigError("search.move", std::to_string(row), "no candidate there");
  a.cost += options[to].cost - options[from].cost;
  a.damage += options[to].damage - options[from].damage;
  a.option[row] = to;
}

// The move raising `up` one width from `a` that the model rates best within `budget`: alone where
// the budget has room, or paired with lowering one row not marked in `excluded` (and not `up`).
std::optional<BitMove> best_move_raising(const BitProblem& problem, const Allocation& a,
                                         std::int64_t budget, std::size_t up,
                                         const std::vector<char>& excluded) {
  const auto& items = problem.items;
  const std::size_t o = a.option[up];
  if (o + 1 >= items[up].size()) return std::nullopt;
  const std::int64_t extra = items[up][o + 1].cost - items[up][o].cost;
  const double gain = items[up][o + 1].damage - items[up][o].damage;
  std::optional<BitMove> best;
  if (a.cost + extra <= budget) best = BitMove{up, std::nullopt, gain};
  for (std::size_t down = 0; down < items.size(); ++down) {
    const std::size_t d = a.option[down];
    if (down == up || excluded[down] || d == 0) continue;
    const std::int64_t freed = items[down][d].cost - items[down][d - 1].cost;
    if (a.cost + extra - freed > budget) continue;
    const double change = gain + items[down][d - 1].damage - items[down][d].damage;
    if (!best || change < best->predicted_change) best = BitMove{up, down, change};
  }
  return best;
}

}  // namespace

std::vector<BitMove> best_moves(const BitProblem& problem, const std::vector<int>& bits,
                                double mean_bits, std::size_t count) {
  const Allocation a = allocation_of(problem, bits);
  const std::int64_t budget = budget_cost(problem, mean_bits);
  const std::vector<char> none(problem.items.size(), 0);
  std::vector<BitMove> best_per_row;  // the best move raising each row
  for (std::size_t up = 0; up < problem.items.size(); ++up)
    if (const auto best = best_move_raising(problem, a, budget, up, none))
      best_per_row.push_back(*best);
  std::stable_sort(
      best_per_row.begin(), best_per_row.end(),
      [](const BitMove& x, const BitMove& y) { return x.predicted_change < y.predicted_change; });
  if (best_per_row.size() > count) best_per_row.resize(count);
  return best_per_row;
}

BitChoice apply_moves(const BitProblem& problem, const std::vector<int>& bits,
                      const std::vector<BitMove>& moves) {
  Allocation a = allocation_of(problem, bits);
  for (const BitMove& m : moves) {
    shift_option(problem, a, m.up, +1);
    if (m.down) shift_option(problem, a, *m.down, -1);
  }
  return to_choice(problem, a);
}

std::vector<BitMove> model_direction(const BitProblem& problem, const std::vector<int>& bits,
                                     double mean_bits) {
  Allocation a = allocation_of(problem, bits);
  const std::int64_t budget = budget_cost(problem, mean_bits);
  std::vector<char> touched(problem.items.size(), 0);
  std::vector<BitMove> direction;
  for (const BitMove& ranked : best_moves(problem, bits, mean_bits, problem.items.size())) {
    if (touched[ranked.up]) continue;
    const auto move = best_move_raising(problem, a, budget, ranked.up, touched);
    if (!move || !(move->predicted_change < 0)) continue;
    shift_option(problem, a, move->up, +1);
    touched[move->up] = 1;
    if (move->down) {
      shift_option(problem, a, *move->down, -1);
      touched[*move->down] = 1;
    }
    direction.push_back(*move);
  }
  return direction;
}

QuantConfig searched_config(const SensitivityRun& run, const std::vector<int>& w_bits,
                            const std::vector<int>& a_bits) {
  QuantConfig config = run.base_config;
  const auto& layers = run.result.layers;
  if (w_bits.size() != layers.size() ||
      (a_bits.size() != layers.size() &&
       a_bits.size() != layers.size() * run.result.windows.size()))
    throw Error("searched_config: one width per layer (inputs: or per layer and window) expected");
  for (std::size_t row = 0; row < layers.size(); ++row) {
    LayerOverride o;
    o.pattern = layers[row].path;
    if (w_bits.at(row) == kFpBits)
      o.w_fp = true;
    else if (w_bits[row] != config.w_bits)
      o.w_bits = w_bits[row];
    // One width for the layer (per layer, or per window where its windows agree), else a list.
    std::optional<int> layer_bits;
    if (a_bits.size() == layers.size()) {
      layer_bits = a_bits.at(row);
    } else {
      const auto windows = static_cast<std::ptrdiff_t>(run.result.windows.size());
      const auto first = a_bits.begin() + static_cast<std::ptrdiff_t>(row) * windows;
      if (std::all_of(first, first + windows, [&](int b) { return b == *first; }))
        layer_bits = *first;
      else
        o.a_bits_windows = window_bits(run, a_bits, row);
    }
    if (layer_bits == kFpBits)
      o.a_fp = true;
    else if (layer_bits && *layer_bits != config.a_bits)
      o.a_bits = layer_bits;
    if (o.w_bits || o.a_bits || o.w_fp || o.a_fp || !o.a_bits_windows.empty())
      config.overrides.push_back(o);
  }
  return config;
}

}  // namespace tdq
