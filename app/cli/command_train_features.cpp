// `tdq train-features`: trains the feature network of the embedded FID benchmark.
#include <ATen/ATen.h>

#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/cli/cli_support.h"
#include "core/common/file_io.h"
#include "core/common/runtime.h"
#include "core/data/fashion_mnist.h"
#include "core/eval/feature_net.h"
#include "core/eval/train_classifier.h"
#include "core/run/run_folder.h"

namespace tdq::cli {

namespace {

struct TrainFeaturesOptions {
  CommonOptions common;
  std::string data = default_fashion_mnist_dir().string();
  std::string out;
  std::int64_t limit = -1;
  std::int64_t test_limit = -1;
  bool no_augment = false;
  FeatureNetConfig net;
  ClassifierTrainConfig train;
};

void run_train_features(TrainFeaturesOptions& o) {
  apply_common_options(o.common);
  o.train.seed = o.common.seed;
  o.train.augment = !o.no_augment;
  const ImageDataset train = load_fashion_mnist(o.data, Split::Train, o.limit);
  const ImageDataset test = load_fashion_mnist(o.data, Split::Test, o.test_limit);
  torch::manual_seed(o.common.seed);
  FeatureNet net(o.net);
  std::cerr << "training the feature network (" << net->parameter_count() << " parameters) on "
            << train.images.size(0) << " images, " << at::get_num_threads() << " threads\n";
  const ClassifierHistory history = train_classifier(
      *net, train, test, o.train, make_progress_bar("train-features", o.common),
      [](const ClassifierHistory& h) {
        std::cerr << "epoch " << h.epochs << ": train loss " << h.train_loss.back();
        if (!h.test_accuracy.empty()) std::cerr << ", test accuracy " << h.test_accuracy.back();
        std::cerr << " (" << h.seconds << " s)\n";
      });
  const double accuracy = history.test_accuracy.empty() ? 0.0 : history.test_accuracy.back();
  const std::filesystem::path out = o.out;
  save_feature_net(out, *net,
                   {{"tdq_kind", "feature-net"}, {"test_accuracy", std::to_string(accuracy)}});
  nlohmann::json result = run_envelope("train-features");
  result.update({{"out", out.string()},
                 {"parameters", net->parameter_count()},
                 {"feature_dim", o.net.feature_dim},
                 {"test_accuracy", accuracy},
                 {"test_images", test.images.size(0)},
                 {"train_images", train.images.size(0)},
                 {"epochs", history.epochs},
                 {"seconds", history.seconds},
                 {"train_config", to_json(o.train)},
                 {"history", to_json(history)},
                 {"data", o.data},
                 {"threads", at::get_num_threads()},
                 {"weights_sha256", sha256_file(out / kFeatureNetWeightsFile)}});
  write_file_atomic(out / "training.json", result.dump(2) + "\n");
  std::ostringstream human;
  human << "trained " << history.epochs << " epochs in " << history.seconds << " s; test accuracy "
        << accuracy << " on " << test.images.size(0) << " images; written to " << out.string()
        << "\n";
  print_result(o.common, result, human.str());
}

}  // namespace

void add_train_features_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<TrainFeaturesOptions>();
  CLI::App* c = app.add_subcommand("train-features",
                                   "Train the Fashion-MNIST feature network used by `tdq fid`");
  c->add_option("--out", o->out, "Output folder (config.json, model.safetensors, training.json)")
      ->required();
  c->add_option("--data", o->data, "Fashion-MNIST folder")->capture_default_str();
  c->add_option("--epochs", o->train.epochs, "Epochs")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  c->add_option("--batch", o->train.batch_size, "Batch size")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  c->add_option("--lr", o->train.lr, "Peak learning rate (AdamW, cosine)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  c->add_option("--weight-decay", o->train.weight_decay, "AdamW weight decay")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  c->add_option("--width", o->net.base_channels, "Channels of the first stage")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  c->add_option("--feature-dim", o->net.feature_dim, "Width of the feature layer")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  c->add_option("--limit", o->limit, "Use the first N training images");
  c->add_option("--test-limit", o->test_limit, "Use the first N test images");
  c->add_flag("--no-augment", o->no_augment, "No random flips and shifts");
  add_common_options(*c, o->common);
  c->callback([o, &action] { action = [o] { run_train_features(*o); }; });
}

}  // namespace tdq::cli
