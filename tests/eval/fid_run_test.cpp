#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/common/errors.h"
#include "core/data/fashion_mnist.h"
#include "core/eval/fid_reference.h"
#include "core/eval/fid_run.h"
#include "core/eval/fid_run_folder.h"
#include "core/model/model_io.h"
#include "core/quant/quant_run.h"
#include "core/run/run_folder.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tiny_models.h"

namespace tdq {
namespace {

// A random feature network for the tiny U-Net's 8x8 images.
std::unique_ptr<FeatureExtractor> tiny_extractor(const test::TempDir& dir,
                                                 std::int64_t image_size = 8) {
  FeatureNetConfig config;
  config.base_channels = 4;
  config.feature_dim = 12;
  config.image_size = image_size;
  torch::manual_seed(7);
  FeatureNet net(config);
  save_feature_net(dir / "fnet", *net);
  return make_feature_net_extractor(dir / "fnet", c10::kCPU);
}

TEST(FidRun, BatchesAreTheSamplesOfGenerateSamples) {
  torch::manual_seed(0);
  UNet model(test::tiny_unet_config());
  GenerateOptions options;
  options.count = 6;
  options.batch_size = 4;
  options.seed = 3;
  options.sampler.kind = SamplerKind::DDPM;
  options.sampler.steps = 2;
  const at::Tensor all = generate_samples(*model, linear_schedule(), options, c10::kCPU);
  std::vector<at::Tensor> parts;
  std::vector<std::int64_t> starts;
  for_each_sample_batch(*model, linear_schedule(), options, c10::kCPU,
                        [&](const at::Tensor& images, std::int64_t first) {
                          parts.push_back(images);
                          starts.push_back(first);
                        });
  EXPECT_EQ(starts, (std::vector<std::int64_t>{0, 4}));
  EXPECT_TRUE(at::equal(at::cat(parts, 0), all));
}

TEST(FidRun, TinyModelEndToEndWritesARunFolder) {
  test::TempDir dir;
  torch::manual_seed(0);
  UNet model(test::tiny_unet_config());
  auto extractor = tiny_extractor(dir);
  GaussianAccumulator reference;
  reference.add(extractor->extract(at::rand({64, 1, 8, 8}) * 2 - 1).features);
  FidRunOptions options;
  options.count = 8;
  options.batch_size = 4;
  options.steps = {2, 1};
  options.seeds = {0, 1};
  options.is_splits = 2;
  std::int64_t last_done = 0, last_total = 0;
  const FidResult result = run_fid(*model, linear_schedule(), *extractor, reference.stats(),
                                   options, c10::kCPU, [&](const ProgressInfo& info) {
                                     last_done = info.done;
                                     last_total = info.total;
                                     return true;
                                   });
  ASSERT_EQ(result.points.size(), 4u);
  ASSERT_EQ(result.summaries.size(), 2u);
  EXPECT_EQ(last_done, last_total);
  EXPECT_EQ(last_total, (2 + 1) * 2 * 2);  // (steps) x batches x seeds
  for (const auto& p : result.points) {
    EXPECT_TRUE(std::isfinite(p.frechet.distance));
    EXPECT_GT(p.frechet.distance, 0.0);
    EXPECT_TRUE(p.has_is);
    EXPECT_GE(p.is.mean, 1.0 - 1e-9);
  }
  EXPECT_EQ(result.points[0].steps, 2);
  EXPECT_EQ(result.points[1].seed, 1u);
  EXPECT_NE(result.points[0].frechet.distance, result.points[1].frechet.distance);
  EXPECT_GT(result.summaries[0].fid_std, 0.0);

  FidRunInfo info;
  info.model_dir = dir / "model";
  info.model_sha256 = "abc";
  ReferenceStats ref;
  ref.stats = reference.stats();
  ref.source = "random";
  const auto json = fid_run_json(info, options, *extractor, ref, result);
  const auto run = write_fid_run(dir / "runs" / "fid-1", json, result);
  const nlohmann::json back = read_run_json(run);
  EXPECT_EQ(back.at("kind"), "fid");
  EXPECT_EQ(back.at("steps"), (std::vector<std::int64_t>{2, 1}));
  EXPECT_EQ(back.at("features").at("sha256"), extractor->sha256());
  EXPECT_EQ(back.at("metrics").at("points").size(), 4u);
  EXPECT_DOUBLE_EQ(back.at("metrics").at("fid").get<double>(), result.summaries[0].fid_mean);
  EXPECT_TRUE(back.at("metrics").contains("eigenvalues_clamped"));
  std::ifstream csv(run / "tables" / "fid.csv");
  std::string line;
  int lines = 0;
  while (std::getline(csv, line)) ++lines;
  EXPECT_EQ(lines, 5);
  EXPECT_THROW(write_fid_run(dir / "runs" / "fid-1", json, result), IoError);  // never overwritten
}

// The seeded tiny U-Net, a random feature network and reference, and a MinMax twin.
class FidRunOfTwin : public ::testing::Test {
 protected:
  FidRunOfTwin() {
    torch::manual_seed(0);
    model = UNet(test::tiny_unet_config());
    extractor = tiny_extractor(dir);
    reference = gaussian_stats(at::randn({32, 12}).abs());
  }
  std::unique_ptr<QuantizedModel> calibrated_twin(int bits) {
    QuantConfig config;
    config.w_bits = config.a_bits = bits;
    auto twin = std::make_unique<QuantizedModel>(*model, config);
    CalibrationOptions calibration;
    calibration.samples = 4;
    calibration.batch_size = 4;
    calibration.sampler.steps = 2;
    calibrate(*model, *twin, linear_schedule(), calibration);
    return twin;
  }
  test::TempDir dir;
  UNet model{nullptr};
  std::unique_ptr<FeatureExtractor> extractor;
  GaussianStats reference;
};

TEST_F(FidRunOfTwin, QuantizedTwinAndCancel) {
  const auto twin = calibrated_twin(4);
  FidRunOptions options;
  options.count = 4;
  options.batch_size = 4;
  options.steps = {2};
  options.is_splits = 2;
  const FidResult fp =
      run_fid(*model, linear_schedule(), *extractor, reference, options, c10::kCPU);
  const FidResult quant =
      run_fid(*model, linear_schedule(), *extractor, reference, options, c10::kCPU, {}, twin.get());
  EXPECT_NE(fp.points[0].frechet.distance, quant.points[0].frechet.distance);
  EXPECT_THROW(run_fid(*model, linear_schedule(), *extractor, reference, options, c10::kCPU,
                       [](const ProgressInfo&) { return false; }),
               CancelledError);
  options.steps.clear();
  EXPECT_THROW(run_fid(*model, linear_schedule(), *extractor, reference, options, c10::kCPU),
               ConfigError);
}

// FID against the FP samples of the same noise: ~0 for the FP model itself, > 0 for a quantized
// twin; an FP run made from other noise (another n), for another model or a quantized run is
// refused naming the field.
TEST_F(FidRunOfTwin, VersusFpSamplesOfTheSameNoise) {
  FidRunOptions options;
  options.count = 16;
  options.batch_size = 8;
  options.steps = {3, 2};
  options.seeds = {0, 1};
  options.is_splits = 2;
  const FidResult fp =
      run_fid(*model, linear_schedule(), *extractor, reference, options, c10::kCPU);
  FidRunInfo info;
  info.model_sha256 = "abc";
  ReferenceStats ref;
  ref.stats = reference;
  ref.source = "random";
  const auto fp_run =
      write_fid_run(dir / "fp", fid_run_json(info, options, *extractor, ref, fp), fp);
  const FidPointStats points = read_fp_point_stats(fp_run, options, "abc", extractor->sha256());
  ASSERT_EQ(points.size(), 4u);

  const FidResult again = run_fid(*model, linear_schedule(), *extractor, reference, options,
                                  c10::kCPU, {}, nullptr, &points);
  for (const auto& p : again.points) {
    ASSERT_TRUE(p.has_vs_fp);
    EXPECT_NEAR(p.vs_fp.distance, 0.0, 1e-6 * p.frechet.distance) << p.steps << " " << p.seed;
  }
  const auto twin = calibrated_twin(3);
  const FidResult quant = run_fid(*model, linear_schedule(), *extractor, reference, options,
                                  c10::kCPU, {}, twin.get(), &points);
  for (std::size_t i = 0; i < quant.points.size(); ++i) {
    // The random feature network's distances are small; round-off of FP against itself is far
    // smaller still.
    EXPECT_GT(quant.points[i].vs_fp.distance,
              100 * std::max(std::abs(again.points[i].vs_fp.distance), 1e-12))
        << again.points[i].vs_fp.distance;
  }
  ASSERT_TRUE(quant.summaries[0].has_vs_fp);
  EXPECT_GT(quant.summaries[0].vs_fp_mean, 0.0);
  info.quant_run = "quant";
  info.vs_fp_run = fp_run.string();
  const nlohmann::json json = fid_run_json(info, options, *extractor, ref, quant);
  EXPECT_EQ(json.at("vs_fp"), fp_run.string());
  EXPECT_TRUE(json.at("metrics").at("summaries").at(0).contains("fid_vs_fp_mean"));
  EXPECT_TRUE(json.at("metrics").at("points").at(0).contains("fid_vs_fp"));
  const auto quant_run = write_fid_run(dir / "quant", json, quant);

  auto refused = [&](const std::filesystem::path& run, const FidRunOptions& o,
                     const std::string& sha) {
    try {
      read_fp_point_stats(run, o, sha, extractor->sha256());
    } catch (const ConfigError& e) {
      return e.field() == "fid.vs_fp";
    }
    return false;
  };
  FidRunOptions other_noise = options;
  other_noise.count = 8;
  EXPECT_TRUE(refused(fp_run, other_noise, "abc"));
  EXPECT_TRUE(refused(fp_run, options, "another model"));
  EXPECT_TRUE(refused(quant_run, options, "abc"));
  FidRunOptions more = options;
  more.steps = {5};  // a step count the FP run lacks
  EXPECT_THROW(run_fid(*model, linear_schedule(), *extractor, reference, more, c10::kCPU, {},
                       nullptr, &points),
               ConfigError);
}

TEST(FidRun, ReferenceStatisticsAreCachedAtomically) {
  const auto data = default_fashion_mnist_dir();
  if (!std::filesystem::exists(data / "t10k-images-idx3-ubyte.gz") &&
      !std::filesystem::exists(data / "t10k-images-idx3-ubyte")) {
    GTEST_SKIP() << "no Fashion-MNIST in " << data;
  }
  test::TempDir dir;
  auto extractor = tiny_extractor(dir, 32);
  const ReferenceStats first = fashion_mnist_reference(*extractor, data, dir / "cache", 100, 50);
  EXPECT_FALSE(first.from_cache);
  EXPECT_TRUE(std::filesystem::is_regular_file(first.cache_file)) << first.cache_file;
  EXPECT_NE(first.cache_file.filename().string().find(extractor->cache_key()), std::string::npos);
  EXPECT_EQ(first.stats.count, 100);
  const ReferenceStats second = fashion_mnist_reference(*extractor, data, dir / "cache", 100, 50);
  EXPECT_TRUE(second.from_cache);
  EXPECT_TRUE(at::equal(first.stats.cov, second.stats.cov));
  EXPECT_THROW(file_reference(first.cache_file, 99), ConfigError);
}

TEST(FidRun, RealImagesGiveTheFloorAndBadShapesFailBeforeSampling) {
  test::TempDir dir;
  auto extractor = tiny_extractor(dir);
  auto gen = at::make_generator<at::CPUGeneratorImpl>(2);
  const at::Tensor images = at::rand({40, 1, 8, 8}, gen, at::kFloat) * 2 - 1;
  GaussianAccumulator all;
  all.add(extractor->extract(images).features);
  FidRunOptions options;
  options.count = 40;
  options.batch_size = 16;
  options.seeds = {0, 1};
  options.is_splits = 2;
  const FidResult whole = run_fid_real(images, *extractor, all.stats(), options);
  ASSERT_EQ(whole.points.size(), 2u);
  EXPECT_NEAR(whole.points[0].frechet.distance, 0.0, 1e-6);  // all 40 images: the reference itself
  options.count = 41;
  EXPECT_THROW(run_fid_real(images, *extractor, all.stats(), options), ConfigError);

  // A feature network for 16x16 images cannot take the tiny model's 8x8 samples: the error comes
  // before any sampling.
  UNet model(test::tiny_unet_config());
  test::TempDir other;
  auto wrong = tiny_extractor(other, 16);
  options.count = 8;
  bool sampled = false;
  EXPECT_THROW(run_fid(*model, linear_schedule(), *wrong, gaussian_stats(at::randn({20, 12})),
                       options, c10::kCPU, [&](const ProgressInfo&) { return sampled = true; }),
               ConfigError);
  EXPECT_FALSE(sampled);
}

TEST(FidRun, ErrorsNameTheOptionsField) {
  test::TempDir dir;
  torch::manual_seed(0);
  UNet model(test::tiny_unet_config());
  auto extractor = tiny_extractor(dir);
  const GaussianStats reference = gaussian_stats(at::randn({32, 12}).abs());
  FidRunOptions options;
  options.count = 1;
  try {
    run_fid(*model, linear_schedule(), *extractor, reference, options, c10::kCPU);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.field(), "fid.count");
    EXPECT_EQ(std::string(e.what()), "fid.count = 1: must be at least 2 for a covariance");
  }
  options.count = 4;
  options.seeds.clear();
  try {
    run_fid_real(at::zeros({8, 1, 8, 8}), *extractor, reference, options);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.field(), "fid.seeds");
  }
}

}  // namespace
}  // namespace tdq
