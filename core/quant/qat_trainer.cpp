#include "core/quant/qat_trainer.h"

#include "core/quant/data_parallel_qat.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>

#include "core/common/errors.h"
#include "core/common/json_number.h"
#include "core/diffusion/adamw.h"
#include "core/dist/gradient_sync.h"
#include "core/dist/shard.h"
#include "core/model/frozen_weights.h"
#include "core/model/safetensors.h"
#include "core/quant/step_init.h"

namespace tdq {

namespace {

std::uint64_t step_seed(std::uint64_t seed, std::int64_t step, std::uint64_t stream) {
  return seed * 1000003ULL + static_cast<std::uint64_t>(step) * 7919ULL + stream;
}

}  // namespace

double default_activation_step_lr_scale(QuantMethod method) {
  // scripts/lr-sweep, 2026-12-03 (README "Learning rates"): the lowest held-out noise MSE of
  // each method's grid, the grid extended while its best was at the top edge.
  switch (method) {
    case QuantMethod::Lsq:
      return 1000.0;
    case QuantMethod::Pact:
      return 0.1;
    case QuantMethod::Nipq:
      return 1000.0;
    default:
      return 0.1;
  }
}

QatLrScales resolved_lr_scales(QatLrScales scales, QuantMethod method) {
  if (scales.activation_steps == 0)
    scales.activation_steps = default_activation_step_lr_scale(method);
  return scales;
}

nlohmann::json to_json(const QatLrScales& scales) {
  return {{"activation_steps", scales.activation_steps},
          {"weight_steps", scales.weight_steps},
          {"tdq_mlps", scales.tdq_mlps}};
}

namespace {

// Every learnable tensor by name, in one place for AdamW groups, EMA and checkpoints.
struct Trainables {
  Learnable activation_steps, weight_steps, tdq, weights;
  std::map<std::string, at::Tensor> all() const {
    std::map<std::string, at::Tensor> out;
    for (const auto* group : {&activation_steps, &weight_steps, &tdq, &weights}) {
      for (std::size_t i = 0; i < group->names.size(); ++i)
        out[group->names[i]] = group->tensors[i];
    }
    return out;
  }
};

// The quantizer whose tensors went non-finite first, for the error message.
std::string first_non_finite(const std::map<std::string, at::Tensor>& tensors) {
  // One device synchronisation for all tensors: one per tensor made a GPU step ~10x slower when
  // other processes shared the GPU. The names are only looked up when something is not finite.
  std::vector<at::Tensor> finite;
  for (const auto& [name, t] : tensors) {
    finite.push_back(at::isfinite(t.detach()).all());
    if (t.grad().defined()) finite.push_back(at::isfinite(t.grad()).all());
  }
  if (finite.empty() || at::stack(finite).all().item<bool>()) return "";
  for (const auto& [name, t] : tensors) {
    if (!at::isfinite(t.detach()).all().item<bool>()) return name;
    if (t.grad().defined() && !at::isfinite(t.grad()).all().item<bool>())
      return name + " (gradient)";
  }
  return "";
}

void save_qat_checkpoint(const std::filesystem::path& file,
                         const std::map<std::string, at::Tensor>& params,
                         const std::map<std::string, at::Tensor>& ema, const AdamW& optimizer,
                         const QatOptions& options, const QatLrScales& rates,
                         const TrainHistory& history) {
  auto tensors = with_prefix("param.", params);
  tensors.merge(with_prefix("ema.", ema));
  tensors.merge(with_prefix("adam.", optimizer.state()));
  const nlohmann::json state = {{"history", to_json(history)},
                                {"train_config", to_json(options.train)},
                                {"lr_scales", to_json(rates)},
                                {"optimizer_steps", optimizer.steps_taken()}};
  write_safetensors(file, tensors, {{"qat_state", state.dump()}});
}

TrainHistory load_qat_checkpoint(const std::filesystem::path& file,
                                 std::map<std::string, at::Tensor>& params,
                                 std::map<std::string, at::Tensor>& ema, AdamW& optimizer,
                                 const QatOptions& options, const QatLrScales& rates) {
  const SafetensorsFile saved = read_safetensors(file);
  auto meta = saved.metadata.find("qat_state");
  if (meta == saved.metadata.end()) throw FormatError(file, "not a QAT checkpoint (no qat_state)");
  try {
    const nlohmann::json state = nlohmann::json::parse(meta->second);
    const auto& config = state.at("train_config");
    if (config.at("seed") != options.train.seed ||
        config.at("batch_size") != options.train.batch_size) {
      throw ConfigError(
          file.string() +
          ": checkpoint used another seed or batch size; resume with the same values");
    }
    // A resumed run must learn at the rates it started with, or it is neither run.
    if (!state.contains("lr_scales") || state.at("lr_scales") != to_json(rates)) {
      throw ConfigError(
          file.string() + ": checkpoint was trained with other learning-rate scales (" +
          (state.contains("lr_scales") ? state.at("lr_scales").dump() : "not recorded") +
          ", asked: " + to_json(rates).dump() +
          "); resume with the same values or delete it to start again");
    }
    at::NoGradGuard no_grad;
    for (auto& [name, tensor] : params) {
      for (auto* target : {&params, &ema}) {
        const std::string key = (target == &params ? "param." : "ema.") + name;
        auto it = saved.tensors.find(key);
        if (it == saved.tensors.end() || !it->second.sizes().equals(tensor.sizes())) {
          throw ConfigError(file.string() + ": '" + key +
                            "' is missing or has another shape (another method or model?)");
        }
        (*target)[name].copy_(it->second);
      }
    }
    optimizer.load_state(strip_prefix("adam.", saved.tensors),
                         json_as<std::int64_t>(state.at("optimizer_steps")));
    return train_history_from_json(state.at("history"));
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(file, std::string("corrupt qat_state: ") + e.what());
  }
}

// The one training loop of train_quantized (one process) and train_quantized_data_parallel.
QatResult train_on_ranks(UNetImpl& model, QuantizedModel& twin, const at::Tensor& images,
                         const NoiseSchedule& schedule, const QatOptions& options,
                         const std::filesystem::path& checkpoint, const ProgressFn& progress,
                         const DistContext& dist) {
  const TrainConfig& config = options.train;
  const QuantMethod method = twin.config().method;
  const QatLrScales rates = resolved_lr_scales(options.lr_scales, method);
  if (!is_qat_method(method) && method != QuantMethod::Dynamic && method != QuantMethod::Table) {
    throw ConfigError("quant.method", to_string(method),
                      "is post-training only; quantization-aware training needs lsq, pact, nipq, "
                      "tdq, dynamic or table");
  }
  if (images.dim() != 4 || images.size(0) == 0)
    throw ConfigError("QAT needs a non-empty [N,C,H,W] image tensor");
  if (config.steps < 1)
    throw ConfigError("qat.steps", std::to_string(config.steps), "must be positive");
  if (config.batch_size < 1)
    throw ConfigError("qat.batch_size", std::to_string(config.batch_size), "must be positive");
  if (config.batch_size < dist.world_size) {
    throw ConfigError("qat.batch_size", std::to_string(config.batch_size),
                      "is smaller than the number of ranks (" + std::to_string(dist.world_size) +
                          "): each rank needs a sample");
  }
  const auto device = model.parameters().front().device();
  const std::int64_t n = images.size(0);
  // This rank's samples of every global batch (all of it for one process).
  const BatchShard share = batch_shard(config.batch_size, dist);
  const double share_weight =
      static_cast<double>(share.end - share.first) / static_cast<double>(config.batch_size);

  // Initial steps from the statistics rule on the first batch of the run's data order.
  if (twin.config().method != QuantMethod::Dynamic) {
    auto generator = at::make_generator<at::CPUGeneratorImpl>(step_seed(config.seed, -1, 0));
    const at::Tensor index =
        at::randint(n, {config.batch_size}, generator, at::TensorOptions().dtype(at::kLong));
    // Split over the ranks like the training batches (the same steps on every rank).
    const InitialSteps initial =
        statistics_initial_steps(model, twin, images.index_select(0, index), schedule,
                                 options.init_passes, config.seed, dist);
    twin.set_static_steps(initial.steps);
    if (twin.config().tdq_init == TdqInit::PerStep) twin.fit_temporal(initial.per_sample);
    if (method == QuantMethod::Table) twin.init_step_table(options.bake_timesteps);
  }

  FrozenWeights frozen(model);
  std::vector<std::size_t> slots;
  for (const auto& slot : twin.slots()) {
    if (slot.quantized) slots.push_back(static_cast<std::size_t>(slot.layer));
  }
  // Ends without keeping anything when training throws.
  LearningSession session = twin.begin_learning(slots, 0.0, config.seed, /*learn_weights=*/true);
  const Trainables trainables{session.activation_steps(), session.weight_steps(), session.tdq(),
                              session.weights()};
  std::map<std::string, at::Tensor> params = trainables.all();
  std::map<std::string, at::Tensor> ema;
  for (const auto& [name, t] : params) ema[name] = t.detach().clone();
  AdamW optimizer({AdamW::Group{trainables.activation_steps.names,
                                trainables.activation_steps.tensors, rates.activation_steps, 0.0},
                   AdamW::Group{trainables.weight_steps.names, trainables.weight_steps.tensors,
                                rates.weight_steps, 0.0},
                   AdamW::Group{trainables.tdq.names, trainables.tdq.tensors, rates.tdq_mlps, 0.01},
                   AdamW::Group{trainables.weights.names, trainables.weights.tensors, 1.0,
                                config.weight_decay}});
  std::vector<at::Tensor> all_tensors;
  for (const auto& [name, t] : params) all_tensors.push_back(t);

  QatResult result;
  result.lr_scales = rates;
  TrainHistory& history = result.history;
  std::map<std::string, at::Tensor> step_start;  // before a checkpoint replaces them
  for (std::size_t i = 0; i < trainables.activation_steps.names.size(); ++i)
    step_start[trainables.activation_steps.names[i]] =
        trainables.activation_steps.tensors[i].detach().clone();
  {
    if (!checkpoint.empty() && std::filesystem::exists(checkpoint)) {
      history = load_qat_checkpoint(checkpoint, params, ema, optimizer, options, rates);
      history.resumes += 1;
      result.resumed = true;
    }
    const auto session_start = std::chrono::steady_clock::now();
    const double seconds_before = history.seconds;
    auto elapsed = [&] {
      return seconds_before +
             std::chrono::duration<double>(std::chrono::steady_clock::now() - session_start)
                 .count();
    };
    LossWindow window;
    const std::int64_t first_step = history.step;
    auto within_budget = [&] {  // at least one step per call, so that a budget always progresses
      return options.max_seconds <= 0 || history.step == first_step ||
             std::chrono::duration<double>(std::chrono::steady_clock::now() - session_start)
                     .count() < options.max_seconds;
    };
    // Ranks must agree when a time budget ends the run: rank 0's clock decides, and its verdict
    // travels with the step's gradients.
    bool budget_spent = false;
    while (history.step < config.steps &&
           (is_distributed(dist) ? !budget_spent : within_budget())) {
      const std::int64_t step = history.step;
      const auto [x0_all, t_all, noise_all] = draw_training_batch(
          images, schedule, config.batch_size, step_seed(config.seed, step, 1), device);
      const std::int64_t share_size = share.end - share.first;
      const at::Tensor x0 = x0_all.narrow(0, share.first, share_size);
      const at::Tensor t = t_all.narrow(0, share.first, share_size);
      const at::Tensor noise = noise_all.narrow(0, share.first, share_size);
      at::manual_seed(step_seed(config.seed, step, 2));  // TDQ MLP dropout
      session.reseed(step_seed(config.seed, step, 3));   // NIPQ noise

      const std::string where =
          " at step " + std::to_string(step) +
          (checkpoint.empty() ? "" : " (last good checkpoint kept: " + checkpoint.string() + ")");
      at::Tensor loss;
      try {
        loss = at::mse_loss(model.forward(add_noise(schedule, x0, noise, t), t.to(device), &twin),
                            noise);
      } catch (const Error& e) {
        throw Error(std::string("QAT diverged") + where + ": " + e.what());
      }
      double loss_value = 0;
      if (!is_distributed(dist)) {
        loss_value = loss.item<double>();
        if (!std::isfinite(loss_value)) {
          const std::string broken = first_non_finite(params);
          throw Error("QAT diverged: loss is " + std::to_string(loss_value) + where +
                      (broken.empty() ? "" : "; first non-finite quantizer tensor: " + broken));
        }
        optimizer.zero_grad();
        loss.backward();
      } else {
        // The weighted slice means add up to the global batch's mean, and so do their gradients.
        // The loss is checked after the sum, so that every rank stops at the same step.
        optimizer.zero_grad();
        (loss * share_weight).backward();
        std::vector<double> extras = {
            loss.item<double>() * share_weight,
            is_root(dist) && options.max_seconds > 0 &&
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - session_start)
                            .count() >= options.max_seconds
                ? 1.0
                : 0.0};
        all_reduce_gradients(dist, all_tensors, extras);
        loss_value = extras[0];
        budget_spent = extras[1] > 0;
        if (!std::isfinite(loss_value)) {
          const std::string broken = first_non_finite(params);
          throw Error("QAT diverged: loss is " + std::to_string(loss_value) + where +
                      (broken.empty() ? "" : "; first non-finite quantizer tensor: " + broken));
        }
      }
      const std::string broken = first_non_finite(params);
      if (!broken.empty())
        throw Error("QAT diverged: quantizer tensor " + broken + " is not finite" + where);
      if (config.grad_clip > 0) clip_grad_norm(all_tensors, config.grad_clip);
      optimizer.step(learning_rate(config, step));
      {
        at::NoGradGuard no_grad;
        const double decay = std::min(config.ema_decay, (1.0 + step) / (10.0 + step));
        for (auto& [name, average] : ema)
          average.mul_(decay).add_(params.at(name).detach(), 1.0 - decay);
      }
      window.step_done(history, loss_value, config);
      if (!checkpoint.empty() && is_root(dist) &&
          (history.step % config.checkpoint_every == 0 || history.step == config.steps)) {
        history.seconds = elapsed();
        save_qat_checkpoint(checkpoint, params, ema, optimizer, options, rates, history);
      }
      char message[96];
      std::snprintf(message, sizeof message, "loss %.4f lr %.2e", loss_value,
                    learning_rate(config, step));
      report_progress(progress, {history.step, config.steps, message});
    }
    history.seconds = elapsed();
    {
      at::NoGradGuard no_grad;
      for (auto& [name, tensor] : params) tensor.copy_(ema.at(name));
      for (const auto& [name, start] : step_start) {
        result.activation_step_moves[name] =
            (params.at(name).detach() - start).exp().sub(1.0).abs().max().item<double>();
      }
    }
  }
  session.end();
  if (!options.bake_timesteps.empty()) twin.bake(options.bake_timesteps);
  return result;
}

}  // namespace

QatResult train_quantized(UNetImpl& model, QuantizedModel& twin, const at::Tensor& images,
                          const NoiseSchedule& schedule, const QatOptions& options,
                          const std::filesystem::path& checkpoint, const ProgressFn& progress) {
  return train_on_ranks(model, twin, images, schedule, options, checkpoint, progress,
                        DistContext{});
}

QatResult train_quantized_data_parallel(UNetImpl& model, QuantizedModel& twin,
                                        const at::Tensor& images, const NoiseSchedule& schedule,
                                        const QatOptions& options,
                                        const std::filesystem::path& checkpoint,
                                        const DistContext& dist, const ProgressFn& progress) {
  return train_on_ranks(model, twin, images, schedule, options, checkpoint, progress, dist);
}

}  // namespace tdq
