// The shipped feature network on real Fashion-MNIST test images: what FID and IS should say about
// real data. Skipped when the network or the data set is not there.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "core/data/fashion_mnist.h"
#include "core/eval/feature_extractor.h"
#include "core/eval/frechet.h"
#include "core/eval/inception_score.h"

namespace tdq {
namespace {

class ShippedFeatureNet : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto net_dir = default_feature_net_dir();
    const auto data_dir = default_fashion_mnist_dir();
    if (!std::filesystem::exists(net_dir / kFeatureNetWeightsFile) ||
        !(std::filesystem::exists(data_dir / "t10k-images-idx3-ubyte.gz") ||
          std::filesystem::exists(data_dir / "t10k-images-idx3-ubyte"))) {
      return;
    }
    extractor_ = make_feature_net_extractor(net_dir, c10::kCPU).release();
    data_ = new ImageDataset(load_fashion_mnist(data_dir, Split::Test, 3000));
    batch_ = new FeatureBatch(extractor_->extract(data_->images));
  }
  static void TearDownTestSuite() {
    delete extractor_;
    delete data_;
    delete batch_;
  }
  void SetUp() override {
    if (!extractor_) GTEST_SKIP() << "no shipped feature network or no Fashion-MNIST";
  }
  // `count` rows whose label is in [low, high], drawn with `seed`.
  static at::Tensor subset(std::int64_t low, std::int64_t high, std::int64_t count,
                           std::uint64_t seed) {
    const at::Tensor in =
        (data_->labels >= low).logical_and(data_->labels <= high).nonzero().flatten();
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    const at::Tensor pick =
        in.index_select(0, at::randperm(in.size(0), gen, at::kLong).slice(0, 0, count));
    return batch_->features.index_select(0, pick);
  }
  static FeatureExtractor* extractor_;
  static ImageDataset* data_;
  static FeatureBatch* batch_;
};
FeatureExtractor* ShippedFeatureNet::extractor_ = nullptr;
ImageDataset* ShippedFeatureNet::data_ = nullptr;
FeatureBatch* ShippedFeatureNet::batch_ = nullptr;

TEST_F(ShippedFeatureNet, DisjointClassSubsetsAreFarAndStableAcrossSeeds) {
  std::vector<double> disjoint, same;
  for (std::uint64_t seed : {0, 1, 2}) {
    disjoint.push_back(frechet_distance(gaussian_stats(subset(0, 4, 400, seed)),
                                        gaussian_stats(subset(5, 9, 400, seed + 10)))
                           .distance);
    same.push_back(frechet_distance(gaussian_stats(subset(0, 9, 400, seed)),
                                    gaussian_stats(subset(0, 9, 400, seed + 10)))
                       .distance);
  }
  const double mean = (disjoint[0] + disjoint[1] + disjoint[2]) / 3;
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_GT(disjoint[i], 0.0);
    EXPECT_NEAR(disjoint[i], mean, 0.15 * mean) << "seed " << i;
    EXPECT_LT(same[i], 0.25 * disjoint[i]) << "seed " << i;
  }
}

TEST_F(ShippedFeatureNet, RealImagesScoreHighNoiseLow) {
  const InceptionScore real = inception_score(batch_->probabilities.slice(0, 0, 1000), 10);
  auto gen = at::make_generator<at::CPUGeneratorImpl>(0);
  const at::Tensor noise = at::rand({1000, 1, 32, 32}, gen, at::kFloat) * 2 - 1;
  const InceptionScore fake = inception_score(extractor_->extract(noise).probabilities, 10);
  EXPECT_GT(real.mean, 5.0);
  EXPECT_LT(fake.mean, 2.5);
  EXPECT_LT(fake.mean, real.mean / 2);
}

}  // namespace
}  // namespace tdq
