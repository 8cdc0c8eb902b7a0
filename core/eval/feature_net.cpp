#include "core/eval/feature_net.h"

#include <ATen/ATen.h>
#include <torch/nn/functional/pooling.h>
#include <torch/nn/options/batchnorm.h>
#include <torch/nn/options/conv.h>
#include <torch/nn/options/dropout.h>
#include <torch/nn/options/linear.h>

#include <cstdlib>
#include <set>

#include "core/common/errors.h"
#include "core/common/file_io.h"
#include "core/common/json_file.h"
#include "core/common/json_number.h"
#include "core/model/safetensors.h"
#include "core/model/stored_tensor.h"

namespace tdq {

nlohmann::json to_json(const FeatureNetConfig& c) {
  return {{"architecture", kFeatureNetArchitecture},
          {"in_channels", c.in_channels},
          {"image_size", c.image_size},
          {"base_channels", c.base_channels},
          {"feature_dim", c.feature_dim},
          {"num_classes", c.num_classes},
          {"dropout", c.dropout},
          {"input_range", {-1.0, 1.0}}};
}

FeatureNetConfig feature_net_config_from_json(const nlohmann::json& json,
                                              const std::string& source) {
  auto fail = [&](const std::string& what) { throw ConfigError(source + ": " + what); };
  if (!json.is_object()) fail("expected a JSON object");
  if (!json.contains("architecture") || json.at("architecture") != kFeatureNetArchitecture) {
    fail(std::string("key 'architecture' must be \"") + kFeatureNetArchitecture + "\"");
  }
  auto integer = [&](const char* key, std::int64_t min, std::int64_t max) {
    if (!json.contains(key)) fail(std::string("missing key '") + key + "'");
    const auto& value = json.at(key);
    if (!value.is_number_integer()) fail(std::string("key '") + key + "' must be an integer");
    const auto v = json_as<std::int64_t>(value);
    if (v < min || v > max) {
      fail(std::string("key '") + key + "' = " + std::to_string(v) + " is outside [" +
           std::to_string(min) + ", " + std::to_string(max) + "]");
    }
    return v;
  };
  FeatureNetConfig c;
  c.in_channels = integer("in_channels", 1, 4);
  c.image_size = integer("image_size", 8, 1024);
  if (c.image_size % 8 != 0) fail("key 'image_size' must be a multiple of 8 (three 2x poolings)");
  c.base_channels = integer("base_channels", 1, 1024);
  c.feature_dim = integer("feature_dim", 1, 65536);
  c.num_classes = integer("num_classes", 2, 100000);
  if (json.contains("dropout")) {
    if (!json.at("dropout").is_number()) fail("key 'dropout' must be a number");
    c.dropout = json.at("dropout").get<double>();
    if (c.dropout < 0 || c.dropout >= 1) fail("key 'dropout' must be in [0, 1)");
  }
  return c;
}

FeatureNetImpl::FeatureNetImpl(const FeatureNetConfig& config) : config_(config) {
  namespace nn = torch::nn;
  const std::int64_t c = config.base_channels;
  const std::int64_t channels[][2] = {
      {config.in_channels, c}, {c, 2 * c}, {2 * c, 2 * c}, {2 * c, 4 * c}, {4 * c, 4 * c}};
  for (std::size_t i = 0; i < 5; ++i) {
    convs_.push_back(register_module(
        "conv" + std::to_string(i),
        nn::Conv2d(nn::Conv2dOptions(channels[i][0], channels[i][1], 3).padding(1).bias(false))));
    norms_.push_back(register_module("bn" + std::to_string(i), nn::BatchNorm2d(channels[i][1])));
  }
  const std::int64_t side = config.image_size / 8;
  fc = register_module("fc", nn::Linear(4 * c * side * side, config.feature_dim));
  dropout = register_module("dropout", nn::Dropout(nn::DropoutOptions(config.dropout)));
  head = register_module("head", nn::Linear(config.feature_dim, config.num_classes));
}

at::Tensor FeatureNetImpl::conv_bn_relu(const at::Tensor& x, std::size_t index) {
  return at::relu(norms_[index]->forward(convs_[index]->forward(x)));
}

at::Tensor FeatureNetImpl::features(const at::Tensor& x) {
  if (x.dim() != 4 || x.size(1) != config_.in_channels || x.size(2) != config_.image_size ||
      x.size(3) != config_.image_size) {
    throw ConfigError("feature network: input has shape " + c10::str(x.sizes()) +
                      ", expected [N, " + std::to_string(config_.in_channels) + ", " +
                      std::to_string(config_.image_size) + ", " +
                      std::to_string(config_.image_size) + "]");
  }
  at::Tensor h = at::max_pool2d(conv_bn_relu(x.to(at::kFloat), 0), {2, 2});
  h = at::max_pool2d(conv_bn_relu(conv_bn_relu(h, 1), 2), {2, 2});
  h = at::max_pool2d(conv_bn_relu(conv_bn_relu(h, 3), 4), {2, 2});
  return at::relu(fc->forward(h.flatten(1)));
}

at::Tensor FeatureNetImpl::logits_of_features(const at::Tensor& features) {
  return head->forward(dropout->forward(features));
}

std::int64_t FeatureNetImpl::parameter_count() const {
  std::int64_t n = 0;
  for (const auto& p : parameters()) n += p.numel();
  return n;
}

std::map<std::string, at::Tensor> feature_net_state(const FeatureNetImpl& net) {
  std::map<std::string, at::Tensor> state;
  for (const auto& item : net.named_parameters(true)) state[item.key()] = item.value().detach();
  for (const auto& item : net.named_buffers(true)) state[item.key()] = item.value().detach();
  return state;
}

LoadedFeatureNet load_feature_net(const std::filesystem::path& dir) {
  if (!std::filesystem::is_directory(dir)) {
    throw IoError(dir.string() + ": feature network folder not found (expected " +
                  kFeatureNetConfigFile + " and " + kFeatureNetWeightsFile +
                  "; train one with `tdq train-features`)");
  }
  const auto config_file = dir / kFeatureNetConfigFile;
  const nlohmann::json json = read_json_file(config_file);
  LoadedFeatureNet loaded;
  loaded.dir = dir;
  loaded.net = FeatureNet(feature_net_config_from_json(json, config_file.string()));
  const auto weights = dir / kFeatureNetWeightsFile;
  const std::string bytes = read_file_bytes(weights);
  const SafetensorsFile file = parse_safetensors(bytes, weights);
  std::set<std::string> seen;
  torch::NoGradGuard no_grad;
  auto copy_into = [&](const std::string& name, at::Tensor target) {
    auto it = file.tensors.find(name);
    if (it == file.tensors.end()) throw FormatError(weights, "missing tensor '" + name + "'");
    check_stored_tensor(it->second, target, "tensor", name, weights);
    target.copy_(it->second);
    seen.insert(name);
  };
  for (auto& item : loaded.net->named_parameters(true)) copy_into(item.key(), item.value());
  for (auto& item : loaded.net->named_buffers(true)) copy_into(item.key(), item.value());
  for (const auto& entry : file.tensors) {
    if (!seen.count(entry.first)) {
      throw FormatError(weights, "unexpected tensor '" + entry.first + "' for this config");
    }
  }
  loaded.weights_sha256 = sha256_hex(bytes);
  loaded.net->eval();
  return loaded;
}

void save_feature_net(const std::filesystem::path& dir, const FeatureNetImpl& net,
                      const std::map<std::string, std::string>& metadata) {
  std::filesystem::create_directories(dir);
  std::map<std::string, at::Tensor> state;
  for (const auto& [name, tensor] : feature_net_state(net)) state[name] = tensor.contiguous().cpu();
  write_safetensors(dir / kFeatureNetWeightsFile, state, metadata);
  write_file_atomic(dir / kFeatureNetConfigFile, to_json(net.config()).dump(2) + "\n");
}

std::filesystem::path default_feature_net_dir() {
  if (const char* env = std::getenv("TDQ_FEATURE_NET_DIR")) return env;
  return std::filesystem::path(TDQ_SOURCE_DIR) / "resources" / "models" / "fmnist-features";
}

}  // namespace tdq
