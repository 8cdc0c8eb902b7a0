// The clamp bounds the recorder writes are the fake-quant kernel's: for every grid, and for the
// twin at several t, the values the kernel clips are exactly those outside [lo, hi].
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>

#include "core/diffusion/sampler.h"
#include "core/quant/quant_run.h"
#include "core/record/analysis.h"
#include "core/record/clip_bounds.h"
#include "kernels/fake_quant.h"
#include "tests/support/tiny_loaded_model.h"

namespace tdq {
namespace {

// What the kernel clips: its straight-through gradient is 0 exactly where v leaves [qmin, qmax].
at::Tensor kernel_clips(const at::Tensor& x, double scale, const kernels::GridSpec& grid) {
  const at::Tensor s = at::full({}, scale, at::kFloat);
  return kernels::fake_quant_backward(at::ones_like(x), x, s, grid, 1.0).grad_x.eq(0);
}

at::Tensor outside(const at::Tensor& x, const ClipBounds& b) {
  return x.to(at::kDouble).lt(b.lo).logical_or(x.to(at::kDouble).gt(b.hi));
}

// Values spread well beyond the interval, plus values a hundredth of a step either side of each
// bound, where a wrong offset or zero point would show first.
at::Tensor probe(const ClipBounds& b, double scale) {
  const double centre = (b.lo + b.hi) / 2, half = (b.hi - b.lo) / 2;
  const at::Tensor spread = at::randn({4000}, at::kDouble) * 1.5 * half + centre;
  const double d = 0.01 * scale;
  const at::Tensor edges = at::tensor({b.lo - d, b.lo + d, b.hi - d, b.hi + d}, at::kDouble);
  return at::cat({spread, edges}).to(at::kFloat);
}

TEST(ClipBounds, KernelClipsExactlyOutsideTheBoundsOfEveryGrid) {
  at::manual_seed(0);
  const kernels::GridSpec grids[] = {
      {kernels::GridKind::Symmetric, 4, 0.0, 0.0},
      {kernels::GridKind::Unsigned, 4, kernels::kSiluMinimum, 0.0},
      {kernels::GridKind::Asymmetric, 4, 0.0, 5.0},
      {kernels::GridKind::Symmetric, 8, 0.0, 0.0},
  };
  for (const auto& grid : grids) {
    for (const double scale : {0.013, 0.1, 0.77}) {  // s(t) at three time steps
      const ClipBounds b = clip_bounds(grid, scale);
      const at::Tensor x = probe(b, scale);
      const at::Tensor clipped = kernel_clips(x, scale, grid);
      EXPECT_TRUE(clipped.equal(outside(x, b)))
          << kernels::to_string(grid.kind) << " s=" << scale << ": "
          << clipped.ne(outside(x, b)).sum().item<std::int64_t>() << " values differ";
      EXPECT_GT(clipped.sum().item<std::int64_t>(), 100);
      // The clipped values come out as the bounds themselves.
      const at::Tensor y = kernels::fake_quant_forward(x, at::full({}, scale, at::kFloat), grid);
      EXPECT_NEAR(y.min().item<double>(), b.lo, 1e-6 * std::abs(b.lo) + 1e-7);
      EXPECT_NEAR(y.max().item<double>(), b.hi, 1e-6 * std::abs(b.hi) + 1e-7);
    }
  }
  // The README's old formulas were off: 4-bit symmetric is [-6 s, 6 s], unsigned starts at the
  // SiLU minimum, not at 0.
  const ClipBounds sym = clip_bounds({kernels::GridKind::Symmetric, 4, 0.0, 0.0}, 1.0);
  EXPECT_EQ(sym.lo, -6.0);
  EXPECT_EQ(sym.hi, 6.0);
  const ClipBounds silu =
      clip_bounds({kernels::GridKind::Unsigned, 4, kernels::kSiluMinimum, 0}, 1.0);
  const double silu_minimum = static_cast<float>(kernels::kSiluMinimum);  // as the kernel holds it
  EXPECT_DOUBLE_EQ(silu.lo, silu_minimum);
  EXPECT_DOUBLE_EQ(silu.hi, silu_minimum + 14.0);
  // A value exactly at the SiLU minimum is not clipped.
  const at::Tensor at_minimum = at::full({1}, silu_minimum, at::kFloat);
  EXPECT_FALSE(
      kernel_clips(at_minimum, 1.0, {kernels::GridKind::Unsigned, 4, kernels::kSiluMinimum, 0})
          .item<bool>());
  EXPECT_FALSE(outside(at_minimum, silu).item<bool>());
}

class TwinClipBounds : public ::testing::TestWithParam<GridChoice> {};

TEST_P(TwinClipBounds, RecordedBoundsAreWhatTheTwinClipsAtEachStep) {
  LoadedModel loaded = test::tiny_loaded_model();
  QuantConfig config;
  config.method = QuantMethod::Table;
  config.a_bits = 4;
  config.grid = GetParam();
  config.overrides = {{"*.conv1", 6, std::nullopt, false}};  // per-layer W bits
  QuantizedModel twin(*loaded.model, config);
  CalibrationOptions calibration;
  calibration.samples = 2;
  calibration.batch_size = 2;
  calibration.sampler.steps = 5;
  calibrate(*loaded.model, twin, linear_schedule(), calibration);
  AnalyzeOptions options;
  options.record.count = 2;
  options.record.batch_size = 2;
  options.record.sampler.steps = 5;
  options.record.bins = 0;
  options.edge_samples = 1;
  const Analysis a = run_analysis(loaded, &twin, "quant-run", linear_schedule(), options).analysis;
  const at::Tensor lo = a.array("interval.lo"), hi = a.array("interval.hi");
  const at::Tensor curve_lo = a.array("interval_curve.lo"), curve_hi = a.array("interval_curve.hi");
  const auto ts = a.timesteps();
  int checked = 0, unsigned_layers = 0, conv1 = 0;
  for (const auto& slot : twin.slots()) {
    const auto l = static_cast<std::int64_t>(slot.layer);
    const AnalysisLayer& layer = a.layers.at(static_cast<std::size_t>(slot.layer));
    EXPECT_EQ(layer.w_bits, slot.quantized ? slot.w_bits : 0) << slot.path;
    if (slot.quantized && slot.path.size() > 5 &&
        slot.path.substr(slot.path.size() - 5) == "conv1") {
      EXPECT_EQ(layer.w_bits, 6) << slot.path;
      ++conv1;
    }
    if (!slot.quantized) {
      EXPECT_TRUE(std::isnan(lo[l][0].item<double>())) << slot.path;
      continue;
    }
    unsigned_layers += slot.input_grid == kernels::GridKind::Unsigned;
    for (std::size_t k = 0; k < ts.size(); ++k) {
      const auto s = static_cast<std::int64_t>(k);
      const ClipBounds b{lo[l][s].item<double>(), hi[l][s].item<double>()};
      EXPECT_EQ(b.lo, curve_lo[l][ts[k]].item<double>());
      EXPECT_EQ(b.hi, curve_hi[l][ts[k]].item<double>());
      // The twin's own quantization at this t: clipped exactly outside the written bounds.
      const double scale = twin.activation_scale(slot.layer, ts[k]);
      const at::Tensor x = probe(b, scale);
      const at::Tensor clipped = kernel_clips(x, scale, twin.activation_grid(slot.layer, ts[k]));
      ASSERT_TRUE(clipped.equal(outside(x, b))) << slot.path << " t=" << ts[k];
      twin.set_timestep(ts[k]);
      const at::Tensor y = twin.on_input(slot.layer, x.reshape({1, -1}));
      EXPECT_NEAR(y.min().item<double>(), b.lo, 1e-5 * (std::abs(b.lo) + 1)) << slot.path;
      EXPECT_NEAR(y.max().item<double>(), b.hi, 1e-5 * (std::abs(b.hi) + 1)) << slot.path;
      ++checked;
    }
  }
  EXPECT_GT(checked, 20);
  EXPECT_GT(conv1, 0);
  if (GetParam() == GridChoice::CodeDefault) {
    EXPECT_GT(unsigned_layers, 0);
  }
  // The clipped steps are those where the FP envelope leaves the bounds.
  const at::Tensor expected = a.array("fp.min").lt(lo).logical_or(a.array("fp.max").gt(hi));
  EXPECT_TRUE(a.array("interval.clipped").to(at::kBool).equal(expected));
}

INSTANTIATE_TEST_SUITE_P(Grids, TwinClipBounds,
                         ::testing::Values(GridChoice::CodeDefault, GridChoice::Asymmetric));

}  // namespace
}  // namespace tdq
