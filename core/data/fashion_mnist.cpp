#include "core/data/fashion_mnist.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <array>
#include <cstdlib>

#include "core/common/errors.h"
#include "core/data/idx_reader.h"

namespace tdq {

std::filesystem::path default_fashion_mnist_dir() {
  const char* env = std::getenv("TDQ_DATA_DIR");
  if (env && *env) return env;
  return "/usr/share/datasets/fashion-mnist";
}

namespace {

constexpr const char* kInstallHint =
    "install it with `apt-get install dataset-fashion-mnist` or choose the folder that holds it";

constexpr std::int64_t kSide = 28;
constexpr std::int64_t kPad = 2;  // 28 + 2 * 2 = 32, a size the U-Net can halve three times

std::filesystem::path find_file(const std::filesystem::path& dir, const std::string& name) {
  // The raw name first: someone who unpacked the files means them to be used.
  for (const std::string& candidate : {name, name + ".gz"}) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(dir / candidate, ec)) return dir / candidate;
  }
  throw IoError((dir / name).string() + "(.gz): Fashion-MNIST file not found; " + kInstallHint);
}

}  // namespace

ImageDataset load_fashion_mnist(const std::filesystem::path& dir, Split split, std::int64_t limit) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    throw IoError(dir.string() + ": Fashion-MNIST folder not found; " + kInstallHint);
  }
  const std::string prefix = split == Split::Train ? "train" : "t10k";
  const auto images_file = find_file(dir, prefix + "-images-idx3-ubyte");
  const auto labels_file = find_file(dir, prefix + "-labels-idx1-ubyte");
  const IdxArray images = read_idx(images_file);
  const IdxArray labels = read_idx(labels_file);

  if (images.values.scalar_type() != at::kByte) {
    throw FormatError(images_file, "images must be unsigned bytes (IDX type 0x08)");
  }
  if (images.dims.size() != 3 || images.dims[1] != kSide || images.dims[2] != kSide) {
    throw FormatError(images_file, "images have shape " + c10::str(images.values.sizes()) +
                                       ", expected [N, 28, 28]");
  }
  if (labels.values.scalar_type() != at::kByte || labels.dims.size() != 1) {
    throw FormatError(labels_file, "labels must be a 1-d array of unsigned bytes, got shape " +
                                       c10::str(labels.values.sizes()));
  }
  if (labels.dims[0] != images.dims[0]) {
    throw FormatError(labels_file, std::to_string(labels.dims[0]) + " labels for " +
                                       std::to_string(images.dims[0]) + " images in " +
                                       images_file.string());
  }
  if (labels.values.numel() > 0 && labels.values.max().item<int>() > 9) {
    throw FormatError(labels_file, "label " + std::to_string(labels.values.max().item<int>()) +
                                       " is not a class (0..9)");
  }

  const std::int64_t n = limit >= 0 ? std::min(images.dims[0], limit) : images.dims[0];
  const at::Tensor pixels =
      images.values.narrow(0, 0, n).to(at::kFloat).div_(127.5).sub_(1.0).unsqueeze(1);
  ImageDataset data;
  data.images = at::constant_pad_nd(pixels, {kPad, kPad, kPad, kPad}, -1.0).contiguous();
  data.labels = labels.values.narrow(0, 0, n).to(at::kLong).contiguous();
  return data;
}

std::string fashion_mnist_class_name(int label) {
  static const std::array<const char*, 10> kNames = {
      "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
      "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  if (label < 0 || label >= static_cast<int>(kNames.size())) return "?";
  return kNames[static_cast<std::size_t>(label)];
}

}  // namespace tdq
