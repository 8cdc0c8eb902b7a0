#pragma once
// What FID and IS see of an image: a feature network (the shipped Fashion-MNIST classifier, or a
// user's TorchScript Inception) behind one interface.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include <ATen/Tensor.h>
#include <c10/core/Device.h>

#include "core/eval/feature_net.h"

namespace tdq {

struct FeatureBatch {
  at::Tensor features;  // [N, D] float32, CPU
  at::Tensor
      probabilities;  // [N, classes] float32, CPU; undefined when the network has no classifier
};

class FeatureExtractor {
 public:
  virtual ~FeatureExtractor() = default;
  // `images`: [N, 1, H, W] in [-1, 1] (the diffusion model's and the data loader's range).
  virtual FeatureBatch extract(const at::Tensor& images) = 0;
  virtual std::string name() const = 0;    // "fmnist-features" or the TorchScript file
  virtual std::string sha256() const = 0;  // of the weights file, for run.json and caches
  // Distinguishes cached reference statistics: sha256 prefix plus any preprocessing option.
  virtual std::string cache_key() const = 0;
  virtual std::int64_t dim() const = 0;
};

// The Fashion-MNIST classifier: features = its penultimate layer, probabilities = softmax(head).
std::unique_ptr<FeatureExtractor> make_feature_net_extractor(const std::filesystem::path& dir,
                                                             c10::Device device);

// The feature network in `dir` (empty: the shipped one) for the samples of a diffusion model with
// `channels` x `size` x `size` images, tried on one blank image so that a network that cannot take
// them is refused before any sampling: ConfigError naming `field` and the folder.
std::unique_ptr<FeatureExtractor> feature_net_for_samples(const std::filesystem::path& dir,
                                                          std::int64_t channels, std::int64_t size,
                                                          c10::Device device,
                                                          const std::string& field);

// How a TorchScript Inception expects its input. pytorch-fid's InceptionV3 (normalize_input=True)
// and most TorchScript exports of it take RGB in [0, 1]; models exported with normalize_input=False
// take [-1, 1]; StyleGAN's/clean-fid's `inception-2015-12-05.pt` takes [0, 255].
enum class InceptionRange { Unit, Symmetric, Byte };
InceptionRange parse_inception_range(const std::string& name);  // "0,1" | "-1,1" | "0,255"
std::string to_string(InceptionRange range);

// [N, 1 or 3, H, W] in [-1, 1] -> [N, 3, 299, 299]: bilinear resize (align_corners=false, as
// torchvision's and pytorch-fid's resize), grey repeated to RGB, mapped to `range`.
at::Tensor inception_input(const at::Tensor& images, InceptionRange range);

// A user-supplied TorchScript Inception (torch::jit::load). Its forward must return [N, 2048]
// pool3 features, or a tuple (features [N, 2048], logits [N, classes]) to get an Inception Score
// as well. IoError when the file cannot be loaded, FormatError naming the file and the shape when
// the output does not fit (checked on the first batch).
std::unique_ptr<FeatureExtractor> make_inception_extractor(const std::filesystem::path& file,
                                                           InceptionRange range, c10::Device device,
                                                           std::int64_t expected_dim = 2048);

}  // namespace tdq
