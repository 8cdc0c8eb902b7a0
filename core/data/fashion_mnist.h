#pragma once
#include <cstdint>
#include <filesystem>
#include <string>

#include <ATen/Tensor.h>

namespace tdq {

enum class Split { Train, Test };

struct ImageDataset {
  at::Tensor images;  // float32 [N, 1, 32, 32] in [-1, 1]; 28x28 padded by 2 px of background (-1)
  at::Tensor labels;  // int64 [N]
};

// $TDQ_DATA_DIR when set, else /usr/share/datasets/fashion-mnist (package dataset-fashion-mnist).
std::filesystem::path default_fashion_mnist_dir();

// Reads <train|t10k>-images-idx3-ubyte and -labels-idx1-ubyte, raw or with .gz; `limit` >= 0 keeps
// the first `limit` samples. IoError when the folder or a file is missing, FormatError when the
// files are not 28x28 unsigned-byte images with matching labels 0..9.
ImageDataset load_fashion_mnist(const std::filesystem::path& dir, Split split,
                                std::int64_t limit = -1);

// "T-shirt/top", "Trouser", ... "Ankle boot" for labels 0..9; "?" for anything else.
std::string fashion_mnist_class_name(int label);

}  // namespace tdq
