// LibTorch before Qt (tiny_run.h): Qt's `slots` macro breaks LibTorch headers.
#include <ATen/ATen.h>

#include <filesystem>

#include "core/diffusion/sampler.h"
#include "core/quant/quant_run.h"
#include "core/record/analysis.h"
#include "core/record/analysis_io.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tiny_loaded_model.h"
#include "tiny_run.h"

namespace tdq::views::testing {

namespace {

const test::TempDir& runs_dir() {
  static const test::TempDir dir;
  return dir;
}

std::filesystem::path record(QuantMethod method, const char* name) {
  LoadedModel loaded = test::tiny_loaded_model();
  QuantConfig config;
  config.method = method;
  config.a_bits = 4;
  QuantizedModel twin(*loaded.model, config);
  CalibrationOptions calibration;
  calibration.samples = 2;
  calibration.batch_size = 2;
  calibration.sampler.steps = 5;
  calibrate(*loaded.model, twin, linear_schedule(), calibration);
  AnalyzeOptions options;
  options.record.count = 3;
  options.record.batch_size = 3;
  options.record.sampler.steps = 5;
  options.record.bins = 8;
  options.edge_samples = 2;
  options.calibration_timesteps = sampling_timesteps(calibration.sampler, 1000);
  const AnalysisRun analysis = run_analysis(loaded, &twin, "quant-run", linear_schedule(), options);
  return write_analysis_run(analysis, runs_dir().path() / name);
}

}  // namespace

QString tiny_analyze_run() {
  // Static: recording takes a few seconds, and every GUI test only reads it.
  static const std::filesystem::path run = record(QuantMethod::Table, "tiny-analyze");
  return QString::fromStdString(run.string());
}

QString tiny_minmax_analyze_run() {
  static const std::filesystem::path run = record(QuantMethod::MinMax, "tiny-minmax-analyze");
  return QString::fromStdString(run.string());
}

void copy_tiny_run(const QString& folder) {
  std::filesystem::copy(tiny_analyze_run().toStdString(), folder.toStdString(),
                        std::filesystem::copy_options::recursive);
}

}  // namespace tdq::views::testing
