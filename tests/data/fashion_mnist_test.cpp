#include "core/data/fashion_mnist.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "core/common/errors.h"
#include "core/common/file_io.h"
#include "core/data/idx_reader.h"
#include "tests/support/idx_fixtures.h"
#include "tests/support/temp_dir.h"

namespace tdq {
namespace {

std::string idx_ubyte(const std::vector<std::uint32_t>& dims, const std::string& payload) {
  return test::idx_bytes(0x08, dims, payload);
}

using test::gzip;

// Three 28x28 images: all black (0), all white (255), and a ramp whose pixel (r, c) is r * 8 + c.
std::string three_images() {
  std::string pixels(3 * 28 * 28, '\0');
  for (int i = 0; i < 28 * 28; ++i) {
    pixels[28 * 28 + i] = static_cast<char>(255);
    pixels[2 * 28 * 28 + i] = static_cast<char>((i / 28) * 8 + i % 28);
  }
  return idx_ubyte({3, 28, 28}, pixels);
}

// Writes a split's files: images gzipped, labels raw, so both spellings are exercised.
void write_split(const std::filesystem::path& dir, const std::string& prefix,
                 const std::string& images, const std::string& labels) {
  write_file_atomic(dir / (prefix + "-images-idx3-ubyte.gz"), gzip(images));
  write_file_atomic(dir / (prefix + "-labels-idx1-ubyte"), labels);
}

const std::string kThreeLabels = idx_ubyte({3}, std::string{9, 0, 3});

TEST(FashionMnist, LoadsPadsAndScalesTinyFiles) {
  test::TempDir dir;
  write_split(dir.path(), "train", three_images(), kThreeLabels);
  const ImageDataset data = load_fashion_mnist(dir.path(), Split::Train);
  ASSERT_EQ(data.images.sizes(), (std::vector<std::int64_t>{3, 1, 32, 32}));
  ASSERT_EQ(data.images.scalar_type(), at::kFloat);
  EXPECT_TRUE(data.images.is_contiguous());
  EXPECT_GE(data.images.min().item<float>(), -1.0f);
  EXPECT_LE(data.images.max().item<float>(), 1.0f);

  // The 2-pixel frame is background (-1) on every side of every image.
  const at::Tensor frame = at::ones({32, 32}, at::kBool);
  frame.slice(0, 2, 30).slice(1, 2, 30).fill_(false);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(at::all(data.images[i][0].masked_select(frame) == -1.0f).item<bool>()) << i;
  }
  const auto interior = [&](int i) { return data.images[i][0].slice(0, 2, 30).slice(1, 2, 30); };
  EXPECT_TRUE(at::all(interior(0) == -1.0f).item<bool>());
  EXPECT_TRUE(at::all(interior(1) == 1.0f).item<bool>());
  // Ramp pixel (r, c) = r * 8 + c lands at (r + 2, c + 2), scaled by x / 127.5 - 1.
  EXPECT_FLOAT_EQ(data.images[2][0][2][2].item<float>(), -1.0f);
  EXPECT_FLOAT_EQ(data.images[2][0][2 + 5][2 + 7].item<float>(), 47 / 127.5f - 1.0f);
  EXPECT_FLOAT_EQ(data.images[2][0][2 + 27][2 + 27].item<float>(), 243 / 127.5f - 1.0f);

  ASSERT_EQ(data.labels.scalar_type(), at::kLong);
  EXPECT_TRUE(at::equal(data.labels, at::tensor({9, 0, 3}, at::kLong)));
}

TEST(FashionMnist, LimitKeepsTheFirstSamples) {
  test::TempDir dir;
  write_split(dir.path(), "t10k", three_images(), kThreeLabels);
  const ImageDataset two = load_fashion_mnist(dir.path(), Split::Test, 2);
  EXPECT_EQ(two.images.size(0), 2);
  EXPECT_TRUE(at::equal(two.labels, at::tensor({9, 0}, at::kLong)));
  EXPECT_EQ(load_fashion_mnist(dir.path(), Split::Test, 0).images.size(0), 0);
  EXPECT_EQ(load_fashion_mnist(dir.path(), Split::Test, 100).images.size(0), 3);
  // Only the test split exists here.
  EXPECT_THROW(load_fashion_mnist(dir.path(), Split::Train), IoError);
}

TEST(FashionMnist, MissingDataSuggestsThePackage) {
  test::TempDir dir;
  try {
    load_fashion_mnist(dir / "absent", Split::Train);
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("absent"), std::string::npos) << message;
    EXPECT_NE(message.find("apt-get install dataset-fashion-mnist"), std::string::npos) << message;
    EXPECT_EQ(message.find("--"), std::string::npos) << "the core names no CLI flag: " << message;
  }
  write_file_atomic(dir / "train-images-idx3-ubyte", three_images());
  try {
    load_fashion_mnist(dir.path(), Split::Train);
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("train-labels-idx1-ubyte"), std::string::npos) << message;
    EXPECT_NE(message.find("apt-get install dataset-fashion-mnist"), std::string::npos) << message;
  }
}

TEST(FashionMnist, RejectsInconsistentFiles) {
  const auto expect_error = [](const std::string& images, const std::string& labels,
                               const std::string& text) {
    test::TempDir dir;
    write_split(dir.path(), "train", images, labels);
    try {
      load_fashion_mnist(dir.path(), Split::Train);
      ADD_FAILURE() << "no FormatError, expected one mentioning: " << text;
    } catch (const FormatError& e) {
      EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
    }
  };
  expect_error(three_images(), idx_ubyte({2}, std::string{1, 2}), "2 labels for 3 images");
  expect_error(idx_ubyte({1, 27, 27}, std::string(27 * 27, '\0')), idx_ubyte({1}, std::string{1}),
               "expected [N, 28, 28]");
  expect_error(idx_ubyte({28, 28}, std::string(28 * 28, '\0')), idx_ubyte({28}, std::string(28, 1)),
               "expected [N, 28, 28]");
  expect_error(three_images(), idx_ubyte({3}, std::string{1, 10, 2}), "label 10");
  expect_error(three_images(), idx_ubyte({3, 1}, std::string{1, 1, 2}), "labels must be a 1-d");
  expect_error(three_images(), idx_ubyte({3}, std::string{1, 1}), "truncated");
}

TEST(FashionMnist, ClassNames) {
  EXPECT_EQ(fashion_mnist_class_name(0), "T-shirt/top");
  EXPECT_EQ(fashion_mnist_class_name(1), "Trouser");
  EXPECT_EQ(fashion_mnist_class_name(5), "Sandal");
  EXPECT_EQ(fashion_mnist_class_name(9), "Ankle boot");
  EXPECT_EQ(fashion_mnist_class_name(10), "?");
  EXPECT_EQ(fashion_mnist_class_name(-1), "?");
}

TEST(FashionMnist, DefaultDirFollowsEnvironment) {
  const char* old = std::getenv("TDQ_DATA_DIR");
  const std::optional<std::string> saved = old ? std::optional<std::string>(old) : std::nullopt;
  ::setenv("TDQ_DATA_DIR", "/tmp/somewhere", 1);
  EXPECT_EQ(default_fashion_mnist_dir(), "/tmp/somewhere");
  ::unsetenv("TDQ_DATA_DIR");
  EXPECT_EQ(default_fashion_mnist_dir(), "/usr/share/datasets/fashion-mnist");
  if (saved) ::setenv("TDQ_DATA_DIR", saved->c_str(), 1);
}

TEST(FashionMnist, ReadsTheInstalledDataSet) {
  const std::filesystem::path dir = "/usr/share/datasets/fashion-mnist";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << dir << " not installed";
  const ImageDataset test = load_fashion_mnist(dir, Split::Test, 100);
  EXPECT_EQ(test.images.sizes(), (std::vector<std::int64_t>{100, 1, 32, 32}));
  EXPECT_EQ(test.labels.sizes(), (std::vector<std::int64_t>{100}));
  EXPECT_GE(test.images.min().item<float>(), -1.0f);
  EXPECT_LE(test.images.max().item<float>(), 1.0f);
  EXPECT_GE(test.labels.min().item<std::int64_t>(), 0);
  EXPECT_LE(test.labels.max().item<std::int64_t>(), 9);

  const auto file = [&](const std::string& stem) {
    return std::filesystem::exists(dir / stem) ? dir / stem : dir / (stem + ".gz");
  };
  EXPECT_EQ(read_idx(file("train-images-idx3-ubyte")).dims,
            (std::vector<std::int64_t>{60000, 28, 28}));
  EXPECT_EQ(read_idx(file("train-labels-idx1-ubyte")).dims, (std::vector<std::int64_t>{60000}));
  EXPECT_EQ(read_idx(file("t10k-images-idx3-ubyte")).dims,
            (std::vector<std::int64_t>{10000, 28, 28}));
  // The test split is balanced: 1000 of each class.
  const at::Tensor labels = load_fashion_mnist(dir, Split::Test).labels;
  ASSERT_EQ(labels.size(0), 10000);
  EXPECT_TRUE(at::equal(at::bincount(labels), at::full({10}, 1000, at::kLong)));
}

}  // namespace
}  // namespace tdq
