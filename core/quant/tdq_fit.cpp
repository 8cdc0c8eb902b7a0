#include "core/quant/tdq_fit.h"

#include <ATen/ATen.h>
#include <torch/optim/adam.h>

#include <cmath>
#include <string>

#include "core/common/errors.h"

namespace tdq {

double fit_tdq_module(TdqModule& module, const TimedScales& targets, const TdqFitOptions& options) {
  if (targets.timesteps.empty() || targets.timesteps.size() != targets.scales.size()) {
    throw ConfigError("TDQ fit needs one target interval per time step, got " +
                      std::to_string(targets.timesteps.size()) + " steps and " +
                      std::to_string(targets.scales.size()) + " intervals");
  }
  for (double s : targets.scales) {
    if (!(s > 0) || !std::isfinite(s))
      throw ConfigError("TDQ fit: target interval " + std::to_string(s) + " is not positive");
  }
  const auto device = module->parameters().front().device();
  const at::Tensor t = at::tensor(targets.timesteps, at::kLong).to(device);
  const at::Tensor log_target =
      at::tensor(targets.scales, at::kDouble).log().to(at::kFloat).to(device);
  const bool training = module->is_training();
  module->eval();  // no dropout: the fit is of s(t) as sampling will see it
  torch::optim::Adam optimizer(module->parameters(),
                               torch::optim::AdamOptions(options.learning_rate));
  for (int it = 0; it < options.iterations; ++it) {
    optimizer.zero_grad();
    const at::Tensor loss = (module->forward(t).log() - log_target).pow(2).mean();
    loss.backward();
    optimizer.step();
  }
  double rms;
  {
    torch::NoGradGuard no_grad;
    rms = std::sqrt((module->forward(t).log() - log_target).pow(2).mean().item<double>());
  }
  module->train(training);
  if (!std::isfinite(rms)) throw Error("TDQ fit diverged (interval not finite)");
  return rms;
}

}  // namespace tdq
