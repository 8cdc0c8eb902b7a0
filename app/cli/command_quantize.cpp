// `tdq quantize`: fills the one quantize recipe (core/jobs/quantize_job.h) from its flags.
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/cli/cli_support.h"
#include "core/common/errors.h"
#include "core/common/json_file.h"
#include "core/data/fashion_mnist.h"
#include "core/dist/dist_context.h"
#include "core/jobs/distributed_quantize_job.h"
#include "core/model/model_io.h"
#include "core/run/run_folder.h"

namespace tdq::cli {

namespace {

// Numeric flags write straight into the job, so its defaults (written once, in QuantizeJob) are
// the flags' defaults; names of methods, grids and samplers are parsed when the command runs.
struct QuantizeOptions {
  CommonOptions common;
  QuantizeJob job;
  std::string model = default_model_dir().string();
  std::string out;
  std::string method = to_string(QuantizeJob{}.quant.method);
  std::string grid = "code-default";
  std::string sampler = to_string(QuantizeJob{}.sampler);
  std::string calib_set = to_string(QuantizeJob{}.calib_set);
  std::string data = default_fashion_mnist_dir().string();
  std::string tdq_init = "per-step";
  std::vector<std::string> skip;
  std::vector<std::string> overrides;
  std::string config;  // a whole quant config (JSON), e.g. the one `tdq search-bits` writes
};

// "PATTERN=skip", "PATTERN=w4a8", "PATTERN=w4", "PATTERN=a6"; "fp" in place of a bit width keeps
// that tensor FP ("PATTERN=wfpa4", "PATTERN=afp").
LayerOverride parse_override(const std::string& text) {
  static const std::regex form(R"(^(.+)=(skip|w(\d{1,2}|fp)(a(\d{1,2}|fp))?|a(\d{1,2}|fp))$)");
  std::smatch m;
  if (!std::regex_match(text, m, form)) {
    throw CLI::ValidationError("--override " + text +
                               ": expected PATTERN=skip|wNaM|wN|aM (N, M: bits or fp)");
  }
  LayerOverride o;
  o.pattern = m[1];
  if (m[2] == "skip") o.skip = true;
  const auto set = [&](const std::ssub_match& part, std::optional<int>& bits, bool& fp) {
    if (!part.matched) return;
    if (part == "fp") {
      fp = true;
      return;
    }
    bits = std::stoi(part);
    if (*bits < kMinBits || *bits > kMaxBits) {
      throw CLI::ValidationError("--override " + text + ": bits must be in " +
                                 std::to_string(kMinBits) + ".." + std::to_string(kMaxBits) +
                                 " or fp");
    }
  };
  set(m[3], o.w_bits, o.w_fp);
  set(m[5], o.a_bits, o.a_fp);
  set(m[6], o.a_bits, o.a_fp);
  return o;
}

QuantizeJob with_run_settings(QuantizeJob job, const QuantizeOptions& o);

// The one quantize recipe (core/jobs/quantize_job.h) with the flags' values.
QuantizeJob quantize_job(const QuantizeOptions& o) {
  QuantizeJob job = o.job;
  job.model_dir = o.model;
  if (!o.config.empty()) {  // the file is the whole config; its flags are refused beside it
    const nlohmann::json json = read_json_file(o.config);
    try {
      job.quant = quant_config_from_json(json);
    } catch (const ConfigError& e) {
      throw ConfigError("quantize.config", o.config, e.what());
    }
    return with_run_settings(job, o);
  }
  job.quant.method = parse_quant_method(o.method);
  job.quant.grid = o.grid == "asymmetric" ? GridChoice::Asymmetric : GridChoice::CodeDefault;
  job.quant.tdq_init = o.tdq_init == "static" ? TdqInit::Static : TdqInit::PerStep;
  if (!o.skip.empty()) job.quant.skip = o.skip;
  for (const auto& text : o.overrides) job.quant.overrides.push_back(parse_override(text));
  return with_run_settings(job, o);
}

// The settings of a run that are not the quant config.
QuantizeJob with_run_settings(QuantizeJob job, const QuantizeOptions& o) {
  job.device = o.common.device;
  job.seed = o.common.seed;
  job.sampler = parse_sampler_kind(o.sampler);
  job.calib_set = parse_calibration_set_kind(o.calib_set);
  job.data_dir = o.data;
  job.resumable = true;  // the same command again resumes a stopped QAT run
  return job;
}

void run_quantize(const QuantizeOptions& given) {
  // Under torchrun or --nproc every rank runs this; one process is the world of size 1.
  const DistContext dist = connect_dist(dist_env_from_process());
  QuantizeOptions o = given;
  if (!is_root(dist)) o.common.quiet = true;  // one progress bar and one report: rank 0's
  apply_common_options(o.common);
  note_stale_temporaries(o.out, o.common);
  const QuantizeJob job = quantize_job(o);
  const auto run = run_quantize_job(
      job, o.out, make_progress_bar(trains(job) ? "qat" : "calibrate", o.common), dist);
  if (!is_root(dist)) return;
  const nlohmann::json json = read_run_json(run, "quantize");
  const double seconds = json.at("metrics").value("calibration_seconds", 0.0);
  int quantized = 0;
  for (const auto& layer : json.at("layers")) quantized += layer.at("quantized").get<bool>();
  std::ostringstream human;
  human << to_string(job.quant.method) << " W" << job.quant.w_bits << "A" << job.quant.a_bits
        << ": " << quantized << " of " << json.at("layers").size()
        << " layers quantized, calibrated in " << seconds << " s; run written to " << run.string()
        << "\n";
  const nlohmann::json spread = json.at("metrics").value("interval_spread", nlohmann::json());
  if (!spread.is_null()) {
    human << "s(t) max/min over the " << spread.at("timesteps") << "-step schedule: median "
          << spread.at("median_ratio").get<double>() << ", max "
          << spread.at("max_ratio").get<double>() << "; " << spread.at("layers_at_least_1.2")
          << " of " << spread.at("quantizers") << " quantizers vary by >= 1.2x\n";
  }
  const nlohmann::json moves = json.at("metrics").value("activation_step_moves", nlohmann::json());
  if (!moves.is_null()) {
    human << "learned activation steps moved from their statistics start by a median of "
          << 100 * moves.at("median_move").get<double>() << "%, at most "
          << 100 * moves.at("max_move").get<double>() << "%; " << moves.at("moved_at_least_5pct")
          << " of " << moves.at("quantizers") << " by >= 5%\n";
  }
  print_result(o.common,
               {{"out", run.string()},
                {"method", to_string(job.quant.method)},
                {"w_bits", job.quant.w_bits},
                {"a_bits", job.quant.a_bits},
                {"quantized_layers", quantized},
                {"calibration_seconds", seconds},
                {"interval_spread", spread},
                {"activation_step_moves", moves}},
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
  c->add_option("--wbits", o->job.quant.w_bits, "Weight bits")
      ->check(CLI::Range(kMinBits, kMaxBits))
      ->capture_default_str();
  c->add_option("--abits", o->job.quant.a_bits, "Activation bits")
      ->check(CLI::Range(kMinBits, kMaxBits))
      ->capture_default_str();
  c->add_option("--grid", o->grid, "code-default (symmetric, unsigned after SiLU) or asymmetric")
      ->check(CLI::IsMember({"code-default", "asymmetric"}))
      ->capture_default_str();
  c->add_flag("--per-channel", o->job.quant.weight_per_channel, "Per-output-channel weight steps");
  c->add_option(
       "--calib", o->job.calib,
       "Calibration trajectories sampled by the FP model (default 64 for minmax/table, 256 for "
       "ptq4dm/tdq-ptq)")
      ->check(CLI::Range(1, 100000));
  c->add_option("--calib-t", o->job.calib_t, "ptq4dm/tdq-ptq: time steps kept per trajectory")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  c->add_option("--calib-set", o->calib_set,
                "ptq4dm/tdq-ptq calibration steps: ptq4dm (t ~ N(0.4T, 0.4T)) or uniform")
      ->check(CLI::IsMember({"ptq4dm", "uniform"}))
      ->capture_default_str();
  c->add_option("--iters", o->job.iters, "ptq4dm/tdq-ptq: reconstruction iterations per block")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  c->add_option("--recon-batch", o->job.recon_batch, "ptq4dm/tdq-ptq: reconstruction batch size")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  c->add_option("--qdrop", o->job.qdrop,
                "ptq4dm/tdq-ptq: QDrop probability of keeping an FP activation")
      ->check(CLI::Range(0.0, 0.99))
      ->capture_default_str();
  c->add_option("--qat-steps", o->job.qat_steps,
                "QAT (lsq, pact, nipq, tdq; dynamic, table): training steps")
      ->check(CLI::Range(0, 100000000));
  c->add_option("--lr", o->job.lr,
                "QAT learning rate of the weights; steps and TDQ MLPs use lr x their multipliers")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  c->add_option("--batch", o->job.qat_batch, "QAT batch size")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  c->add_option("--warmup", o->job.warmup, "QAT linear warm-up steps (default 5% of --qat-steps)")
      ->check(CLI::NonNegativeNumber);
  c->add_option("--ema", o->job.ema, "QAT EMA decay")
      ->check(CLI::Range(0.0, 0.99999))
      ->capture_default_str();
  c->add_option("--checkpoint-every", o->job.checkpoint_every, "QAT checkpoint interval (steps)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  c->add_option("--max-seconds", o->job.max_seconds,
                "QAT: stop after this much training time (0: run all --qat-steps)")
      ->check(CLI::NonNegativeNumber);
  c->add_option("--data", o->data, "QAT: Fashion-MNIST folder")->capture_default_str();
  c->add_option("--limit", o->job.qat_limit, "QAT: use only the first N training images")
      ->check(CLI::PositiveNumber);
  c->add_option("--tdq-depth", o->job.quant.tdq_depth, "TDQ MLP depth (Linear layers)")
      ->check(CLI::Range(1, 6))
      ->capture_default_str();
  c->add_option("--tdq-init", o->tdq_init,
                "TDQ: per-step (MLPs fitted to per-step statistics first) or static (s(t) = s0, "
                "the paper's start)")
      ->check(CLI::IsMember({"per-step", "static"}))
      ->capture_default_str();
  c->add_flag("--tdq-constant-t", o->job.quant.tdq_constant_t,
              "TDQ control: the MLPs see one constant t (isolates what knowing t buys)");
  c->add_option("--tdq-lr-scale", o->job.lr_scales.tdq_mlps, "TDQ QAT: the MLPs' lr is --lr x this")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  c->add_option("--act-lr-scale", o->job.lr_scales.activation_steps,
                "QAT: the learned activation steps' lr (LSQ, PACT, NIPQ, table) is --lr x this; 0: "
                "the method's measured default (README, Learning rates)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  c->add_option("--calib-steps", o->job.calib_steps,
                "Sampler steps of the calibration (and table) schedule")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  c->add_option("--sampler", o->sampler, "Calibration sampler: ddim or ddpm")
      ->check(CLI::IsMember({"ddim", "ddpm"}))
      ->capture_default_str();
  c->add_option("--table-groups", o->job.quant.table_groups,
                "Table: groups of steps sharing an interval (0: per step)")
      ->check(CLI::NonNegativeNumber);
  c->add_option("--skip", o->skip, "Glob of layers to keep FP (replaces the default skip list)");
  c->add_option("--override", o->overrides,
                "Per-layer bits: PATTERN=w4a8, PATTERN=a6, PATTERN=wfp (weight FP), PATTERN=skip")
      ->each([](const std::string& text) { parse_override(text); });
  CLI::Option* config =
      c->add_option("--config", o->config,
                    "Quant config JSON (method, bits, grids, skip list, per-layer overrides), e.g. "
                    "config.json of `tdq search-bits`; replaces the flags that set them");
  for (const char* flag :
       {"--method", "--wbits", "--abits", "--grid", "--per-channel", "--tdq-depth", "--tdq-init",
        "--tdq-constant-t", "--table-groups", "--skip", "--override"}) {
    config->excludes(c->get_option(flag));
  }
  add_common_options(*c, o->common);
  add_nproc_option(*c);
  c->callback([o, &action] { action = [o] { run_quantize(*o); }; });
}

}  // namespace tdq::cli
