#include <ATen/ATen.h>

#include <chrono>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/cli/cli_support.h"
#include "core/common/errors.h"
#include "core/common/file_io.h"
#include "core/common/runtime.h"
#include "core/data/fashion_mnist.h"
#include "core/diffusion/trainer.h"
#include "core/model/model_io.h"
#include "core/run/run_folder.h"

namespace tdq::cli {

namespace {

struct TrainOptions {
  CommonOptions common;
  std::string data = default_fashion_mnist_dir().string();
  std::string out;
  std::string config;
  std::string checkpoint;
  std::int64_t limit = -1;
  TrainConfig train;
  std::string lr_schedule = "cosine";
};

nlohmann::json training_metadata(const TrainOptions& o, const UNetImpl& model,
                                 const TrainHistory& h, const std::string& data_sha256,
                                 std::int64_t images) {
  nlohmann::json json = run_envelope("train");
  json.update(
      {{"parameters", model.parameter_count()},
       {"train_config", to_json(o.train)},
       {"history", to_json(h)},
       {"final_loss", h.losses.empty() ? nlohmann::json() : nlohmann::json(h.losses.back())},
       {"weights", "EMA"},
       {"data", {{"dir", o.data}, {"split", "train"}, {"images", images}, {"sha256", data_sha256}}},
       {"threads", at::get_num_threads()},
       {"device", o.common.device}});
  return json;
}

void run_train(TrainOptions& o) {
  apply_common_options(o.common);
  const c10::Device device = parse_device(o.common.device);
  o.train.seed = o.common.seed;
  o.train.lr_schedule = parse_lr_schedule(o.lr_schedule);
  const UNetConfig config = o.config.empty() ? UNetConfig{} : read_unet_config(o.config);
  const ImageDataset data = load_fashion_mnist(o.data, Split::Train, o.limit);
  const at::Tensor images = data.images.contiguous();
  const std::string data_sha256 = sha256_hex(std::string_view(
      static_cast<const char*>(images.data_ptr()), static_cast<std::size_t>(images.nbytes())));

  UNet model(config), ema(config);
  model->to(device);
  ema->to(device);
  const std::filesystem::path out = o.out;
  const std::filesystem::path checkpoint =
      o.checkpoint.empty() ? out / "checkpoint.safetensors" : std::filesystem::path(o.checkpoint);
  auto export_model = [&](const TrainHistory& history) {
    save_model(out, *ema, {{"tdq_weights", "ema"}, {"tdq_step", std::to_string(history.step)}});
    write_file_atomic(
        out / "training.json",
        training_metadata(o, *model, history, data_sha256, images.size(0)).dump(2) + "\n");
  };
  std::cerr << "training " << model->parameter_count() << " parameters on " << images.size(0)
            << " images, " << at::get_num_threads() << " threads, checkpoint "
            << checkpoint.string() << "\n";
  const TrainResult result =
      train_diffusion(*model, *ema, images, linear_schedule(), o.train, checkpoint,
                      make_progress_bar("train", o.common), export_model);
  export_model(result.history);
  const TrainHistory& h = result.history;
  std::ostringstream human;
  human << "trained " << h.step << " steps (" << h.samples_seen << " samples) in " << h.seconds
        << " s; final loss " << (h.losses.empty() ? 0.0 : h.losses.back()) << "; model written to "
        << out.string() << "\n";
  print_result(
      o.common,
      {{"out", out.string()},
       {"checkpoint", checkpoint.string()},
       {"steps", h.step},
       {"seconds", h.seconds},
       {"final_loss", h.losses.empty() ? nlohmann::json() : nlohmann::json(h.losses.back())},
       {"resumed", result.resumed},
       {"parameters", model->parameter_count()}},
      human.str());
}

}  // namespace

void add_train_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<TrainOptions>();
  CLI::App* c = app.add_subcommand(
      "train", "Train a noise-prediction U-Net on Fashion-MNIST (resumes from its checkpoint)");
  c->add_option("--data", o->data, "Fashion-MNIST folder (IDX files)")->capture_default_str();
  c->add_option("--out", o->out, "Model folder to write (config.json, safetensors, training.json)")
      ->required();
  c->add_option("--config", o->config,
                "UNet2DModel config.json (default: the built-in small model)");
  c->add_option("--checkpoint", o->checkpoint,
                "Checkpoint file (default: OUT/checkpoint.safetensors)");
  c->add_option("--limit", o->limit, "Use only the first N training images")
      ->check(CLI::PositiveNumber);
  c->add_option("--steps", o->train.steps, "Optimizer steps")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  c->add_option("--batch", o->train.batch_size, "Batch size")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  c->add_option("--lr", o->train.lr, "Peak learning rate")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  c->add_option("--weight-decay", o->train.weight_decay, "AdamW weight decay")
      ->check(CLI::NonNegativeNumber);
  c->add_option("--warmup", o->train.warmup_steps, "Linear warm-up steps")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  c->add_option("--lr-schedule", o->lr_schedule, "cosine or constant")
      ->check(CLI::IsMember({"cosine", "constant"}))
      ->capture_default_str();
  c->add_option("--ema", o->train.ema_decay, "EMA decay")
      ->check(CLI::Range(0.0, 0.999999))
      ->capture_default_str();
  c->add_option("--grad-clip", o->train.grad_clip, "Gradient norm clip (0: off)")
      ->check(CLI::NonNegativeNumber);
  c->add_option("--log-every", o->train.log_every, "Steps per loss-curve point")
      ->check(CLI::PositiveNumber);
  c->add_option("--checkpoint-every", o->train.checkpoint_every, "Steps between checkpoints")
      ->check(CLI::PositiveNumber);
  add_common_options(*c, o->common);
  c->callback([o, &action] { action = [o] { run_train(*o); }; });
}

}  // namespace tdq::cli
