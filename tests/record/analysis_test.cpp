// Time dependence on hand-made series, the analyze run folder round trip and its error cases.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/common/errors.h"
#include "core/common/file_io.h"
#include "core/model/safetensors.h"
#include "core/quant/quant_run.h"
#include "core/record/analysis_io.h"
#include "core/record/schedule_coverage.h"
#include "core/record/time_dependence.h"
#include "core/run/run_folder.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tiny_loaded_model.h"

namespace tdq {
namespace {

TEST(TimeDependence, FractionsTopBottomAndUndefinedLayers) {
  const std::vector<std::int64_t> t = {900, 600, 300, 0};
  // Layer 0: range grows with t (r = 1); 1: anti-correlated; 2: constant (undefined);
  // 3: weak; 4: not a quantizer input (ignored in the fractions).
  const std::vector<std::vector<double>> max = {
      {4, 3, 2, 1}, {1, 2, 3, 4}, {2, 2, 2, 2}, {1, 2, 1, 2}, {9, 6, 3, 0}};
  std::vector<std::vector<double>> range = max;  // min = 0
  const TimeDependence td = time_dependence(t, max, range, range, {1, 1, 1, 1, 0});
  const TimeDependenceStat& s = td.stat("max-min");
  EXPECT_NEAR(s.r[0], 1.0, 1e-12);
  EXPECT_NEAR(s.r[1], -1.0, 1e-12);
  EXPECT_TRUE(std::isnan(s.r[2]));
  EXPECT_NEAR(s.r[3], -0.4472135955, 1e-9);  // hand-checked: sxy = -300, sxx = 450000, syy = 1
  EXPECT_EQ(s.layers, 4);
  EXPECT_EQ(s.undefined, 1);
  EXPECT_EQ(s.above_05, 2);
  EXPECT_DOUBLE_EQ(s.fraction_05, 2.0 / 3.0);
  EXPECT_EQ(td.most.front(), 0);
  EXPECT_EQ(td.least.front(), 3);
  EXPECT_EQ(td.most.size(), 3u);  // only considered layers with a defined r
  EXPECT_THROW(td.stat("median"), Error);
}

class AnalysisRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    loaded = test::tiny_loaded_model();
    options.record.count = 3;
    options.record.batch_size = 2;
    options.record.sampler.steps = 5;
    options.record.bins = 8;
    options.edge_samples = 2;
  }
  test::TempDir dir;
  LoadedModel loaded;
  AnalyzeOptions options;
};

void expect_same(const Analysis& a, const Analysis& b) {
  EXPECT_EQ(to_json(a.info), to_json(b.info));
  ASSERT_EQ(a.layers.size(), b.layers.size());
  for (std::size_t i = 0; i < a.layers.size(); ++i) {
    EXPECT_EQ(a.layers[i].path, b.layers[i].path);
    EXPECT_EQ(a.layers[i].quantizer, b.layers[i].quantizer);
    EXPECT_EQ(a.layers[i].grid, b.layers[i].grid);
    EXPECT_EQ(a.layers[i].w_bits, b.layers[i].w_bits);
  }
  // Byte-identical arrays (NaN and inf included).
  EXPECT_EQ(serialize_safetensors(a.arrays), serialize_safetensors(b.arrays));
  EXPECT_EQ(summary_json(a), summary_json(b));
}

TEST(ScheduleCoverage, CalibratedStepsAQatRunAndAMissingList) {
  const std::vector<std::int64_t> schedule = {900, 600, 300, 0};
  const auto ptq = schedule_coverage(
      nlohmann::json{{"calibration", {{"timesteps", {900, 300, 100}}}}}, "ptq/run.json", schedule);
  EXPECT_EQ(ptq.calibrated, (std::vector<char>{1, 0, 1, 0}));
  EXPECT_EQ(ptq.calibrated_steps, 2);
  EXPECT_EQ(ptq.uncovered_steps, 2);
  // QAT trains on t drawn from every step: the whole schedule is covered.
  const auto qat = schedule_coverage(nlohmann::json{{"calibration", {{"set", "qat"}}}},
                                     "qat/run.json", schedule);
  EXPECT_EQ(qat.calibrated_steps, 4);
  EXPECT_EQ(qat.calibration_timesteps, schedule);
  try {
    schedule_coverage(nlohmann::json{{"calibration", {{"set", "other"}}}}, "x/run.json", schedule);
    FAIL() << "a run without calibration time steps was accepted";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("x/run.json"), std::string::npos) << e.what();
  }
}

TEST_F(AnalysisRunTest, TableTwinRoundTripAndScheduleCoverage) {
  QuantConfig config;
  config.method = QuantMethod::Table;
  QuantizedModel twin(*loaded.model, config);
  CalibrationOptions calibration;
  calibration.samples = 2;
  calibration.batch_size = 2;
  calibration.sampler.steps = 4;  // another schedule than the record's 5 steps: fallbacks
  calibrate(*loaded.model, twin, linear_schedule(), calibration);
  options.calibration_timesteps = sampling_timesteps(calibration.sampler, 1000);
  const AnalysisRun run = run_analysis(loaded, &twin, "quant-run", linear_schedule(), options);
  const Analysis& a = run.analysis;
  EXPECT_TRUE(a.has_quant());
  EXPECT_EQ(a.timesteps(), (std::vector<std::int64_t>{800, 600, 400, 200, 0}));
  // Calibrated for 750, 500, 250, 0: of the record's steps only t = 0 is covered.
  EXPECT_EQ(a.array("step.calibrated").sum().item<std::int64_t>(), 1);
  EXPECT_EQ(a.array("step.fallbacks")[0].item<std::int64_t>(), 2);  // two batches, one forward each
  EXPECT_EQ(a.array("step.fallbacks")[4].item<std::int64_t>(), 0);
  EXPECT_EQ(a.array("scale_curve").size(1), 1000);
  // A per-step table: s(t) over the steps is the all-t curve at those t, and not flat.
  const at::Tensor curve = a.array("scale_curve"), scale = a.array("local.scale");
  const auto ts = a.timesteps();
  int varying = 0;
  for (std::size_t l = 0; l < a.layers.size(); ++l) {
    if (!a.layers[l].quantizer) continue;
    const auto li = static_cast<std::int64_t>(l);
    for (std::size_t k = 0; k < ts.size(); ++k) {
      EXPECT_EQ(scale[li][static_cast<std::int64_t>(k)].item<double>(),
                curve[li][ts[k]].item<double>());
    }
    varying += curve[li].min().item<double>() < curve[li].max().item<double>() ? 1 : 0;
  }
  EXPECT_GT(varying, 0);
  EXPECT_EQ(a.array("local.histogram").size(2), 10);
  EXPECT_EQ(a.array("step.xt_mse")[0].item<double>(), 0.0);
  EXPECT_EQ(a.info.edge_samples, 2);

  const auto out = write_analysis_run(run, dir / "analysis");
  for (const char* file : {"run.json", "layers.json", "stats.safetensors", "tables/layers.csv",
                           "tables/layer_steps.csv", "tables/steps.csv"}) {
    EXPECT_TRUE(std::filesystem::exists(out / file)) << file;
  }
  EXPECT_THROW(write_analysis_run(run, dir / "analysis"), IoError);  // never overwritten
  expect_same(a, read_analysis(out));
}

TEST_F(AnalysisRunTest, FpOnlyRoundTripAndBrokenFolders) {
  const AnalysisRun run = run_analysis(loaded, nullptr, "", linear_schedule(), options);
  EXPECT_FALSE(run.analysis.has_quant());
  EXPECT_EQ(run.analysis.arrays.count("local.max"), 0u);
  EXPECT_FALSE(run.quant_images.defined());
  const auto out = write_analysis_run(run, dir / "fp");
  EXPECT_TRUE(std::filesystem::exists(out / "samples"));
  expect_same(run.analysis, read_analysis(out));

  // Unknown analysis schema version: error names run.json and the key.
  std::filesystem::copy(out, dir / "v99", std::filesystem::copy_options::recursive);
  nlohmann::json json = nlohmann::json::parse(read_file_bytes(dir / "v99" / "run.json"));
  json["analysis_schema_version"] = 99;
  write_file_atomic(dir / "v99" / "run.json", json.dump());
  try {
    read_analysis(dir / "v99");
    FAIL() << "no error";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("run.json"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("analysis_schema_version"), std::string::npos) << e.what();
  }
  // Version 1 (no clamp bounds): says to record again.
  json["analysis_schema_version"] = 1;
  write_file_atomic(dir / "v99" / "run.json", json.dump());
  try {
    read_analysis(dir / "v99");
    FAIL() << "no error";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("tdq analyze"), std::string::npos) << e.what();
  }

  // A missing array: error names stats.safetensors and the key.
  std::filesystem::copy(out, dir / "missing", std::filesystem::copy_options::recursive);
  SafetensorsFile stats = read_safetensors(dir / "missing" / kStatsFile);
  stats.tensors.erase("fp.p99.9");
  write_safetensors(dir / "missing" / kStatsFile, stats.tensors, stats.metadata);
  try {
    read_analysis(dir / "missing");
    FAIL() << "no error";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("stats.safetensors"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("fp.p99.9"), std::string::npos) << e.what();
  }

  // A missing info field: error names the key.
  std::filesystem::copy(out, dir / "nofield", std::filesystem::copy_options::recursive);
  json = nlohmann::json::parse(read_file_bytes(dir / "nofield" / "run.json"));
  json["analysis"].erase("seed");
  write_file_atomic(dir / "nofield" / "run.json", json.dump());
  try {
    read_analysis(dir / "nofield");
    FAIL() << "no error";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("/seed"), std::string::npos) << e.what();
  }
  EXPECT_THROW(read_analysis(dir / "nowhere"), IoError);
}

}  // namespace
}  // namespace tdq
