// Per-layer summaries on hand-made arrays: the numbers the layer table and layers.csv show.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/record/analysis.h"
#include "core/record/layer_summary.h"

namespace tdq {
namespace {

TEST(LayerSummary, MeansRankAndHistogramOverTheQuantizerInputs) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<AnalysisLayer> layers(4);
  for (int i = 0; i < 4; ++i) {
    layers[static_cast<std::size_t>(i)].index = i;
    layers[static_cast<std::size_t>(i)].quantizer = i != 3;  // layer 3: no quantizer
  }
  std::map<std::string, at::Tensor> arrays;
  arrays["timesteps"] = at::tensor({900, 600, 300, 0}, at::kLong);
  // Layer 0: range falls as t falls (r = 1); 1: rises (r = -1); 2: weakly; 3: r = 1, not counted.
  arrays["fp.min"] = at::zeros({4, 4}, at::kDouble);
  arrays["fp.max"] =
      at::tensor({4., 3., 2., 1., 1., 2., 3., 4., 1., 2., 1., 2., 8., 6., 4., 2.}, at::kDouble)
          .reshape({4, 4});
  arrays["fp.p0.1"] = arrays["fp.min"];
  arrays["fp.p99.9"] = arrays["fp.max"];
  for (const char* s : {"local.mse_in", "local.sqnr_in_db", "local.clip_fraction",
                        "local.sqnr_out_db", "trajectory.sqnr_out_db"}) {
    arrays[s] =
        at::tensor({1., 2., 3., nan, 1., 1., 1., 1., 0., 0., 0., 0., 5., 5., 5., 5.}, at::kDouble)
            .reshape({4, 4});
  }
  arrays["local.scale"] = arrays["fp.max"] / 10;
  const TimeDependence td = time_dependence_of(layers, arrays);
  const auto out = layer_summaries(layers, arrays, td, true);

  EXPECT_DOUBLE_EQ(out.at("layer.mean_range")[0].item<double>(), 2.5);
  EXPECT_DOUBLE_EQ(out.at("layer.max")[3].item<double>(), 8.0);
  EXPECT_DOUBLE_EQ(out.at("layer.mse_in")[0].item<double>(), 2.0);    // NaN step left out
  EXPECT_TRUE(std::isnan(out.at("layer.mse_in")[3].item<double>()));  // not quantized
  EXPECT_DOUBLE_EQ(out.at("layer.scale_max")[0].item<double>(), 0.4);
  EXPECT_DOUBLE_EQ(out.at("layer.scale_min")[1].item<double>(), 0.1);
  EXPECT_TRUE(std::isnan(out.at("layer.scale_max")[3].item<double>()));
  // |r| ranking: layers 0 and 1 tie at |r| = 1 (model order kept), then 2; 3 is not ranked.
  const at::Tensor rank = out.at("layer.r_rank");
  EXPECT_EQ(rank[0].item<std::int64_t>(), 0);
  EXPECT_EQ(rank[1].item<std::int64_t>(), 1);
  EXPECT_EQ(rank[2].item<std::int64_t>(), 2);
  EXPECT_EQ(rank[3].item<std::int64_t>(), -1);
  // r = 1 in the last bin, r = -1 in the first, r = -0.447 in [-0.5, -0.4).
  const at::Tensor histogram = out.at("pearson.histogram");
  EXPECT_EQ(histogram.sum().item<std::int64_t>(), 3);
  EXPECT_EQ(histogram[19].item<std::int64_t>(), 1);
  EXPECT_EQ(histogram[0].item<std::int64_t>(), 1);
  EXPECT_EQ(histogram[5].item<std::int64_t>(), 1);
  EXPECT_DOUBLE_EQ(out.at("pearson.histogram_edges")[5].item<double>(), -0.5);
}

}  // namespace
}  // namespace tdq
