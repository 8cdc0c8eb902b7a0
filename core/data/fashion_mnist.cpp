#include "core/data/fashion_mnist.h"

#include <ATen/ATen.h>

#include <array>
#include <cstdlib>

#include "core/common/errors.h"
#include "core/data/idx_reader.h"

namespace tdq {

std::filesystem::path default_fashion_mnist_dir() {
  if (const char* env = std::getenv("TDQ_DATA_DIR")) return env;
  return "/usr/share/datasets/fashion-mnist";
}

namespace {

std::filesystem::path find_file(const std::filesystem::path& dir, const std::string& stem) {
  for (const std::string& name : {stem + ".gz", stem}) {
    if (std::filesystem::exists(dir / name)) return dir / name;
  }
  throw IoError((dir / stem).string() + "[.gz]: not found (install the package dataset-fashion-mnist or pass --data DIR)");
}

}  // namespace

ImageDataset load_fashion_mnist(const std::filesystem::path& dir, Split split, std::int64_t limit) {
  if (!std::filesystem::is_directory(dir)) {
    throw IoError(dir.string() + ": data folder not found (install the package dataset-fashion-mnist or pass --data DIR)");
  }
  const std::string prefix = split == Split::Train ? "train" : "t10k";
  const auto images_file = find_file(dir, prefix + "-images-idx3-ubyte");
  const auto labels_file = find_file(dir, prefix + "-labels-idx1-ubyte");
  const IdxArray images = read_idx(images_file);
  const IdxArray labels = read_idx(labels_file);
  if (images.dims.size() != 3 || images.dims[1] != 28 || images.dims[2] != 28) {
    throw FormatError(images_file, "expected images of shape [N, 28, 28]");
  }
  if (labels.dims.size() != 1) throw FormatError(labels_file, "expected labels of shape [N]");
  if (labels.dims[0] != images.dims[0]) {
    throw FormatError(labels_file, std::to_string(labels.dims[0]) + " labels for " +
                                       std::to_string(images.dims[0]) + " images in " + images_file.string());
  }
  if (labels.values.numel() > 0 && labels.values.max().item<int>() > 9) {
    throw FormatError(labels_file, "label values must be 0..9");
  }
  std::int64_t n = images.dims[0];
  if (limit >= 0) n = std::min(n, limit);
  ImageDataset data;
  const at::Tensor pixels = images.values.narrow(0, 0, n).to(at::kFloat).div(127.5).sub(1.0).unsqueeze(1);
  data.images = at::constant_pad_nd(pixels, {2, 2, 2, 2}, -1.0).contiguous();
  data.labels = labels.values.narrow(0, 0, n).to(at::kLong).contiguous();
  return data;
}

std::string fashion_mnist_class_name(int label) {
  static const std::array<const char*, 10> kNames = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                      "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  if (label < 0 || label >= 10) return "?";
  return kNames[static_cast<std::size_t>(label)];
}

}  // namespace tdq
