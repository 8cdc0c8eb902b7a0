#pragma once
#include <filesystem>
#include <map>
#include <string>

#include <ATen/Tensor.h>

#include "core/model/unet.h"

namespace tdq {

constexpr const char* kConfigFile = "config.json";
constexpr const char* kWeightsFile = "diffusion_pytorch_model.safetensors";

// Parameters by diffusers name, e.g. "down_blocks.0.resnets.0.conv1.weight".
std::map<std::string, at::Tensor> named_parameters_map(const torch::nn::Module& module);

// Copies `tensors` into the module's parameters. Strict: a missing or unexpected name, or a shape
// mismatch, is a FormatError naming `source` and the parameter. Other dtypes are converted.
void load_parameters(torch::nn::Module& module, const std::map<std::string, at::Tensor>& tensors,
                     const std::filesystem::path& source);

// A model folder: config.json + diffusion_pytorch_model.safetensors (ours or diffusers').
struct LoadedModel {
  UNet model{nullptr};
  std::filesystem::path dir;
  std::string weights_sha256;  // identifies the model in run folders
};
// FormatError naming the file and parameter for a missing, extra, misshapen or non-finite weight.
LoadedModel load_model(const std::filesystem::path& dir);

// Writes config.json and the weights atomically (each file via temp + rename).
void save_model(const std::filesystem::path& dir, const UNetImpl& model,
                const std::map<std::string, std::string>& metadata = {});

// The shipped default model: $TDQ_MODEL_DIR, else resources/models/fmnist-ddpm next to the binary's
// install or source tree.
std::filesystem::path default_model_dir();

// How run folders name a model directory: an absolute path inside the source tree (the shipped
// model) relative to it, so that committed runs name no machine's paths; any other path as given
// (a relative one is the user's own, or already recorded). Readers find
// it again with find_model (find_model.h).
std::string model_dir_for_record(const std::filesystem::path& dir);

}  // namespace tdq
