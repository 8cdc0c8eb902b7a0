#include "core/eval/train_classifier.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/optim/adamw.h>
#include <torch/utils.h>

#include <chrono>
#include <cmath>
#include <sstream>

#include "core/common/errors.h"
#include "core/common/stopwatch.h"

namespace tdq {

nlohmann::json to_json(const ClassifierTrainConfig& c) {
  return {{"epochs", c.epochs},
          {"batch_size", c.batch_size},
          {"lr", c.lr},
          {"weight_decay", c.weight_decay},
          {"warmup_steps", c.warmup_steps},
          {"augment", c.augment},
          {"optimizer", "AdamW"},
          {"lr_schedule", "cosine"},
          {"seed", c.seed}};
}

nlohmann::json to_json(const ClassifierHistory& h) {
  return {{"epochs", h.epochs},
          {"train_loss", h.train_loss},
          {"test_accuracy", h.test_accuracy},
          {"seconds", h.seconds}};
}

namespace {

// Flip and shift each image. The 28x28 content sits inside 2 px of background padding, so a roll
// of up to 2 px only wraps background around.
at::Tensor augment_batch(const at::Tensor& images, at::Generator& gen) {
  const std::int64_t n = images.size(0);
  const at::Tensor flips = at::randint(0, 2, {n}, gen, at::kLong);
  const at::Tensor shifts = at::randint(-2, 3, {n, 2}, gen, at::kLong);
  const auto* flip = flips.data_ptr<std::int64_t>();
  const auto* shift = shifts.data_ptr<std::int64_t>();
  std::vector<at::Tensor> out;
  out.reserve(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    at::Tensor image = images[i];
    if (flip[i]) image = image.flip({2});
    out.push_back(at::roll(image, {shift[2 * i], shift[2 * i + 1]}, {1, 2}));
  }
  return at::stack(out);
}

}  // namespace

double classifier_accuracy(FeatureNetImpl& net, const ImageDataset& data, std::int64_t batch_size) {
  const std::int64_t n = data.images.size(0);
  if (n == 0) return 0.0;
  const bool was_training = net.is_training();
  net.eval();
  torch::NoGradGuard no_grad;
  std::int64_t correct = 0;
  for (std::int64_t start = 0; start < n; start += batch_size) {
    const std::int64_t end = std::min(n, start + batch_size);
    const at::Tensor predicted = net.logits(data.images.slice(0, start, end)).argmax(1);
    correct += predicted.eq(data.labels.slice(0, start, end)).sum().item<std::int64_t>();
  }
  net.train(was_training);
  return static_cast<double>(correct) / static_cast<double>(n);
}

ClassifierHistory train_classifier(FeatureNetImpl& net, const ImageDataset& train,
                                   const ImageDataset& test, const ClassifierTrainConfig& config,
                                   const ProgressFn& progress, const EpochFn& on_epoch) {
  const std::int64_t n = train.images.size(0);
  if (n == 0) throw ConfigError("classifier training: the training set is empty");
  if (config.epochs < 1) {
    throw ConfigError("classifier.epochs", std::to_string(config.epochs), "must be >= 1");
  }
  if (config.batch_size < 1) {
    throw ConfigError("classifier.batch_size", std::to_string(config.batch_size), "must be >= 1");
  }
  torch::manual_seed(config.seed);
  const auto start_time = std::chrono::steady_clock::now();

  std::vector<at::Tensor> decayed, not_decayed;
  for (const auto& item : net.named_parameters(true)) {
    (item.value().dim() > 1 ? decayed : not_decayed).push_back(item.value());
  }
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(decayed,
                      std::make_unique<torch::optim::AdamWOptions>(
                          torch::optim::AdamWOptions(config.lr).weight_decay(config.weight_decay)));
  groups.emplace_back(not_decayed, std::make_unique<torch::optim::AdamWOptions>(
                                       torch::optim::AdamWOptions(config.lr).weight_decay(0.0)));
  torch::optim::AdamW optimizer(std::move(groups));

  const std::int64_t batches = (n + config.batch_size - 1) / config.batch_size;
  const std::int64_t total_steps = batches * config.epochs;
  const double pi = std::acos(-1.0);
  auto lr_at = [&](std::int64_t step) {
    if (step < config.warmup_steps)
      return config.lr * static_cast<double>(step + 1) / config.warmup_steps;
    const double progress_fraction =
        static_cast<double>(step - config.warmup_steps) /
        static_cast<double>(std::max<std::int64_t>(1, total_steps - config.warmup_steps));
    return config.lr * 0.5 * (1.0 + std::cos(pi * progress_fraction));
  };

  ClassifierHistory history;
  std::int64_t step = 0;
  for (std::int64_t epoch = 0; epoch < config.epochs; ++epoch) {
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(config.seed * 1000003ULL + epoch);
    const at::Tensor order = at::randperm(n, gen, at::kLong);
    net.train();
    double loss_sum = 0;
    for (std::int64_t b = 0; b < batches; ++b, ++step) {
      const at::Tensor index =
          order.slice(0, b * config.batch_size, std::min(n, (b + 1) * config.batch_size));
      at::Tensor images = train.images.index_select(0, index);
      if (config.augment) images = augment_batch(images, gen);
      const at::Tensor labels = train.labels.index_select(0, index);
      for (auto& group : optimizer.param_groups()) group.options().set_lr(lr_at(step));
      optimizer.zero_grad();
      const at::Tensor loss = at::cross_entropy_loss(net.logits(images), labels);
      loss.backward();
      optimizer.step();
      const double value = loss.item<double>();
      loss_sum += value;
      std::ostringstream message;
      message << "epoch " << epoch + 1 << "/" << config.epochs << " loss " << value;
      report_progress(progress, {step + 1, total_steps, message.str()});
    }
    history.train_loss.push_back(loss_sum / static_cast<double>(batches));
    if (test.images.defined() && test.images.size(0) > 0) {
      history.test_accuracy.push_back(classifier_accuracy(net, test));
    }
    history.epochs = epoch + 1;
    history.seconds = seconds_since(start_time);
    if (on_epoch) on_epoch(history);
  }
  net.eval();
  history.seconds = seconds_since(start_time);
  return history;
}

}  // namespace tdq
