#include "app/cli/cli_errors.h"

#include "core/common/errors.h"

namespace tdq::cli {

namespace {

struct FieldFlag {
  const char* command;  // "": every command, unless a row for the command itself comes first
  const char* field;
  const char* flag;
};

// Fields as the core names them (ConfigError::field()); command-specific rows come first.
constexpr FieldFlag kFieldFlags[] = {
    // `tdq quantize` samples calibration images and trains under its own flag names.
    {"quantize", "generate.count", "--calib"},
    {"quantize", "sampler.kind", "--sampler"},
    {"quantize", "sampler.steps", "--calib-steps"},
    {"quantize", "train.batch_size", "--batch"},
    {"quantize", "train.steps", "--qat-steps"},
    {"quantize", "qat.steps", "--qat-steps"},
    {"quantize", "qat.batch_size", "--batch"},
    {"analyze", "record.count", "--n"},
    {"analyze", "record.batch_size", "--batch"},
    {"analyze", "record.bins", "--bins"},
    {"analyze", "analysis.edge_samples", "--edge-samples"},
    {"sensitivity", "sensitivity.count", "--n"},
    {"sensitivity", "sensitivity.batch_size", "--batch"},
    // Every command.
    {"", "device", "--device"},
    {"", "generate.count", "--n"},
    {"", "generate.batch_size", "--batch"},
    {"", "sampler.kind", "--sampler"},
    {"", "sampler.skip", "--skip"},
    {"", "sampler.steps", "--steps"},
    {"", "train.steps", "--steps"},
    {"", "train.batch_size", "--batch"},
    {"", "train.lr", "--lr"},
    {"", "train.ema_decay", "--ema"},
    {"", "train.lr_schedule", "--lr-schedule"},
    {"", "fid.count", "--n"},
    {"", "fid.batch_size", "--batch"},
    {"", "fid.steps", "--steps"},
    {"", "fid.seeds", "--seeds"},
    {"", "fid.vs_fp", "--vs-fp"},
    {"", "reference", "--ref"},
    {"", "features.range", "--features-range"},
    {"", "classifier.epochs", "--epochs"},
    {"", "classifier.batch_size", "--batch"},
    {"", "quant.method", "--method"},
    {"", "quant.w_bits", "--wbits"},
    {"", "quant.a_bits", "--abits"},
    {"", "quant.skip", "--skip"},
    {"", "quant.overrides", "--override"},
    {"", "calibration_set.kind", "--calib-set"},
    {"", "calibration_set.trajectories", "--calib"},
    {"", "calibration_set.timesteps_per_trajectory", "--calib-t"},
    {"", "reconstruction.iterations", "--iters"},
    {"", "reconstruction.batch_size", "--recon-batch"},
    {"", "reconstruction.qdrop", "--qdrop"},
    {"", "quant.tdq_depth", "--tdq-depth"},
    {"", "quantize.qat_steps", "--qat-steps"},
    {"", "quantize.config", "--config"},
    {"", "sensitivity.quant", "--quant"},
    {"", "sensitivity.seeds", "--seeds"},
    {"", "sensitivity.windows", "--windows"},
    {"", "sensitivity.feature_errors", "--feature-errors"},
    {"", "search.sensitivity", "--sensitivity"},
    {"", "search.weight_budget", "--weight-budget"},
    {"", "search.input_budget", "--input-budget"},
    {"", "search.weight_bits", "--weight-candidates"},
    {"", "search.input_bits", "--input-candidates"},
    {"", "search.validate", "--validate"},
    {"", "search.input_windows", "--input-windows"},
    {"", "search.damage", "--damage"},
    {"", "search.refine_rounds", "--refine"},
    {"", "search.refine_min_gain", "--refine-min-gain"},
    {"", "search.measure_count", "--measure-n"},
    {"", "search.measure_statistic", "--measure-statistic"},
    {"", "search.measure_features", "--measure-space"},
    {"", "search.features", "--features"},
    {"", "sensitivity.features", "--features"},
    {"", "dist.nproc", "--nproc"},
};

}  // namespace

std::string flag_of_field(const std::string& command, const std::string& field) {
  for (const auto& row : kFieldFlags) {
    const std::string row_command = row.command;
    if ((row_command.empty() || row_command == command) && field == row.field) return row.flag;
  }
  return {};
}

std::string error_message(const std::exception& error, const std::string& command) {
  const auto* config = dynamic_cast<const ConfigError*>(&error);
  if (!config || config->field().empty()) return error.what();
  const std::string flag = flag_of_field(command, config->field());
  if (flag.empty()) return error.what();
  return flag + (config->value().empty() ? "" : " " + config->value()) + ": " + config->reason();
}

int exit_code(const std::exception& error, const std::string& command) {
  const auto* config = dynamic_cast<const ConfigError*>(&error);
  return config && !flag_of_field(command, config->field()).empty() ? 2 : 1;
}

}  // namespace tdq::cli
