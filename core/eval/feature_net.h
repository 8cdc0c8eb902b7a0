#pragma once
// The feature network of the embedded benchmark: a small CNN classifier for 32x32 Fashion-MNIST
// images whose penultimate layer plays the role Inception's pool3 plays for FID on natural images.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include <ATen/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>
#include <nlohmann/json.hpp>

namespace tdq {

constexpr const char* kFeatureNetArchitecture = "tdq-fmnist-cnn-v1";
constexpr const char* kFeatureNetConfigFile = "config.json";
constexpr const char* kFeatureNetWeightsFile = "model.safetensors";

struct FeatureNetConfig {
  std::int64_t in_channels = 1;
  std::int64_t image_size = 32;  // inputs are [N, in_channels, image_size, image_size] in [-1, 1]
  std::int64_t base_channels = 24;  // stages of c, 2c, 4c channels at 32, 16, 8 px
  std::int64_t feature_dim = 128;   // width of the penultimate layer (the FID features)
  std::int64_t num_classes = 10;
  double dropout = 0.3;  // before the head, training only
};
nlohmann::json to_json(const FeatureNetConfig& config);
// ConfigError naming `source` and the key when a key is missing, has the wrong type or is out of
// range.
FeatureNetConfig feature_net_config_from_json(const nlohmann::json& json,
                                              const std::string& source);

// conv3x3(c)+BN+ReLU, pool | 2 x conv3x3(2c)+BN+ReLU, pool | 2 x conv3x3(4c)+BN+ReLU, pool |
// flatten (4c x 4 x 4) -> linear(feature_dim) + ReLU = features | dropout -> linear(num_classes).
// With the defaults: 24/48/96 channels, 128 features, 352k parameters (1.4 MB of float32).
class FeatureNetImpl : public torch::nn::Module {
 public:
  explicit FeatureNetImpl(const FeatureNetConfig& config = {});

  // [N, feature_dim] penultimate activations (after ReLU, like Inception's pool3 features).
  // ConfigError naming the shape when x is not [N, in_channels, image_size, image_size].
  at::Tensor features(const at::Tensor& x);
  // [N, num_classes] class scores of the features.
  at::Tensor logits_of_features(const at::Tensor& features);
  at::Tensor logits(const at::Tensor& x) { return logits_of_features(features(x)); }
  at::Tensor forward(const at::Tensor& x) { return logits(x); }

  const FeatureNetConfig& config() const { return config_; }
  std::int64_t parameter_count() const;

 private:
  at::Tensor conv_bn_relu(const at::Tensor& x, std::size_t index);

  FeatureNetConfig config_;
  std::vector<torch::nn::Conv2d> convs_;
  std::vector<torch::nn::BatchNorm2d> norms_;
  torch::nn::Linear fc{nullptr}, head{nullptr};
  torch::nn::Dropout dropout{nullptr};
};
TORCH_MODULE(FeatureNet);

// Parameters and buffers (BatchNorm running statistics) by dotted name.
std::map<std::string, at::Tensor> feature_net_state(const FeatureNetImpl& net);

struct LoadedFeatureNet {
  FeatureNet net{nullptr};
  std::filesystem::path dir;
  std::string weights_sha256;  // identifies the feature network in FID results and caches
};

// Reads DIR/config.json and DIR/model.safetensors, strictly: IoError for a missing folder or file,
// FormatError for bad JSON or safetensors, a missing/unexpected tensor or a wrong shape (naming the
// file and tensor), ConfigError for a bad config value. The network is returned in eval mode.
LoadedFeatureNet load_feature_net(const std::filesystem::path& dir);

// Writes config.json and model.safetensors atomically (each via temp file + rename).
void save_feature_net(const std::filesystem::path& dir, const FeatureNetImpl& net,
                      const std::map<std::string, std::string>& metadata = {});

// $TDQ_FEATURE_NET_DIR, else resources/models/fmnist-features in the source tree.
std::filesystem::path default_feature_net_dir();

}  // namespace tdq
