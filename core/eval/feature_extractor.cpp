#include "core/eval/feature_extractor.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/script.h>

#include "core/common/errors.h"
#include "core/common/file_io.h"

namespace tdq {

namespace {

class FeatureNetExtractor : public FeatureExtractor {
 public:
  FeatureNetExtractor(LoadedFeatureNet loaded, c10::Device device)
      : loaded_(std::move(loaded)), device_(device) {
    loaded_.net->to(device_);
    loaded_.net->eval();
  }
  FeatureBatch extract(const at::Tensor& images) override {
    torch::NoGradGuard no_grad;
    FeatureBatch batch;
    const at::Tensor features = loaded_.net->features(images.to(device_));
    batch.probabilities = at::softmax(loaded_.net->logits_of_features(features), 1).to(at::kCPU);
    batch.features = features.to(at::kCPU);
    return batch;
  }
  std::string name() const override { return "fmnist-features"; }
  std::string sha256() const override { return loaded_.weights_sha256; }
  std::string cache_key() const override { return "fnet-" + loaded_.weights_sha256.substr(0, 16); }
  std::int64_t dim() const override { return loaded_.net->config().feature_dim; }

 private:
  LoadedFeatureNet loaded_;
  c10::Device device_;
};

class InceptionExtractor : public FeatureExtractor {
 public:
  InceptionExtractor(std::filesystem::path file, InceptionRange range, c10::Device device,
                     std::int64_t expected_dim)
      : file_(std::move(file)), range_(range), device_(device), expected_dim_(expected_dim) {
    if (!std::filesystem::is_regular_file(file_)) {
      throw IoError(file_.string() + ": TorchScript Inception file not found");
    }
    try {
      module_ = torch::jit::load(file_.string(), device_);
    } catch (const c10::Error& e) {
      throw IoError(file_.string() +
                    ": not a loadable TorchScript module: " + e.what_without_backtrace());
    }
    module_.eval();
    sha256_ = sha256_file(file_);
  }

  FeatureBatch extract(const at::Tensor& images) override {
    torch::NoGradGuard no_grad;
    const at::Tensor input = inception_input(images, range_).to(device_);
    c10::IValue output;
    try {
      output = module_.forward({input});
    } catch (const c10::Error& e) {
      throw FormatError(file_, std::string("forward failed on input ") + c10::str(input.sizes()) +
                                   ": " + e.what_without_backtrace());
    }
    FeatureBatch batch;
    if (output.isTensor()) {
      batch.features = output.toTensor();
    } else if (output.isTuple() && output.toTupleRef().elements().size() == 2 &&
               output.toTupleRef().elements()[0].isTensor() &&
               output.toTupleRef().elements()[1].isTensor()) {
      batch.features = output.toTupleRef().elements()[0].toTensor();
      const at::Tensor logits = output.toTupleRef().elements()[1].toTensor();
      if (logits.dim() != 2 || logits.size(0) != images.size(0)) {
        throw FormatError(file_, "second output (logits) has shape " + c10::str(logits.sizes()) +
                                     ", expected [" + std::to_string(images.size(0)) +
                                     ", classes]");
      }
      batch.probabilities = at::softmax(logits.to(at::kFloat), 1).to(at::kCPU);
    } else {
      throw FormatError(file_, "forward returned " + output.tagKind() + ", expected a tensor [N, " +
                                   std::to_string(expected_dim_) +
                                   "] or a tuple (features, logits)");
    }
    // pytorch-fid's wrapper returns [N, 2048, 1, 1] pool3 maps: accept and flatten those.
    at::Tensor f = batch.features;
    if (f.dim() == 4 && f.size(2) == 1 && f.size(3) == 1) f = f.flatten(1);
    if (f.dim() != 2 || f.size(0) != images.size(0) || f.size(1) != expected_dim_) {
      throw FormatError(file_, "output has shape " + c10::str(batch.features.sizes()) +
                                   ", expected [" + std::to_string(images.size(0)) + ", " +
                                   std::to_string(expected_dim_) + "] (Inception pool3 features)");
    }
    batch.features = f.to(at::kCPU, at::kFloat);
    return batch;
  }
  std::string name() const override { return file_.string(); }
  std::string sha256() const override { return sha256_; }
  std::string cache_key() const override {
    const std::string range = range_ == InceptionRange::Unit        ? "01"
                              : range_ == InceptionRange::Symmetric ? "11"
                                                                    : "255";
    return "inception-" + sha256_.substr(0, 16) + "-r" + range;
  }
  std::int64_t dim() const override { return expected_dim_; }

 private:
  std::filesystem::path file_;
  InceptionRange range_;
  c10::Device device_;
  std::int64_t expected_dim_;
  torch::jit::Module module_;
  std::string sha256_;
};

}  // namespace

std::unique_ptr<FeatureExtractor> make_feature_net_extractor(const std::filesystem::path& dir,
                                                             c10::Device device) {
  return std::make_unique<FeatureNetExtractor>(load_feature_net(dir), device);
}

std::unique_ptr<FeatureExtractor> feature_net_for_samples(const std::filesystem::path& dir,
                                                          std::int64_t channels, std::int64_t size,
                                                          c10::Device device,
                                                          const std::string& field) {
  const std::filesystem::path folder = dir.empty() ? default_feature_net_dir() : dir;
  auto extractor = make_feature_net_extractor(folder, device);
  try {
    extractor->extract(at::zeros({1, channels, size, size}, at::TensorOptions().device(device)));
  } catch (const ConfigError& e) {
    throw ConfigError(field, folder.string(),
                      "cannot take the model's " + std::to_string(channels) + " x " +
                          std::to_string(size) + " x " + std::to_string(size) + " samples (" +
                          e.what() + ")");
  }
  return extractor;
}

InceptionRange parse_inception_range(const std::string& name) {
  if (name == "0,1") return InceptionRange::Unit;
  if (name == "-1,1") return InceptionRange::Symmetric;
  if (name == "0,255") return InceptionRange::Byte;
  throw ConfigError("features.range", name, "not one of 0,1 | -1,1 | 0,255");
}

std::string to_string(InceptionRange range) {
  switch (range) {
    case InceptionRange::Unit:
      return "0,1";
    case InceptionRange::Symmetric:
      return "-1,1";
    case InceptionRange::Byte:
      return "0,255";
  }
  return "?";
}

at::Tensor inception_input(const at::Tensor& images, InceptionRange range) {
  if (images.dim() != 4 || (images.size(1) != 1 && images.size(1) != 3)) {
    throw ConfigError("Inception input: images have shape " + c10::str(images.sizes()) +
                      ", expected [N, 1 or 3, H, W]");
  }
  at::Tensor x = at::upsample_bilinear2d(images.to(at::kFloat), {299, 299}, /*align_corners=*/false)
                     .clamp(-1, 1);
  switch (range) {
    case InceptionRange::Unit:
      x = (x + 1) * 0.5;
      break;
    case InceptionRange::Symmetric:
      break;
    case InceptionRange::Byte:
      x = (x + 1) * 127.5;
      break;
  }
  return x.size(1) == 3 ? x.contiguous() : x.expand({-1, 3, -1, -1}).contiguous();
}

std::unique_ptr<FeatureExtractor> make_inception_extractor(const std::filesystem::path& file,
                                                           InceptionRange range, c10::Device device,
                                                           std::int64_t expected_dim) {
  return std::make_unique<InceptionExtractor>(file, range, device, expected_dim);
}

}  // namespace tdq
