// A quantize run folder read for the workbench: bits and grids as placed (overrides included),
// s(t) and the clamp bounds over the schedule from the rebuilt twin, weight steps, and the model
// found again when the run travels with it.
#include "tests/support/tiny_runs.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/common/errors.h"
#include "core/common/file_io.h"
#include "core/quant/quant_run.h"
#include "core/record/clip_bounds.h"
#include "core/record/quantize_run_summary.h"
#include "core/run/run_folder.h"

namespace tdq {
namespace {

TEST(QuantizeRunSummary, BitsGridsBoundsAndWeightSteps) {
  const test::TempDir dir;
  const test::TinyRuns tiny = test::make_tiny_model(dir);
  QuantizeJob job = test::tiny_quantize_job(tiny, QuantMethod::Table);
  job.quant.overrides = {{"*.conv1", 6, std::nullopt, false}};
  const auto run = run_quantize_job(job, dir / "quant");
  const QuantizeRunSummary q = read_quantize_run_summary(run);
  EXPECT_EQ(q.method, "table");
  EXPECT_NE(q.config_json.find("\"overrides\""), std::string::npos);
  EXPECT_EQ(q.interval_lo.size(1), 1000);
  EXPECT_EQ(q.scale_curve.size(1), 1000);

  const LoadedModel model = load_model(tiny.model);
  const auto twin = load_quantize_run(run, model);
  int quantized = 0, overridden = 0;
  for (const auto& layer : q.layers) {
    const QuantizerSlot& slot = twin->slots().at(static_cast<std::size_t>(layer.index));
    EXPECT_EQ(layer.w_bits, slot.quantized ? slot.w_bits : 0) << layer.path;
    const auto l = static_cast<std::int64_t>(layer.index);
    if (!slot.quantized) {
      EXPECT_TRUE(std::isnan(q.weight_step_mean[l].item<double>())) << layer.path;
      continue;
    }
    ++quantized;
    overridden += layer.w_bits == 6;
    EXPECT_GT(q.weight_step_min[l].item<double>(), 0) << layer.path;
    for (std::int64_t t : {0, 250, 999}) {
      const double s = twin->activation_scale(layer.index, t);
      const ClipBounds b = clip_bounds(twin->activation_grid(layer.index, t), s);
      EXPECT_EQ(q.interval_lo[l][t].item<double>(), b.lo) << layer.path << " t=" << t;
      EXPECT_EQ(q.interval_hi[l][t].item<double>(), b.hi) << layer.path << " t=" << t;
      EXPECT_EQ(q.scale_curve[l][t].item<double>(), s);
    }
  }
  EXPECT_GT(quantized, 0);
  EXPECT_GT(overridden, 0);
  EXPECT_LT(overridden, quantized);
}

TEST(QuantizeRunSummary, ModelFoundNextToTheRunOrNamed) {
  const test::TempDir dir;
  const test::TinyRuns tiny = test::make_tiny_model(dir);
  const auto run = run_quantize_job(test::tiny_quantize_job(tiny), dir / "runs" / "quant");
  // A relative model path resolves against the run's parent folders (a shipped source tree).
  nlohmann::json json = read_run_json(run);
  json["model"]["dir"] = "model";
  write_file_atomic(run / "run.json", json.dump(2));
  EXPECT_EQ(std::filesystem::canonical(read_quantize_run_summary(run).model_dir),
            std::filesystem::canonical(tiny.model));
  // Nowhere to be found: the error names run.json and the model.
  json["model"]["dir"] = "elsewhere/model";
  json["model"]["sha256"] = "feedfacefeedface";
  write_file_atomic(run / "run.json", json.dump(2));
  try {
    read_quantize_run_summary(run);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("run.json"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("elsewhere/model"), std::string::npos) << e.what();
  }
  EXPECT_THROW(read_quantize_run_summary(dir / "runs"), Error);  // no run.json
}

}  // namespace
}  // namespace tdq
