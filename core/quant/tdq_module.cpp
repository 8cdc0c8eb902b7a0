#include "core/quant/tdq_module.h"

#include <ATen/ATen.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>

#include <cmath>

#include "core/common/errors.h"
#include "core/model/unet.h"

namespace tdq {

namespace {

double softplus(double z) { return z > 30 ? z : std::log1p(std::exp(z)); }
double sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

}  // namespace

TdqModuleImpl::TdqModuleImpl(const TdqModuleOptions& options, double initial_scale)
    : options_(options) {
  if (options.depth < 1 || options.depth > 6)
    throw ConfigError("quant.tdq_depth", std::to_string(options.depth), "must be in 1..6");
  if (!(initial_scale > 0) || !std::isfinite(initial_scale)) {
    throw ConfigError("TDQ initial interval must be positive and finite, got " +
                      std::to_string(initial_scale));
  }
  if (!(options.dropout >= 0 && options.dropout < 1))
    throw ConfigError("TDQ dropout must be in [0, 1), got " + std::to_string(options.dropout));
  if (!(options.initial_spread > 0) || options.timestep_range < 1)
    throw ConfigError("TDQ initial_spread and timestep_range must be positive");
  mlp = torch::nn::Sequential();
  std::int64_t width = options.encoding_dim;
  for (int layer = 0; layer + 1 < options.depth; ++layer) {
    mlp->push_back(torch::nn::Linear(width, options.hidden));
    mlp->push_back(torch::nn::ReLU());
    width = options.hidden;
  }
  // Kept at p = 0 too: the last Linear's index, and so the names in saved runs, do not depend on
  // the dropout setting.
  if (options.depth > 1) mlp->push_back(torch::nn::Dropout(options.dropout));
  last = torch::nn::Linear(width, 1);
  mlp->push_back(last);
  register_module("mlp", mlp);

  // (ours) The released code keeps the default init, so s(t) starts up to a factor ~2 away from s0
  // and varies with t at random; a zero last weight (this project's first version) makes s(t) = s0
  // exactly but leaves every layer below without gradient until that weight moves, so s(t) stayed
  // flat through short QAT runs. Here the default init is kept and only the last layer is scaled:
  // its weight so that z(t) varies by just enough for a relative spread of `initial_spread` in s(t)
  // over [0, timestep_range), its bias so that z averages softplus^-1(s0) over that range.
  torch::NoGradGuard no_grad;
  const bool training = is_training();
  eval();
  // Measured on the real t even for the constant-t control, so that both start from the same MLP.
  options_.constant_timestep = -1;
  const at::Tensor grid = at::linspace(0, static_cast<double>(options.timestep_range - 1),
                                       std::min<std::int64_t>(options.timestep_range, 256));
  const at::Tensor v = at::matmul(features(grid), last->weight.reshape({-1}));
  const double spread = (v - v.mean()).abs().max().item<double>();
  // softplus^-1(s0) = log(exp(s0) - 1), computed stably as s0 + log(1 - exp(-s0)).
  const double z0 = initial_scale + std::log(-std::expm1(-initial_scale));
  // d s / s = sigmoid(z) / softplus(z) dz.
  const double dz = options.initial_spread * softplus(z0) / sigmoid(z0);
  const double gain = spread > 0 ? dz / spread : 0.0;
  last->weight.mul_(gain);
  last->bias.fill_(z0 - gain * v.mean().item<double>());
  options_.constant_timestep = options.constant_timestep;
  train(training);
}

at::Tensor TdqModuleImpl::features(const at::Tensor& timesteps) {
  const at::Tensor first = mlp->parameters().front();  // a copy: parameters() is a temporary
  at::Tensor t = timesteps.to(first.device()).reshape({-1});
  if (options_.constant_timestep >= 0) t = at::full_like(t, options_.constant_timestep);
  at::Tensor h = timestep_embedding(t, options_.encoding_dim, /*flip_sin_to_cos=*/true, 0.0,
                                    options_.max_period)
                     .to(first.scalar_type());
  for (auto layer = mlp->begin(); layer + 1 != mlp->end(); ++layer) h = layer->forward(h);
  return h;
}

at::Tensor TdqModuleImpl::forward(const at::Tensor& timesteps) {
  if (options_.constant_timestep >= 0 && timesteps.numel() > 1) {
    // One evaluation, repeated: a batched matrix product may round identical rows differently.
    const at::Tensor one = forward(timesteps.reshape({-1}).narrow(0, 0, 1));
    return one.expand({timesteps.numel()}).contiguous();
  }
  return at::softplus(last->forward(features(timesteps))).reshape({-1});
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

std::vector<float> BakedIntervalTable::intervals(const std::vector<TdqModule>& modules,
                                                 std::size_t q,
                                                 const std::vector<std::int64_t>& timesteps) const {
  std::vector<float> out(timesteps.size());
  std::vector<std::int64_t> missing, missing_at;
  const at::Tensor row =
      table_.defined() ? table_[static_cast<std::int64_t>(q)].contiguous() : at::Tensor();
  for (std::size_t k = 0; k < timesteps.size(); ++k) {
    const auto it = index_.find(timesteps[k]);
    if (it != index_.end()) {
      out[k] = row.data_ptr<float>()[it->second];
    } else {
      missing.push_back(timesteps[k]);
      missing_at.push_back(static_cast<std::int64_t>(k));
    }
  }
  if (missing.empty()) return out;
  torch::NoGradGuard no_grad;
  TdqModule module = modules.at(q);
  const bool training = module->is_training();
  module->eval();
  const at::Tensor values =
      // To the CPU: on a GPU twin the MLP's output is device memory, which data_ptr below reads.
      module->forward(at::tensor(missing, at::kLong))
          .to(at::kCPU, at::kFloat)
          .contiguous()
          .reshape({-1});
  module->train(training);
  for (std::size_t i = 0; i < missing.size(); ++i)
    out[static_cast<std::size_t>(missing_at[i])] = values.data_ptr<float>()[i];
  return out;
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
