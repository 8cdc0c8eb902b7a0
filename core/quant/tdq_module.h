#pragma once
// Temporal Dynamic Quantization (So et al., NeurIPS 2023; docs/method.md section 4): one small MLP
// per activation quantizer maps the time step to that quantizer's interval, s(t) =
// softplus(MLP(enc(t))).
#include <cstdint>
#include <map>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

namespace tdq {

struct TdqModuleOptions {
  std::int64_t encoding_dim = 32;  // the U-Net's base channels (128 for CIFAR-10)
  std::int64_t hidden = 64;
  int depth = 4;  // Linear layers; 4 is the paper's best, the ablation uses 1..6
  // Before the last Linear. The released code uses 0.2; here it is 0 by default (ours): dropout
  // makes s(t) at training differ from s(t) at sampling, and in block reconstruction it only
  // adds that mismatch. The layer stays in the MLP (as identity) so parameter names are stable.
  double dropout = 0.0;
  double max_period = 10000.0;  // t_max of the geometric Fourier encoding
  // At init s(t) stays within this relative distance of s0 for t in [0, timestep_range) while
  // every layer's weights are non-zero, so gradient reaches the whole MLP from the first step.
  double initial_spread = 0.02;
  std::int64_t timestep_range = 1000;
  // >= 0: the MLP always sees this t (the control that isolates time dependence: same module,
  // same training, no information about t).
  std::int64_t constant_timestep = -1;
};
class TdqModuleImpl : public torch::nn::Module {
 public:
  // `initial_scale` is s0: s(t) starts within options.initial_spread of s0 for every t.
  TdqModuleImpl(const TdqModuleOptions& options, double initial_scale);

  // timesteps: [B] (any dtype) -> intervals [B], positive.
  at::Tensor forward(const at::Tensor& timesteps);

  const TdqModuleOptions& options() const { return options_; }

  // h(t): what the last Linear sees (the encoding itself for depth 1); z(t) = last(h(t)).
  at::Tensor features(const at::Tensor& timesteps);

 private:
  TdqModuleOptions options_;
  torch::nn::Sequential mlp{nullptr};
  torch::nn::Linear last{nullptr};  // mlp's last layer (registered there, not twice)
};
TORCH_MODULE(TdqModule);

// The interval of every quantizer at every step of one sampling schedule, evaluated once: sampling
// then costs the same as a static quantizer (the paper's zero inference overhead).
class BakedIntervalTable {
 public:
  BakedIntervalTable() = default;
  // modules[q] evaluated at each of `timesteps` -> table [quantizers x steps].
  BakedIntervalTable(const std::vector<TdqModule>& modules,
                     const std::vector<std::int64_t>& timesteps);
  // A stored table [quantizers x steps] (reloading a run bit for bit).
  BakedIntervalTable(std::vector<std::int64_t> timesteps, at::Tensor table);

  const std::vector<std::int64_t>& timesteps() const { return timesteps_; }
  const at::Tensor& table() const { return table_; }
  bool contains(std::int64_t t) const { return index_.count(t) != 0; }

  // The interval of quantizer q at t: the baked value when t is in the table; otherwise the MLP is
  // evaluated at t (never a lookup failure) and `fell_back` is set.
  float interval(const std::vector<TdqModule>& modules, std::size_t q, std::int64_t t,
                 bool* fell_back) const;
  // The same at each of `timesteps`, the MLP evaluated once over those the table lacks.
  std::vector<float> intervals(const std::vector<TdqModule>& modules, std::size_t q,
                               const std::vector<std::int64_t>& timesteps) const;

 private:
  std::vector<std::int64_t> timesteps_;
  std::map<std::int64_t, std::int64_t> index_;
  at::Tensor table_;
};

}  // namespace tdq
