// The oracle bound as tdq analyze records it: arrays per layer, NaN where no quantizer sits, never
// worse than the best static interval, a summary in run.json, and kept by the run folder.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <string>

#include "core/record/analysis_io.h"
#include "core/record/oracle_analysis.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tiny_loaded_model.h"

namespace tdq {
namespace {

TEST(OracleAnalysis, EveryQuantizedLayerGetsAnIntervalPerStepAndAGain) {
  LoadedModel loaded = test::tiny_loaded_model();
  AnalyzeOptions options;
  options.record.count = 3;
  options.record.batch_size = 3;
  options.record.sampler.steps = 5;
  options.record.bins = 32;
  options.edge_samples = 2;
  options.oracle_bits = 4;
  const AnalysisRun run = run_analysis(loaded, nullptr, "", linear_schedule(), options);
  const Analysis& a = run.analysis;
  const at::Tensor scale = a.array("oracle.scale"), mse_static = a.array("oracle.mse_static"),
                   mse_oracle = a.array("oracle.mse_oracle");
  ASSERT_EQ(scale.size(0), static_cast<std::int64_t>(a.layers.size()));
  ASSERT_EQ(scale.size(1), 5);
  int quantized = 0;
  for (std::size_t l = 0; l < a.layers.size(); ++l) {
    const auto li = static_cast<std::int64_t>(l);
    if (!a.layers[l].quantizer) {
      EXPECT_TRUE(std::isnan(mse_static[li].item<double>())) << a.layers[l].path;
      continue;
    }
    ++quantized;
    EXPECT_GT(scale[li].min().item<double>(), 0.0) << a.layers[l].path;
    EXPECT_LE(mse_oracle[li].item<double>(), mse_static[li].item<double>() * (1 + 1e-9))
        << a.layers[l].path;
    // The drawn bounds are the kernel's clamp bounds at s*(t): hi - lo spans the grid's levels.
    const at::Tensor lo = a.array("oracle.lo")[li], hi = a.array("oracle.hi")[li];
    kernels::GridSpec grid;
    grid.kind = kernels::parse_grid_kind(a.layers[l].grid);
    grid.bits = 4;
    const double levels = static_cast<double>(grid.qmax() - grid.qmin());
    EXPECT_TRUE(at::allclose(hi - lo, scale[li] * levels, 1e-9, 1e-12)) << a.layers[l].path;
    if (grid.kind == kernels::GridKind::Unsigned) {
      EXPECT_TRUE(at::allclose(lo, at::full_like(lo, kernels::kSiluMinimum))) << a.layers[l].path;
    } else if (grid.kind == kernels::GridKind::Symmetric) {
      EXPECT_TRUE(at::allclose(lo, -hi)) << a.layers[l].path;
    }
  }
  EXPECT_GT(quantized, 0);
  const nlohmann::json summary = summary_json(a);
  ASSERT_TRUE(summary.contains("oracle"));
  EXPECT_EQ(summary.at("oracle").at("bits"), 4);
  EXPECT_EQ(summary.at("oracle").at("layers"), quantized);
  EXPECT_GE(summary.at("oracle").at("gain").get<double>(), 0.0);
  EXPECT_LE(summary.at("oracle").at("median_layer_gain_fraction").get<double>(),
            summary.at("oracle").at("max_layer_gain_fraction").get<double>());

  test::TempDir dir;
  const auto out = write_analysis_run(run, dir / "analysis");
  const Analysis back = read_analysis(out);
  EXPECT_TRUE(at::equal(back.array("oracle.scale").nan_to_num(-1), scale.nan_to_num(-1)));
  // layers.csv carries both MSEs per layer (what docs/results.md's oracle section reads).
  std::ifstream csv(out / "tables" / "layers.csv");
  std::string header, line;
  std::getline(csv, header);
  ASSERT_NE(header.find(",oracle_mse_static,oracle_mse"), std::string::npos) << header;
  int with_numbers = 0;
  for (std::size_t l = 0; std::getline(csv, line); ++l) {
    const auto comma = line.rfind(',');
    const double oracle = std::stod(line.substr(comma + 1));
    const auto li = static_cast<std::int64_t>(l);
    if (std::isnan(oracle)) continue;
    EXPECT_NEAR(oracle, mse_oracle[li].item<double>(), 1e-8 * mse_oracle[li].item<double>());
    ++with_numbers;
  }
  EXPECT_EQ(with_numbers, quantized);
}

}  // namespace
}  // namespace tdq
