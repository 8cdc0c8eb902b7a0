#include <filesystem>
#include <regex>
#include <sstream>

#include <ATen/Parallel.h>
#include <nlohmann/json.hpp>

#include "app/cli/cli_support.h"
#include "core/common/errors.h"
#include "core/common/runtime.h"
#include "core/data/fashion_mnist.h"
#include "core/quant/qat_trainer.h"
#include "core/quant/quant_run.h"

namespace tdq::cli {

namespace {

struct QuantizeOptions {
  CommonOptions common;
  std::string model = default_model_dir().string();
  std::string out;
  std::string method = "minmax";
  std::string grid = "code-default";
  std::string sampler = "ddim";
  int w_bits = 8, a_bits = 8;
  std::int64_t calib = 0;  // 0: the method's default (64 images; 256 PTQ4DM trajectories)
  std::int64_t calib_t = 20;
  std::string calib_set;  // empty: the method's default
  std::int64_t calib_steps = 100;
  std::int64_t iters = 100;
  std::int64_t recon_batch = 32;
  double qdrop = 0.5;
  int tdq_depth = 4;
  // QAT
  std::int64_t qat_steps = 0;
  double lr = 2e-4;
  std::int64_t batch = 64;
  std::int64_t warmup = -1;  // -1: 5% of the steps
  double ema = 0.999;
  std::int64_t checkpoint_every = 200;
  double max_seconds = 0;
  std::string data = default_fashion_mnist_dir().string();
  std::int64_t limit = -1;
  int table_groups = 0;
  bool per_channel = false;
  std::vector<std::string> skip;
  std::vector<std::string> overrides;
};

// "PATTERN=skip", "PATTERN=w4a8", "PATTERN=w4" or "PATTERN=a6".
LayerOverride parse_override(const std::string& text) {
  static const std::regex form(R"(^(.+)=(skip|w([2-8])(a([2-8]))?|a([2-8]))$)");
  std::smatch m;
  if (!std::regex_match(text, m, form)) {
    throw CLI::ValidationError("--override " + text +
                               ": expected PATTERN=skip|wNaM|wN|aM with bits 2..8");
  }
  LayerOverride o;
  o.pattern = m[1];
  if (m[2] == "skip") o.skip = true;
  if (m[3].matched) o.w_bits = std::stoi(m[3]);
  if (m[5].matched) o.a_bits = std::stoi(m[5]);
  if (m[6].matched) o.a_bits = std::stoi(m[6]);
  return o;
}

std::filesystem::path checkpoint_of(const std::string& out) {
  std::filesystem::path run(out);
  if (!run.has_filename()) run = run.parent_path();
  return run.parent_path() / (run.filename().string() + ".checkpoint.safetensors");
}

// Quantization-aware training; resumes from <out>.checkpoint.safetensors when one exists.
PtqResult train_run(const QuantizeOptions& o, UNetImpl& model, QuantizedModel& twin,
                    const SamplerConfig& sampler) {
  if (o.qat_steps < 1)
    throw CLI::ValidationError("--method " + o.method + " trains: give --qat-steps N");
  QatOptions qat;
  qat.train.steps = o.qat_steps;
  qat.train.batch_size = o.batch;
  qat.train.lr = o.lr;
  qat.train.weight_decay = 0.01;
  qat.train.warmup_steps = o.warmup >= 0 ? o.warmup : o.qat_steps / 20;
  qat.train.lr_schedule = LrSchedule::Constant;
  qat.train.ema_decay = o.ema;
  qat.train.seed = o.common.seed;
  qat.train.log_every = std::max<std::int64_t>(1, std::min<std::int64_t>(50, o.qat_steps / 10));
  qat.train.checkpoint_every = o.checkpoint_every;
  qat.max_seconds = o.max_seconds;
  qat.bake_timesteps = sampling_timesteps(sampler, linear_schedule().num_timesteps);
  const ImageDataset data = load_fashion_mnist(o.data, Split::Train, o.limit);
  const auto checkpoint = checkpoint_of(o.out);
  const QatResult trained =
      train_quantized(model, twin, data.images.contiguous(), linear_schedule(), qat, checkpoint,
                      make_progress_bar("qat", o.common));
  PtqResult result;
  result.calibration = {
      {"set", "qat"},
      {"data", {{"dir", o.data}, {"split", "train"}, {"images", data.images.size(0)}}},
      {"train_config", to_json(qat.train)},
      {"init", {{"rule", "statistics"}, {"passes", qat.init_passes}}},
      {"baked_timesteps", qat.bake_timesteps}};
  result.metrics = {{"calibration_seconds", trained.history.seconds},
                    {"qat_steps", trained.history.step},
                    {"qat_seconds", trained.history.seconds},
                    {"history", to_json(trained.history)},
                    {"final_loss", trained.history.losses.empty()
                                       ? nlohmann::json()
                                       : nlohmann::json(trained.history.losses.back())}};
  return result;
}

void run_quantize(const QuantizeOptions& o) {
  apply_common_options(o.common);
  const c10::Device device = parse_device(o.common.device);
  LoadedModel loaded = load_model(o.model);
  loaded.model->to(device);
  QuantConfig config;
  config.method = parse_quant_method(o.method);
  config.w_bits = o.w_bits;
  config.a_bits = o.a_bits;
  config.grid = o.grid == "asymmetric" ? GridChoice::Asymmetric : GridChoice::CodeDefault;
  config.weight_per_channel = o.per_channel;
  config.table_groups = o.table_groups;
  if (!o.skip.empty()) config.skip = o.skip;
  for (const auto& text : o.overrides) config.overrides.push_back(parse_override(text));

  config.tdq_depth = o.tdq_depth;

  QuantizedModel twin(*loaded.model, config);
  PtqOptions ptq;
  SamplerConfig sampler;
  sampler.kind = parse_sampler_kind(o.sampler);
  sampler.steps = o.calib_steps;
  ptq.sampling.samples = o.calib > 0 ? o.calib : 64;
  ptq.sampling.batch_size = std::min<std::int64_t>(ptq.sampling.samples, 64);
  ptq.sampling.seed = o.common.seed;
  ptq.sampling.sampler = sampler;
  if (!o.calib_set.empty()) ptq.set.kind = parse_calibration_set_kind(o.calib_set);
  ptq.set.trajectories = o.calib > 0 ? o.calib : 256;
  ptq.set.timesteps_per_trajectory = o.calib_t;
  ptq.set.seed = o.common.seed;
  ptq.set.sampler = sampler;
  ptq.reconstruction.iterations = o.iters;
  ptq.reconstruction.batch_size = o.recon_batch;
  ptq.reconstruction.qdrop = o.qdrop;
  ptq.reconstruction.seed = o.common.seed + 2;
  const bool qat = is_qat_method(config.method) || o.qat_steps > 0;
  PtqResult result = qat ? train_run(o, *loaded.model, twin, sampler)
                         : quantize_post_training(*loaded.model, twin, linear_schedule(), ptq,
                                                  make_progress_bar("calibrate", o.common));
  // Times are only comparable on the same device and thread count.
  result.metrics["device"] = device.str();
  result.metrics["threads"] = at::get_num_threads();
  const double seconds = result.metrics.value("calibration_seconds", 0.0);
  const auto run = write_quantize_run(loaded, twin, result.calibration, result.metrics, o.out);
  if (qat) std::filesystem::remove(checkpoint_of(o.out));  // the run folder now holds the result
  int quantized = 0;
  for (const auto& slot : twin.slots()) quantized += slot.quantized ? 1 : 0;
  std::ostringstream human;
  human << o.method << " W" << o.w_bits << "A" << o.a_bits << ": " << quantized << " of "
        << twin.slots().size() << " layers quantized, calibrated in " << seconds
        << " s; run written to " << run.string() << "\n";
  print_result(o.common,
               {{"out", run.string()},
                {"method", o.method},
                {"w_bits", o.w_bits},
                {"a_bits", o.a_bits},
                {"quantized_layers", quantized},
                {"calibration_seconds", seconds}},
               human.str());
}

}  // namespace

void add_quantize_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<QuantizeOptions>();
  CLI::App* c =
      app.add_subcommand("quantize", "Quantize a model (post-training) and write a run folder");
  c->add_option("--model", o->model, "Model folder")->capture_default_str();
  c->add_option("--out", o->out, "Run folder to create")->required();
  c->add_option(
       "--method", o->method,
       "minmax, ptq4dm, table (per-step intervals), dynamic or tdq-ptq (post-training); lsq, pact, "
       "nipq, tdq (QAT)")
      ->check(CLI::IsMember(quant_method_names()))
      ->capture_default_str();
  c->add_option("--wbits", o->w_bits, "Weight bits")
      ->check(CLI::Range(2, 8))
      ->capture_default_str();
  c->add_option("--abits", o->a_bits, "Activation bits")
      ->check(CLI::Range(2, 8))
      ->capture_default_str();
  c->add_option("--grid", o->grid, "code-default (symmetric, unsigned after SiLU) or asymmetric")
      ->check(CLI::IsMember({"code-default", "asymmetric"}))
      ->capture_default_str();
  c->add_flag("--per-channel", o->per_channel, "Per-output-channel weight steps");
  c->add_option(
       "--calib", o->calib,
       "Calibration trajectories sampled by the FP model (default 64 for minmax/table, 256 for "
       "ptq4dm/tdq-ptq)")
      ->check(CLI::Range(1, 100000));
  c->add_option("--calib-t", o->calib_t, "ptq4dm/tdq-ptq: time steps kept per trajectory")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  c->add_option("--calib-set", o->calib_set,
                "ptq4dm/tdq-ptq calibration steps: ptq4dm (t ~ N(0.4T, 0.4T)) or uniform")
      ->check(CLI::IsMember({"ptq4dm", "uniform"}));
  c->add_option("--iters", o->iters, "ptq4dm/tdq-ptq: reconstruction iterations per block")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  c->add_option("--recon-batch", o->recon_batch, "ptq4dm/tdq-ptq: reconstruction batch size")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  c->add_option("--qdrop", o->qdrop,
                "ptq4dm/tdq-ptq: QDrop probability of keeping an FP activation")
      ->check(CLI::Range(0.0, 0.99))
      ->capture_default_str();
  c->add_option("--qat-steps", o->qat_steps, "QAT (lsq, pact, nipq, tdq; dynamic, table): training steps")
      ->check(CLI::Range(0, 100000000));
  c->add_option("--lr", o->lr, "QAT learning rate (steps use lr/10)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  c->add_option("--batch", o->batch, "QAT batch size")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  c->add_option("--warmup", o->warmup, "QAT linear warm-up steps (default 5% of --qat-steps)")
      ->check(CLI::NonNegativeNumber);
  c->add_option("--ema", o->ema, "QAT EMA decay")
      ->check(CLI::Range(0.0, 0.99999))
      ->capture_default_str();
  c->add_option("--checkpoint-every", o->checkpoint_every, "QAT checkpoint interval (steps)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  c->add_option("--max-seconds", o->max_seconds,
                "QAT: stop after this much training time (0: run all --qat-steps)")
      ->check(CLI::NonNegativeNumber);
  c->add_option("--data", o->data, "QAT: Fashion-MNIST folder")->capture_default_str();
  c->add_option("--limit", o->limit, "QAT: use only the first N training images")
      ->check(CLI::PositiveNumber);
  c->add_option("--tdq-depth", o->tdq_depth, "TDQ MLP depth (Linear layers)")
      ->check(CLI::Range(1, 6))
      ->capture_default_str();
  c->add_option("--calib-steps", o->calib_steps,
                "Sampler steps of the calibration (and table) schedule")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  c->add_option("--sampler", o->sampler, "Calibration sampler: ddim or ddpm")
      ->check(CLI::IsMember({"ddim", "ddpm"}))
      ->capture_default_str();
  c->add_option("--table-groups", o->table_groups,
                "Table: groups of steps sharing an interval (0: per step)")
      ->check(CLI::NonNegativeNumber);
  c->add_option("--skip", o->skip, "Glob of layers to keep FP (replaces the default skip list)");
  c->add_option("--override", o->overrides,
                "Per-layer bits: PATTERN=w4a8, PATTERN=a6, PATTERN=skip")
      ->each([](const std::string& text) { parse_override(text); });
  add_common_options(*c, o->common);
  c->callback([o, &action] { action = [o] { run_quantize(*o); }; });
}

}  // namespace tdq::cli
