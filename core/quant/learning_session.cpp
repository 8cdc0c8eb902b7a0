#include "core/quant/learning_session.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <limits>
#include <mutex>

#include "core/common/errors.h"
#include "core/quant/interval.h"
#include "core/quant/interval_rule.h"
#include "core/quant/quantized_model.h"

namespace tdq {

namespace {

// U[0, 1) of x's shape from the CPU generator `generator`. On another device, drawing activation-
// sized noise on the CPU and copying it costs more than the whole training step (measured on an
// H200: NIPQ QAT 1.3 s a step), so there the CPU generator only seeds the device's generator: the
// numbers are reproducible per device, no longer the same across devices.
at::Tensor uniform_like(const at::Tensor& x, at::Generator& generator) {
  const auto options = at::TensorOptions().dtype(at::kFloat);
  if (x.device().is_cpu()) return at::rand(x.sizes(), generator, options);
  const auto seed = at::randint(std::numeric_limits<std::int64_t>::max(), {1}, generator,
                                options.dtype(at::kLong))
                        .item<std::int64_t>();
  at::Generator on_device = at::globalContext().defaultGenerator(x.device());
  {
    std::lock_guard<std::mutex> lock(on_device.mutex());
    on_device.set_current_seed(static_cast<std::uint64_t>(seed));
  }
  return at::rand(x.sizes(), on_device, options.device(x.device()));
}

}  // namespace

at::Tensor learned_activation(QuantMethod method, const at::Tensor& x, const at::Tensor& scale,
                              const kernels::GridSpec& grid, LearningState& state) {
  const std::int64_t per_sample = x.numel() / std::max<std::int64_t>(x.size(0), 1);
  at::Tensor out;
  if (method == QuantMethod::Pact || method == QuantMethod::Nipq) {
    // Truncation to [lower(s), upper(s)] passes the gradient to s (PACT's alpha = upper bound).
    const at::Tensor s = scale.dim() == 0 ? scale : per_sample_view(scale, x);
    const at::Tensor lower = (static_cast<double>(grid.qmin()) - grid.zero_point) * s + grid.offset;
    const at::Tensor upper = (static_cast<double>(grid.qmax()) - grid.zero_point) * s + grid.offset;
    const at::Tensor clipped = at::minimum(at::maximum(x, lower), upper);
    if (method == QuantMethod::Pact) {
      out = clipped + (kernels::fake_quant_forward(clipped.detach().contiguous(),
                                                   scale.detach().contiguous(), grid) -
                       clipped.detach());
    } else {
      // NIPQ: uniform noise of one step replaces rounding while training.
      out = clipped + (uniform_like(clipped, state.noise) - 0.5) * s;
    }
  } else {
    // LSQ's gradient scale 1/sqrt(qmax * elements) belongs to a learned static step. TDQ's interval
    // is an MLP output; the released code scales no activation-step gradient, and a scale of ~1e-3
    // would only push the MLP's gradients towards Adam's epsilon.
    const double grad_scale =
        interval_kind(method) == IntervalKind::Temporal
            ? 1.0
            : 1.0 / std::sqrt(static_cast<double>(grid.qmax()) * static_cast<double>(per_sample));
    out = kernels::fake_quant(x, scale, grid, grad_scale);
  }
  if (state.qdrop > 0) out = at::where(uniform_like(x, state.noise) < state.qdrop, x, out);
  return out;
}

at::Tensor learned_weight(const LearningSlot& slot, int bits) {
  const double fan = static_cast<double>(slot.weight.numel());
  return kernels::fake_quant(slot.weight, slot.weight_log_step.exp(), weight_grid(bits),
                             1.0 / std::sqrt(static_cast<double>(weight_grid(bits).qmax()) * fan));
}

LearningSession::LearningSession(QuantizedModel& model, std::unique_ptr<LearningState> state)
    : model_(&model), state_(std::move(state)) {
  model_->learning_ = state_.get();
}

LearningSession::LearningSession(LearningSession&& other) noexcept
    : model_(other.model_), state_(std::move(other.state_)) {}

LearningSession::~LearningSession() {
  if (state_) end(/*keep=*/false);
}

void LearningSession::reseed(std::uint64_t seed) {
  state_->noise = at::make_generator<at::CPUGeneratorImpl>(seed);
}

Learnable LearningSession::activation_steps() const {
  Learnable out;
  for (std::size_t i = 0; i < state_->slots.size(); ++i) {
    const LearningSlot& slot = state_->slots[i];
    if (!slot.active || !slot.interval.defined()) continue;
    out.names.push_back(model_->rule_->trainable_prefix() + model_->slots_[i].path);
    out.tensors.push_back(slot.interval);
  }
  return out;
}

Learnable LearningSession::weight_steps() const {
  Learnable out;
  for (std::size_t i = 0; i < state_->slots.size(); ++i) {
    const LearningSlot& slot = state_->slots[i];
    if (!slot.active || !slot.weight_log_step.defined()) continue;
    out.names.push_back("weight." + model_->slots_[i].path);
    out.tensors.push_back(slot.weight_log_step);
  }
  return out;
}

Learnable LearningSession::steps() const {
  Learnable out = activation_steps();
  Learnable weight = weight_steps();
  out.names.insert(out.names.end(), weight.names.begin(), weight.names.end());
  out.tensors.insert(out.tensors.end(), weight.tensors.begin(), weight.tensors.end());
  return out;
}

Learnable LearningSession::tdq() const {
  Learnable out;
  for (std::size_t i = 0; i < state_->slots.size(); ++i) {
    if (!state_->slots[i].active) continue;
    model_->rule_->add_module_trainables(i, model_->quantizers_[i].activation,
                                         model_->slots_[i].path, out.names, out.tensors);
  }
  return out;
}

Learnable LearningSession::weights() const {
  Learnable out;
  for (std::size_t i = 0; i < state_->slots.size(); ++i) {
    if (!state_->slots[i].active || !state_->slots[i].weight.defined()) continue;
    out.names.push_back("w." + model_->slots_[i].path);
    out.tensors.push_back(state_->slots[i].weight);
  }
  return out;
}

void LearningSession::end(bool keep) {
  if (!state_) throw Error("the learning session has already ended");
  const std::unique_ptr<LearningState> state = std::move(state_);
  QuantizedModel& twin = *model_;
  twin.learning_ = nullptr;
  std::string not_finite;
  for (std::size_t i = 0; i < state->slots.size(); ++i) {
    const LearningSlot& slot = state->slots[i];
    if (!slot.active) continue;
    SlotQuantizer& quantizer = twin.quantizers_[i];
    const std::string& path = twin.slots_[i].path;
    twin.rule_->end_learning(i, quantizer.activation, slot.interval, keep, path, not_finite);
    if (keep && slot.weight.defined()) {
      at::NoGradGuard no_grad;
      const at::Tensor scale =
          slot.weight_log_step.detach().exp().clamp_min(kMinScale).to(at::kCPU).contiguous();
      if (!at::isfinite(scale).all().item<bool>() ||
          !at::isfinite(slot.weight).all().item<bool>()) {
        if (not_finite.empty()) not_finite = path + " (weights)";
      } else {
        twin.set_weight(i, slot.weight.detach(), scale);
        quantizer.weight.learned = true;
      }
    }
  }
  twin.rule_->learning_ended();
  if (keep && !not_finite.empty()) throw Error("learned step of " + not_finite + " is not finite");
}

}  // namespace tdq
