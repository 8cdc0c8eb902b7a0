#include "core/diffusion/trainer.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/common/errors.h"
#include "core/common/json_number.h"
#include "core/diffusion/adamw.h"
#include "core/model/model_io.h"
#include "core/model/safetensors.h"

namespace tdq {

LrSchedule parse_lr_schedule(const std::string& name) {
  if (name == "constant") return LrSchedule::Constant;
  if (name == "cosine") return LrSchedule::Cosine;
  throw ConfigError("train.lr_schedule", name, "unknown schedule (use cosine or constant)");
}

nlohmann::json to_json(const TrainConfig& c) {
  return {{"steps", c.steps},
          {"batch_size", c.batch_size},
          {"lr", c.lr},
          {"weight_decay", c.weight_decay},
          {"warmup_steps", c.warmup_steps},
          {"lr_schedule", c.lr_schedule == LrSchedule::Cosine ? "cosine" : "constant"},
          {"ema_decay", c.ema_decay},
          {"grad_clip", c.grad_clip},
          {"seed", c.seed}};
}

nlohmann::json to_json(const TrainHistory& h) {
  return {{"step", h.step},       {"loss_steps", h.loss_steps},     {"losses", h.losses},
          {"seconds", h.seconds}, {"samples_seen", h.samples_seen}, {"resumes", h.resumes}};
}

double learning_rate(const TrainConfig& config, std::int64_t step) {
  if (config.warmup_steps > 0 && step < config.warmup_steps) {
    return config.lr * static_cast<double>(step + 1) / static_cast<double>(config.warmup_steps);
  }
  if (config.lr_schedule == LrSchedule::Constant) return config.lr;
  const double span =
      static_cast<double>(std::max<std::int64_t>(1, config.steps - config.warmup_steps));
  const double progress = std::min(1.0, static_cast<double>(step - config.warmup_steps) / span);
  return config.lr * 0.5 * (1.0 + std::cos(M_PI * progress));
}

namespace {

void validate(const TrainConfig& c, const at::Tensor& images) {
  const auto number = [](double value) {
    std::ostringstream text;
    text << value;
    return text.str();
  };
  if (c.steps < 1) throw ConfigError("train.steps", std::to_string(c.steps), "must be positive");
  if (c.batch_size < 1) {
    throw ConfigError("train.batch_size", std::to_string(c.batch_size), "must be positive");
  }
  if (!(c.lr > 0) || !std::isfinite(c.lr)) {
    throw ConfigError("train.lr", number(c.lr), "must be a positive number");
  }
  if (c.ema_decay < 0 || c.ema_decay >= 1) {
    throw ConfigError("train.ema_decay", number(c.ema_decay), "must be in [0, 1)");
  }
  if (c.checkpoint_every < 1 || c.log_every < 1)
    throw ConfigError("checkpoint/log interval must be positive");
  if (images.dim() != 4 || images.size(0) == 0)
    throw ConfigError("training images must be a non-empty [N,C,H,W] tensor");
}

}  // namespace

TrainHistory train_history_from_json(const nlohmann::json& j) {
  TrainHistory h;
  h.step = json_as<std::int64_t>(j.at("step"));
  h.loss_steps = json_as<std::vector<std::int64_t>>(j.at("loss_steps"));
  h.losses = j.at("losses").get<std::vector<double>>();
  h.seconds = j.at("seconds").get<double>();
  h.samples_seen = json_as<std::int64_t>(j.at("samples_seen"));
  h.resumes = json_value_or(j, "resumes", 0);
  return h;
}

namespace {

void save_checkpoint(const std::filesystem::path& file, const UNetImpl& model, const UNetImpl& ema,
                     const AdamW& optimizer, const TrainConfig& config,
                     const TrainHistory& history) {
  auto tensors = with_prefix("model.", named_parameters_map(model));
  tensors.merge(with_prefix("ema.", named_parameters_map(ema)));
  tensors.merge(with_prefix("adam.", optimizer.state()));
  nlohmann::json state = {{"history", to_json(history)},
                          {"train_config", to_json(config)},
                          {"unet_config", unet_config_to_json(model.config())},
                          {"optimizer_steps", optimizer.steps_taken()}};
  write_safetensors(file, tensors, {{"train_state", state.dump()}});
}

TrainHistory load_checkpoint(const std::filesystem::path& file, UNetImpl& model, UNetImpl& ema,
                             AdamW& optimizer, const TrainConfig& config) {
  const SafetensorsFile saved = read_safetensors(file);
  auto meta = saved.metadata.find("train_state");
  if (meta == saved.metadata.end())
    throw FormatError(file, "not a training checkpoint (no train_state)");
  nlohmann::json state;
  try {
    state = nlohmann::json::parse(meta->second);
    if (state.at("unet_config") != unet_config_to_json(model.config())) {
      throw ConfigError(file.string() + ": checkpoint was made for a different model config");
    }
    const auto& saved_config = state.at("train_config");
    if (saved_config.at("seed") != config.seed ||
        saved_config.at("batch_size") != config.batch_size) {
      throw ConfigError(
          file.string() +
          ": checkpoint used another seed or batch size; resume with the same values");
    }
    load_parameters(model, strip_prefix("model.", saved.tensors), file);
    load_parameters(ema, strip_prefix("ema.", saved.tensors), file);
    optimizer.load_state(strip_prefix("adam.", saved.tensors),
                         json_as<std::int64_t>(state.at("optimizer_steps")));
    return train_history_from_json(state.at("history"));
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(file, std::string("corrupt train_state: ") + e.what());
  }
}

void update_ema(UNetImpl& ema, const UNetImpl& model, double decay) {
  at::NoGradGuard no_grad;
  auto target = ema.parameters();
  auto source = model.parameters();
  for (std::size_t i = 0; i < target.size(); ++i) target[i].mul_(decay).add_(source[i], 1 - decay);
}

}  // namespace

void LossWindow::step_done(TrainHistory& history, double loss, const TrainConfig& config) {
  history.step += 1;
  history.samples_seen += config.batch_size;
  sum_ += loss;
  ++count_;
  if (history.step % config.log_every == 0 || history.step == config.steps) {
    history.loss_steps.push_back(history.step);
    history.losses.push_back(sum_ / static_cast<double>(count_));
    sum_ = 0;
    count_ = 0;
  }
}

TrainingBatch draw_training_batch(const at::Tensor& images, const NoiseSchedule& schedule,
                                  std::int64_t batch_size, std::uint64_t seed, c10::Device device) {
  auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  const auto long_opts = at::TensorOptions().dtype(at::kLong);
  const at::Tensor index = at::randint(images.size(0), {batch_size}, generator, long_opts);
  TrainingBatch batch;
  batch.t = at::randint(schedule.num_timesteps, {batch_size}, generator, long_opts);
  batch.x0 = images.index_select(0, index).to(device);
  batch.noise =
      at::randn(batch.x0.sizes(), generator, at::TensorOptions().dtype(at::kFloat)).to(device);
  return batch;
}

TrainResult train_diffusion(UNetImpl& model, UNetImpl& ema, const at::Tensor& images,
                            const NoiseSchedule& schedule, const TrainConfig& config,
                            const std::filesystem::path& checkpoint, const ProgressFn& progress,
                            const CheckpointFn& on_checkpoint) {
  validate(config, images);
  const auto device = model.parameters().front().device();
  std::vector<std::string> names;
  std::vector<at::Tensor> params;
  for (const auto& item : model.named_parameters(true)) {
    names.push_back(item.key());
    params.push_back(item.value());
  }
  AdamW optimizer({AdamW::Group{names, params, 1.0, config.weight_decay}});

  TrainResult result;
  TrainHistory& history = result.history;
  if (!checkpoint.empty() && std::filesystem::exists(checkpoint)) {
    history = load_checkpoint(checkpoint, model, ema, optimizer, config);
    history.resumes += 1;
    result.resumed = true;
  } else {
    at::NoGradGuard no_grad;
    auto target = ema.parameters();
    for (std::size_t i = 0; i < target.size(); ++i) target[i].copy_(params[i]);
  }

  model.train();
  LossWindow window;
  auto last_save = std::chrono::steady_clock::now();
  auto session_start = last_save;
  const double seconds_before = history.seconds;
  auto elapsed = [&] {
    return seconds_before +
           std::chrono::duration<double>(std::chrono::steady_clock::now() - session_start).count();
  };

  while (history.step < config.steps) {
    const std::int64_t step = history.step;
    const auto [x0, t, noise] =
        draw_training_batch(images, schedule, config.batch_size,
                            config.seed * 1000003ULL + static_cast<std::uint64_t>(step), device);
    at::manual_seed(config.seed * 7919ULL + static_cast<std::uint64_t>(step));  // dropout

    const at::Tensor x_t = add_noise(schedule, x0, noise, t);
    const at::Tensor loss = at::mse_loss(model.forward(x_t, t.to(device)), noise);
    const double loss_value = loss.item<double>();
    if (!std::isfinite(loss_value)) {
      throw Error("training diverged: loss is " + std::to_string(loss_value) + " at step " +
                  std::to_string(step) + " (last good checkpoint kept: " + checkpoint.string() +
                  ")");
    }
    optimizer.zero_grad();
    loss.backward();
    if (config.grad_clip > 0) clip_grad_norm(params, config.grad_clip);
    optimizer.step(learning_rate(config, step));
    // Warm-up of the EMA decay keeps early averages from being dominated by the random init.
    const double decay = std::min(config.ema_decay, (1.0 + step) / (10.0 + step));
    update_ema(ema, model, decay);

    window.step_done(history, loss_value, config);
    const bool last = history.step == config.steps;
    if (!checkpoint.empty() && (history.step % config.checkpoint_every == 0 || last)) {
      history.seconds = elapsed();
      save_checkpoint(checkpoint, model, ema, optimizer, config, history);
      if (on_checkpoint) on_checkpoint(history);
    }
    char message[96];
    std::snprintf(message, sizeof message, "loss %.4f lr %.2e", loss_value,
                  learning_rate(config, step));
    report_progress(progress, {history.step, config.steps, message});
  }
  history.seconds = elapsed();
  model.eval();
  ema.eval();
  return result;
}

}  // namespace tdq
