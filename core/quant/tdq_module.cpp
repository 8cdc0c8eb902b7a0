#include "core/quant/tdq_module.h"

#include <ATen/ATen.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>

#include <cmath>

#include "core/common/errors.h"
#include "core/model/unet.h"

namespace tdq {

TdqModuleImpl::TdqModuleImpl(const TdqModuleOptions& options, double initial_scale)
    : options_(options) {
  if (options.depth < 1 || options.depth > 6) throw ConfigError("TDQ MLP depth must be in 1..6");
  if (!(initial_scale > 0) || !std::isfinite(initial_scale)) {
    throw ConfigError("TDQ initial interval must be positive and finite, got " +
                      std::to_string(initial_scale));
  }
  mlp = torch::nn::Sequential();
  std::int64_t width = options.encoding_dim;
  for (int layer = 0; layer + 1 < options.depth; ++layer) {
    mlp->push_back(torch::nn::Linear(width, options.hidden));
    mlp->push_back(torch::nn::ReLU());
    width = options.hidden;
  }
  if (options.depth > 1 && options.dropout > 0) mlp->push_back(torch::nn::Dropout(options.dropout));
  auto last = torch::nn::Linear(width, 1);
  {
    // softplus^-1(s0) = log(exp(s0) - 1), computed stably as s0 + log(1 - exp(-s0)).
    torch::NoGradGuard no_grad;
    last->bias.fill_(initial_scale + std::log(-std::expm1(-initial_scale)));
    // (ours) The released code keeps the default init here, so s(t) only approximates s0 (off by a
    // factor ~2 for small s0). A zero weight makes s(t) = s0 exactly; the first steps train this
    // layer, and the layers below receive gradient as soon as it is non-zero.
    last->weight.zero_();
  }
  mlp->push_back(last);
  register_module("mlp", mlp);
}

at::Tensor TdqModuleImpl::forward(const at::Tensor& timesteps) {
  const auto device = mlp->parameters().front().device();
  const at::Tensor encoding =
      timestep_embedding(timesteps.to(device).reshape({-1}), options_.encoding_dim,
                         /*flip_sin_to_cos=*/true, 0.0, options_.max_period)
          .to(mlp->parameters().front().scalar_type());
  return at::softplus(mlp->forward(encoding)).reshape({-1});
}

BakedIntervalTable::BakedIntervalTable(const std::vector<TdqModule>& modules,
                                       const std::vector<std::int64_t>& timesteps)
    : timesteps_(timesteps) {
  for (std::size_t k = 0; k < timesteps.size(); ++k)
    index_[timesteps[k]] = static_cast<std::int64_t>(k);
  torch::NoGradGuard no_grad;
  const at::Tensor ts = at::tensor(timesteps, at::kLong);
  std::vector<at::Tensor> rows;
  for (TdqModule module : modules) {  // a holder copy: the const vector holds const holders
    const bool training = module->is_training();
    module->eval();
    rows.push_back(module->forward(ts).to(at::kCPU).to(at::kFloat));
    module->train(training);
  }
  table_ =
      rows.empty() ? at::empty({0, static_cast<std::int64_t>(timesteps.size())}) : at::stack(rows);
}

BakedIntervalTable::BakedIntervalTable(std::vector<std::int64_t> timesteps, at::Tensor table)
    : timesteps_(std::move(timesteps)), table_(std::move(table)) {
  for (std::size_t k = 0; k < timesteps_.size(); ++k)
    index_[timesteps_[k]] = static_cast<std::int64_t>(k);
}

float BakedIntervalTable::interval(const std::vector<TdqModule>& modules, std::size_t q,
                                   std::int64_t t, bool* fell_back) const {
  auto it = index_.find(t);
  if (it != index_.end()) {
    if (fell_back) *fell_back = false;
    return table_[static_cast<std::int64_t>(q)][it->second].item<float>();
  }
  if (fell_back) *fell_back = true;
  torch::NoGradGuard no_grad;
  TdqModule module = modules.at(q);
  const bool training = module->is_training();
  module->eval();
  const float value = module->forward(at::full({1}, t, at::kLong)).item<float>();
  module->train(training);
  return value;
}

}  // namespace tdq
