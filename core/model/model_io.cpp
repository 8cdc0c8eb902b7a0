#include "core/model/model_io.h"

#include <ATen/ATen.h>
#include <torch/nn/module.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>

#include "core/common/errors.h"
#include "core/common/file_io.h"
#include "core/common/memory_budget.h"
#include "core/model/safetensors.h"
#include "core/model/stored_tensor.h"

namespace tdq {

std::map<std::string, at::Tensor> named_parameters_map(const torch::nn::Module& module) {
  std::map<std::string, at::Tensor> out;
  for (const auto& item : module.named_parameters(/*recurse=*/true)) out[item.key()] = item.value();
  return out;
}

void load_parameters(torch::nn::Module& module, const std::map<std::string, at::Tensor>& tensors,
                     const std::filesystem::path& source) {
  auto params = module.named_parameters(true);
  std::set<std::string> seen;
  torch::NoGradGuard no_grad;
  for (auto& item : params) {
    auto it = tensors.find(item.key());
    if (it == tensors.end()) throw FormatError(source, "missing parameter '" + item.key() + "'");
    check_stored_tensor(it->second, item.value(), "parameter", item.key(), source);
    item.value().copy_(it->second);
    seen.insert(item.key());
  }
  for (const auto& [name, tensor] : tensors) {
    if (!seen.count(name))
      throw FormatError(source, "unexpected parameter '" + name + "' for this config");
  }
}

namespace {

// A lower bound of the parameters a config builds: the second 3x3 conv of every down-path ResBlock
// alone (9 c^2 each). Checked against the weights file (2 bytes a value at least, fp16) and the
// memory available before the model is built, so a config.json asking for tens of GB is refused
// instead of allocated.
void require_weights_fit(const UNetConfig& config, const std::filesystem::path& weights) {
  double minimum = 0;
  for (std::int64_t c : config.block_out_channels)
    minimum += static_cast<double>(config.layers_per_block) * 9.0 * static_cast<double>(c) *
               static_cast<double>(c);
  std::error_code ec;
  const auto size = std::filesystem::file_size(weights, ec);
  if (!ec && 2.0 * minimum > static_cast<double>(size)) {
    char what[200];
    std::snprintf(what, sizeof what,
                  "describes a model of at least %.3g parameters, more than %s holds (%s)", minimum,
                  kWeightsFile, human_bytes(size).c_str());
    throw FormatError(weights.parent_path() / kConfigFile, what);
  }
  require_memory(static_cast<std::uint64_t>(std::min(4.0 * minimum, 1.8e19)),
                 "unet.block_out_channels", "(config.json)", "the model's parameters");
}

}  // namespace

LoadedModel load_model(const std::filesystem::path& dir) {
  if (!std::filesystem::is_directory(dir)) {
    throw IoError(dir.string() + ": model folder not found (expected config.json and " +
                  std::string(kWeightsFile) + ")");
  }
  LoadedModel loaded;
  loaded.dir = dir;
  const UNetConfig config = read_unet_config(dir / kConfigFile);
  const auto weights = dir / kWeightsFile;
  require_weights_fit(config, weights);
  loaded.model = UNet(config);
  const std::string bytes = read_file_bytes(weights);
  const SafetensorsFile file = parse_safetensors(bytes, weights);
  load_parameters(*loaded.model, file.tensors, weights);
  loaded.weights_sha256 = sha256_hex(bytes);
  loaded.model->eval();
  return loaded;
}

void save_model(const std::filesystem::path& dir, const UNetImpl& model,
                const std::map<std::string, std::string>& metadata) {
  std::filesystem::create_directories(dir);
  std::map<std::string, at::Tensor> tensors;
  for (const auto& [name, tensor] : named_parameters_map(model)) tensors[name] = tensor.detach();
  std::map<std::string, std::string> meta = metadata;
  meta.emplace("format", "pt");  // diffusers checks this key when loading safetensors
  write_safetensors(dir / kWeightsFile, tensors, meta);
  write_file_atomic(dir / kConfigFile, unet_config_to_json(model.config()).dump(2) + "\n");
}

std::filesystem::path default_model_dir() {
  if (const char* env = std::getenv("TDQ_MODEL_DIR")) return env;
  return std::filesystem::path(TDQ_SOURCE_DIR) / "resources" / "models" / "fmnist-ddpm";
}

namespace {

std::filesystem::path source_root() {
  std::error_code error;
  const auto root = std::filesystem::weakly_canonical(TDQ_SOURCE_DIR, error);
  return error ? std::filesystem::path(TDQ_SOURCE_DIR) : root;
}

}  // namespace

std::string model_dir_for_record(const std::filesystem::path& dir) {
  if (dir.is_relative()) return dir.string();
  std::error_code error;
  const auto full = std::filesystem::weakly_canonical(dir, error);
  if (error) return dir.string();
  const auto relative = full.lexically_relative(source_root());
  const bool inside = !relative.empty() && *relative.begin() != ".." && relative != ".";
  return inside ? relative.generic_string() : dir.string();
}

}  // namespace tdq
