// The TorchScript Inception path, with tiny TorchScript modules compiled and saved from C++
// (Python torch is not available here): the pipeline, the input mapping and the error paths.
#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/script.h>

#include <fstream>

#include "core/common/errors.h"
#include "core/eval/feature_extractor.h"
#include "tests/support/temp_dir.h"

namespace tdq {
namespace {

std::filesystem::path save_module(const test::TempDir& dir, const std::string& name,
                                  const std::string& forward) {
  torch::jit::Module module("__torch__." + name);
  module.define(forward);
  const auto file = dir / (name + ".pt");
  module.save(file.string());
  return file;
}

// Per-channel mean and max, repeated to 2048 values: a stand-in for pool3 features.
const char* kFakeInception = R"(
def forward(self, x):
    m = torch.mean(x, [2, 3])
    s = torch.amax(x, [2, 3])
    return torch.cat([m, s], 1).repeat(1, 342)[:, :2048]
)";

TEST(InceptionFeatures, TinyTorchScriptModuleGivesFeatures) {
  test::TempDir dir;
  const auto file = save_module(dir, "FakeInception", kFakeInception);
  auto extractor = make_inception_extractor(file, InceptionRange::Unit, c10::kCPU);
  EXPECT_EQ(extractor->dim(), 2048);
  EXPECT_EQ(extractor->sha256().size(), 64u);
  const at::Tensor images = at::full({3, 1, 32, 32}, 1.0);  // white in [-1, 1]
  const FeatureBatch batch = extractor->extract(images);
  EXPECT_EQ(batch.features.sizes(), (std::vector<std::int64_t>{3, 2048}));
  EXPECT_FALSE(batch.probabilities.defined());
  EXPECT_NEAR(batch.features[0][0].item<double>(), 1.0, 1e-5);  // white -> 1 in the [0, 1] range
  auto bytes = make_inception_extractor(file, InceptionRange::Byte, c10::kCPU);
  EXPECT_NEAR(bytes->extract(images).features[0][0].item<double>(), 255.0, 1e-3);
  EXPECT_NE(bytes->cache_key(), extractor->cache_key());
}

TEST(InceptionFeatures, TupleOutputAddsProbabilities) {
  test::TempDir dir;
  const auto file = save_module(dir, "WithLogits", R"(
def forward(self, x):
    f = torch.mean(x, [2, 3]).repeat(1, 683)[:, :2048]
    return (f, f[:, :10])
)");
  const FeatureBatch batch = make_inception_extractor(file, InceptionRange::Unit, c10::kCPU)
                                 ->extract(at::zeros({2, 1, 32, 32}));
  ASSERT_TRUE(batch.probabilities.defined());
  EXPECT_EQ(batch.probabilities.sizes(), (std::vector<std::int64_t>{2, 10}));
  EXPECT_NEAR(batch.probabilities.sum(1)[0].item<double>(), 1.0, 1e-5);
}

TEST(InceptionFeatures, InputIsResizedGreyToRgbInTheChosenRange) {
  const at::Tensor images = at::linspace(-1, 1, 64).view({1, 1, 8, 8});
  const at::Tensor unit = inception_input(images, InceptionRange::Unit);
  EXPECT_EQ(unit.sizes(), (std::vector<std::int64_t>{1, 3, 299, 299}));
  EXPECT_GE(unit.min().item<double>(), 0.0);
  EXPECT_LE(unit.max().item<double>(), 1.0);
  EXPECT_TRUE(at::equal(unit[0][0], unit[0][2]));
  const at::Tensor symmetric = inception_input(images, InceptionRange::Symmetric);
  EXPECT_TRUE(at::allclose(unit, (symmetric + 1) / 2, 1e-6, 1e-6));
  EXPECT_EQ(parse_inception_range("0,255"), InceptionRange::Byte);
  EXPECT_THROW(parse_inception_range("0..1"), ConfigError);
}

TEST(InceptionFeatures, ErrorsNameTheFileAndShape) {
  test::TempDir dir;
  const auto wrong = save_module(dir, "WrongWidth", R"(
def forward(self, x):
    return torch.mean(x, [2, 3])
)");
  auto extractor = make_inception_extractor(wrong, InceptionRange::Unit, c10::kCPU);
  try {
    extractor->extract(at::zeros({2, 1, 32, 32}));
    FAIL();
  } catch (const FormatError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("WrongWidth.pt"), std::string::npos) << what;
    EXPECT_NE(what.find("[2, 3]"), std::string::npos) << what;
    EXPECT_NE(what.find("2048"), std::string::npos) << what;
  }
  EXPECT_THROW(make_inception_extractor(dir / "absent.pt", InceptionRange::Unit, c10::kCPU),
               IoError);
  std::ofstream(dir / "garbage.pt") << "not a zip file";
  try {
    make_inception_extractor(dir / "garbage.pt", InceptionRange::Unit, c10::kCPU);
    FAIL();
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("garbage.pt"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tdq
