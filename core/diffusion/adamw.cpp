#include "core/diffusion/adamw.h"

#include <ATen/ATen.h>

#include <cmath>

#include "core/common/errors.h"

namespace tdq {

AdamW::AdamW(std::vector<Group> groups, double beta1, double beta2, double eps)
    : groups_(std::move(groups)), beta1_(beta1), beta2_(beta2), eps_(eps) {
  for (const auto& group : groups_) {
    if (group.names.size() != group.params.size())
      throw Error("AdamW: names and params differ in length");
    for (std::size_t i = 0; i < group.params.size(); ++i) {
      m_[group.names[i]] = at::zeros_like(group.params[i]).detach();
      v_[group.names[i]] = at::zeros_like(group.params[i]).detach();
    }
  }
}

void AdamW::zero_grad() {
  for (auto& group : groups_) {
    for (auto& p : group.params) {
      if (p.grad().defined()) p.mutable_grad() = at::Tensor();
    }
  }
}

void AdamW::step(double lr) {
  ++step_;
  const double bias1 = 1 - std::pow(beta1_, static_cast<double>(step_));
  const double bias2 = 1 - std::pow(beta2_, static_cast<double>(step_));
  at::NoGradGuard no_grad;
  for (auto& group : groups_) {
    const double group_lr = lr * group.lr_scale;
    for (std::size_t i = 0; i < group.params.size(); ++i) {
      at::Tensor p = group.params[i];
      const at::Tensor grad = p.grad();
      if (!grad.defined()) continue;
      at::Tensor& m = m_[group.names[i]];
      at::Tensor& v = v_[group.names[i]];
      m.mul_(beta1_).add_(grad, 1 - beta1_);
      v.mul_(beta2_).addcmul_(grad, grad, 1 - beta2_);
      if (group.weight_decay != 0) p.mul_(1 - group_lr * group.weight_decay);
      const at::Tensor denom = (v / bias2).sqrt_().add_(eps_);
      p.addcdiv_(m, denom, -group_lr / bias1);
    }
  }
}

std::map<std::string, at::Tensor> AdamW::state() const {
  std::map<std::string, at::Tensor> out;
  for (const auto& [name, m] : m_) out["m." + name] = m;
  for (const auto& [name, v] : v_) out["v." + name] = v;
  return out;
}

void AdamW::load_state(const std::map<std::string, at::Tensor>& state, std::int64_t steps_taken) {
  at::NoGradGuard no_grad;
  for (auto* table : {&m_, &v_}) {
    const std::string prefix = table == &m_ ? "m." : "v.";
    for (auto& [name, tensor] : *table) {
      auto it = state.find(prefix + name);
      if (it == state.end()) throw ConfigError("optimizer state lacks '" + prefix + name + "'");
      if (!it->second.sizes().equals(tensor.sizes())) {
        throw ConfigError("optimizer state '" + prefix + name + "' has the wrong shape");
      }
      tensor.copy_(it->second);
    }
  }
  step_ = steps_taken;
}

double clip_grad_norm(const std::vector<at::Tensor>& params, double max_norm) {
  at::NoGradGuard no_grad;
  // One device synchronisation in all, not one per tensor (they dominate a small model's GPU step).
  std::vector<at::Tensor> squares;
  for (const auto& p : params) {
    if (p.grad().defined()) squares.push_back(p.grad().to(at::kDouble).pow(2).sum());
  }
  const double total = squares.empty() ? 0.0 : at::stack(squares).sum().item<double>();
  const double norm = std::sqrt(total);
  if (std::isfinite(norm) && norm > max_norm) {
    const double scale = max_norm / (norm + 1e-6);
    for (const auto& p : params) {
      if (p.grad().defined()) p.grad().mul_(scale);
    }
  }
  return norm;
}

}  // namespace tdq
