#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/common/errors.h"
#include "core/data/fashion_mnist.h"
#include "core/eval/feature_net.h"
#include "core/eval/train_classifier.h"
#include "core/model/safetensors.h"
#include "tests/support/temp_dir.h"

namespace tdq {
namespace {

FeatureNetConfig small_config() {
  FeatureNetConfig c;
  c.base_channels = 4;
  c.feature_dim = 16;
  c.image_size = 16;
  return c;
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

TEST(FeatureNetTest, ShapesAndSaveLoadRoundTrip) {
  test::TempDir dir;
  FeatureNet net(small_config());
  net->eval();
  const at::Tensor x = at::rand({3, 1, 16, 16}) * 2 - 1;
  EXPECT_EQ(net->features(x).sizes(), (std::vector<std::int64_t>{3, 16}));
  EXPECT_EQ(net->logits(x).sizes(), (std::vector<std::int64_t>{3, 10}));
  EXPECT_THROW(net->features(at::zeros({3, 1, 32, 32})), ConfigError);
  save_feature_net(dir / "fnet", *net);
  LoadedFeatureNet loaded = load_feature_net(dir / "fnet");
  EXPECT_EQ(loaded.weights_sha256.size(), 64u);
  EXPECT_FALSE(loaded.net->is_training());
  EXPECT_TRUE(at::allclose(loaded.net->logits(x), net->logits(x)));
}

TEST(FeatureNetTest, LoaderErrorsNameTheFileAndProblem) {
  test::TempDir dir;
  FeatureNet net(small_config());
  save_feature_net(dir / "fnet", *net);

  EXPECT_NE(message_of([&] { load_feature_net(dir / "missing"); }).find("missing"),
            std::string::npos);

  std::filesystem::copy(dir / "fnet", dir / "noweights");
  std::filesystem::remove(dir / "noweights" / kFeatureNetWeightsFile);
  EXPECT_THROW(load_feature_net(dir / "noweights"), IoError);

  std::filesystem::copy(dir / "fnet", dir / "badjson");
  std::ofstream(dir / "badjson" / kFeatureNetConfigFile) << "{ nope";
  try {
    load_feature_net(dir / "badjson");
    FAIL();
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("config.json"), std::string::npos) << e.what();
  }

  std::filesystem::copy(dir / "fnet", dir / "nokey");
  nlohmann::json config = to_json(small_config());
  config.erase("feature_dim");
  std::ofstream(dir / "nokey" / kFeatureNetConfigFile) << config.dump();
  EXPECT_NE(message_of([&] { load_feature_net(dir / "nokey"); }).find("feature_dim"),
            std::string::npos);

  // Weights of another width: the shape error names the file and the tensor.
  std::filesystem::copy(dir / "fnet", dir / "wrongshape");
  FeatureNetConfig wider = small_config();
  wider.feature_dim = 32;
  std::ofstream(dir / "wrongshape" / kFeatureNetConfigFile) << to_json(wider).dump();
  const std::string shape = message_of([&] { load_feature_net(dir / "wrongshape"); });
  EXPECT_NE(shape.find("model.safetensors"), std::string::npos) << shape;
  EXPECT_NE(shape.find("fc.weight"), std::string::npos) << shape;

  std::filesystem::copy(dir / "fnet", dir / "extra");
  auto state = feature_net_state(*net);
  state["stray"] = at::zeros({1});
  write_safetensors(dir / "extra" / kFeatureNetWeightsFile, state);
  EXPECT_NE(message_of([&] { load_feature_net(dir / "extra"); }).find("stray"), std::string::npos);
}

TEST(TrainClassifier, DeterministicForASeedAndLearns) {
  // Two classes told apart by brightness: learnable in one short epoch.
  ImageDataset data;
  data.labels = at::arange(128, at::kLong).remainder(2);
  data.images =
      (data.labels.to(at::kFloat).view({128, 1, 1, 1}) * 1.2 - 0.6).expand({128, 1, 16, 16}) +
      0.1 * at::randn({128, 1, 16, 16}, at::make_generator<at::CPUGeneratorImpl>(9), at::kFloat);
  data.images = data.images.contiguous();
  ClassifierTrainConfig config;
  config.epochs = 8;  // 32 steps: BatchNorm's running statistics (momentum 0.1) have to settle
  config.batch_size = 32;
  config.warmup_steps = 2;
  config.lr = 5e-3;
  auto train_once = [&] {
    torch::manual_seed(1);
    FeatureNet net(small_config());
    const ClassifierHistory h = train_classifier(*net, data, data, config);
    return std::make_pair(feature_net_state(*net), h);
  };
  const auto [first, history] = train_once();
  const auto [second, unused] = train_once();
  (void)unused;
  for (const auto& [name, tensor] : first) EXPECT_TRUE(at::equal(tensor, second.at(name))) << name;
  ASSERT_EQ(history.test_accuracy.size(), 8u) << to_json(history).dump();
  EXPECT_GT(history.test_accuracy.back(), 0.9);
  bool cancelled = false;
  try {
    FeatureNet net(small_config());
    train_classifier(*net, data, data, config,
                     [](const ProgressInfo& info) { return info.done < 2; });
  } catch (const CancelledError&) {
    cancelled = true;
  }
  EXPECT_TRUE(cancelled);
}

}  // namespace
}  // namespace tdq
