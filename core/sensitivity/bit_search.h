#pragma once
// `tdq search-bits`: per-layer weight and activation bits from a sensitivity run, under budgets of
// mean bits, with the additive model (a config's error is the sum of its layers' measured damages
// at their bits; docs/method.md section 10). Weight and activation choices are independent
// knapsacks because the model is additive and the budgets are separate.
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/quant/quant_config.h"
#include "core/sensitivity/bit_allocation.h"
#include "core/sensitivity/sensitivity_run.h"

namespace tdq {

// The candidate "kept FP": costs 32 bits a value (float32) and, by the additive model, damages
// nothing; the searched config keeps that tensor FP (LayerOverride::w_fp / a_fp).
constexpr int kFpBits = 32;

// Which bits a search may give one kind of tensor, and its budget.
struct BitBudget {
  std::vector<int> candidates;      // empty: every width the sensitivity run measured
  std::optional<double> mean_bits;  // weights: parameter-weighted; inputs: element-weighted;
                                    // none: the base config's bits for every layer
};

// What the additive model adds up (docs/method.md section 10).
enum class DamageModel {
  Local,  // the measured noise-prediction error at the FP x_t, mean over windows
  Final,  // (ours) each window's error times what it grows into at the final sample, summed over
          // windows (window_gains): errors at noisy steps that compound along the trajectory count
};
std::string to_string(DamageModel model);
DamageModel parse_damage_model(const std::string& text);  // ConfigError (search.damage)

struct BitSearchOptions {
  BitBudget weight, input;
  DamageModel damage = DamageModel::Local;
  // (ours) Input bits per layer x time window of the sensitivity run instead of per layer (a
  // baked per-window width costs nothing at sampling; WindowBits). Solved by greedy_allocation.
  bool input_windows = false;
};

// One kind's choice: bits per sensitivity row, the predicted damage and the mean bits it costs.
struct BitChoice {
  std::vector<int> bits;
  double predicted = 0;
  double mean_bits = 0;
  double lower_bound =
      0;  // no choice within the budget predicts less (the exact search: predicted)
};

// The knapsack of one kind: options per row are the candidate bits (ascending), cost bits x size,
// damage the mean measured damage. ConfigError (search.weight_bits / search.input_bits) for a
// candidate the run did not measure or an empty set. Per window (inputs only), the rows are layer
// x window (row = layer * windows + window), a row's size its input elements times the window's
// sampling steps and its damage the window's share of the layer's mean, so a uniform choice costs
// and predicts the same in both forms. With DamageModel::Final a window's damage is its seed mean
// times the gain of the candidate's twin in that window, and a layer's the sum over its windows.
struct BitProblem {
  std::vector<int> bits;                         // the candidates
  std::vector<std::vector<ChoiceOption>> items;  // per row
  std::int64_t total_size = 0;                   // sum of sizes (parameters or input elements)
  std::int64_t windows = 1;                      // rows per layer
};
BitProblem bit_problem(const SensitivityRun& run, bool weights, const std::vector<int>& candidates,
                       bool per_window = false, DamageModel damage = DamageModel::Local);

// Costs are integers (bits x size): the largest total cost a mean of `mean_bits` allows.
std::int64_t budget_cost(const BitProblem& problem, double mean_bits);

// The allocation as bits per row, with its predicted damage and mean bits.
BitChoice to_choice(const BitProblem& problem, const Allocation& allocation);

// The least damaging choice of mean bits <= budget; ConfigError (search.weight_budget /
// search.input_budget) when even the smallest bits exceed it.
BitChoice search_kind(const BitProblem& problem, double mean_bits, const char* field);
// Every row at one bit width (must be a candidate).
BitChoice uniform_choice(const BitProblem& problem, int bits);
// A random mix filling the budget: all rows start at the smallest candidate, then rows picked at
// random move up one candidate while the budget allows (the control a searched mix must beat).
BitChoice random_choice(const BitProblem& problem, double mean_bits, std::mt19937_64& rng);

// (ours) One step of the measured refinement (`tdq search-bits --refine`, docs/method.md section
// 10): one row up one candidate and, where the budget needs it, one row down one candidate.
struct BitMove {
  std::size_t up = 0;
  std::optional<std::size_t> down;
  double predicted_change = 0;  // by the additive model; < 0: predicted better
};
// The `count` moves from `bits` (one per row, candidates of `problem`) that keep the mean bits
// within `mean_bits` and that the additive model rates best, least predicted change first (ties
// by row order), at most one per raised row so that the proposals differ in where bits go.
std::vector<BitMove> best_moves(const BitProblem& problem, const std::vector<int>& bits,
                                double mean_bits, std::size_t count);
// The model's direction from `bits`: rows taken in the order of their best move (best_moves),
// each raised one width and paired with the untouched row whose lowering the model rates best
// within the budget given the moves before it (or none where the budget has room); only moves it
// predicts to help (change < 0), no row touched twice. The refinement measures its prefixes of
// 1, 2, 4, ... moves.
std::vector<BitMove> model_direction(const BitProblem& problem, const std::vector<int>& bits,
                                     double mean_bits);
// `bits` after each of `moves` in turn, with its predicted damage and mean bits; ConfigError
// (search.move) for a move to a width that is not a candidate.
BitChoice apply_moves(const BitProblem& problem, const std::vector<int>& bits,
                      const std::vector<BitMove>& moves);

// The base config with one override per layer whose bits differ from it; input bits per layer x
// window (a_bits of layers x windows entries) become WindowBits starting at each window's
// smallest t (the last at 0), or a plain a_bits where a layer's windows agree.
QuantConfig searched_config(const SensitivityRun& run, const std::vector<int>& w_bits,
                            const std::vector<int>& a_bits);

}  // namespace tdq
