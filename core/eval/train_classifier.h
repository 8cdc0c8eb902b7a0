#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include <ATen/Tensor.h>
#include <nlohmann/json.hpp>

#include "core/common/progress.h"
#include "core/data/fashion_mnist.h"
#include "core/eval/feature_net.h"

namespace tdq {

struct ClassifierTrainConfig {
  std::int64_t epochs = 15;
  std::int64_t batch_size = 128;
  double lr = 2e-3;            // Adam, cosine decay to 0 over all steps after a short warm-up
  double weight_decay = 5e-4;  // decoupled (AdamW), not applied to BatchNorm and biases
  std::int64_t warmup_steps = 100;
  bool augment = true;  // random horizontal flip and a shift of up to 2 px (inside the padding)
  std::uint64_t seed = 0;
};
nlohmann::json to_json(const ClassifierTrainConfig& config);

struct ClassifierHistory {
  std::int64_t epochs = 0;
  std::vector<double> train_loss;     // mean cross-entropy per epoch
  std::vector<double> test_accuracy;  // after each epoch
  double seconds = 0;
};
nlohmann::json to_json(const ClassifierHistory& history);

// Trains `net` from its current weights. Deterministic for a seed: the shuffles and augmentations
// come from a generator seeded by (seed, epoch) and dropout from the global generator seeded by
// `seed` at the start. Progress counts batches; a cancel throws CancelledError between batches.
// `test` may have no images (then no accuracy is measured). `on_epoch` runs after every epoch.
using EpochFn = std::function<void(const ClassifierHistory&)>;
ClassifierHistory train_classifier(FeatureNetImpl& net, const ImageDataset& train,
                                   const ImageDataset& test, const ClassifierTrainConfig& config,
                                   const ProgressFn& progress = {}, const EpochFn& on_epoch = {});

// Top-1 accuracy in eval mode, in batches.
double classifier_accuracy(FeatureNetImpl& net, const ImageDataset& data,
                           std::int64_t batch_size = 500);

}  // namespace tdq
