#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/csrc/autograd/autograd.h>

#include <cmath>

#include "kernels/fake_quant.h"

namespace tdq::kernels {
namespace {

const GridSpec kGrids[] = {
    {GridKind::Symmetric, 4, 0.0, 0.0},         {GridKind::Symmetric, 8, 0.0, 0.0},
    {GridKind::Unsigned, 4, kSiluMinimum, 0.0}, {GridKind::Unsigned, 2, kSiluMinimum, 0.0},
    {GridKind::Asymmetric, 3, 0.0, 3.0},        {GridKind::Asymmetric, 8, 0.0, 128.0}};

TEST(GridSpec, RangesFollowTheReleasedCode) {
  EXPECT_EQ((GridSpec{GridKind::Symmetric, 4}.qmin()), -6);
  EXPECT_EQ((GridSpec{GridKind::Symmetric, 4}.qmax()), 6);
  EXPECT_EQ((GridSpec{GridKind::Symmetric, 8}.qmax()), 126);
  EXPECT_EQ((GridSpec{GridKind::Unsigned, 4}.qmin()), 0);
  EXPECT_EQ((GridSpec{GridKind::Unsigned, 4}.qmax()), 14);
  EXPECT_EQ((GridSpec{GridKind::Asymmetric, 4}.qmax()), 15);
  EXPECT_THROW(parse_grid_kind("log2"), std::invalid_argument);
}

TEST(FakeQuant, KnownValuesIncludingTiesAndClipping) {
  const GridSpec grid{GridKind::Symmetric, 4};
  const at::Tensor x = at::tensor({0.25f, 0.75f, -0.25f, 1.25f, 2.9f, 3.1f, -10.0f, 0.5f});
  const at::Tensor y = fake_quant_forward(x, at::tensor(0.5f), grid);
  // x/s = 0.5 -> 0 and 1.5 -> 2 (half to even), 2.5 -> 2, clip at +-6 steps = +-3.
  const at::Tensor expected = at::tensor({0.0f, 1.0f, 0.0f, 1.0f, 3.0f, 3.0f, -3.0f, 0.5f});
  EXPECT_TRUE(at::equal(y, expected)) << y;
  EXPECT_TRUE(at::equal(fake_quant_forward_reference(x, at::tensor(0.5f), grid), expected));
}

TEST(FakeQuant, UnsignedGridStartsAtTheSiluMinimum) {
  const GridSpec grid{GridKind::Unsigned, 4, kSiluMinimum};
  const at::Tensor x = at::tensor({static_cast<float>(kSiluMinimum), -1.0f, 100.0f});
  const at::Tensor y = fake_quant_forward(x, at::tensor(0.1f), grid);
  EXPECT_NEAR(y[0].item<float>(), kSiluMinimum, 1e-6);
  EXPECT_NEAR(y[1].item<float>(), kSiluMinimum, 1e-6);
  EXPECT_NEAR(y[2].item<float>(), kSiluMinimum + 14 * 0.1, 1e-5);
}

class FastVsReference : public ::testing::TestWithParam<GridSpec> {};

TEST_P(FastVsReference, ForwardAndBackwardAgreeOnRandomShapes) {
  const GridSpec grid = GetParam();
  at::manual_seed(11);
  for (const std::vector<int64_t>& shape :
       {std::vector<int64_t>{7}, {3, 5, 4, 4}, {16, 33, 9}, {2, 40000}}) {
    const at::Tensor x = at::randn(shape) * 2;
    const at::Tensor grad_y = at::randn(shape);
    for (const at::Tensor& scale : {at::tensor(0.07f), at::rand({shape[0]}) * 0.2f + 0.01f}) {
      if (shape.size() == 1 && scale.dim() == 1) continue;
      EXPECT_TRUE(at::allclose(fake_quant_forward(x, scale, grid),
                               fake_quant_forward_reference(x, scale, grid), 1e-5, 1e-6));
      const auto fast = fake_quant_backward(grad_y, x, scale, grid, 0.5);
      const auto reference = fake_quant_backward_reference(grad_y, x, scale, grid, 0.5);
      EXPECT_TRUE(at::equal(fast.grad_x, reference.grad_x));
      EXPECT_TRUE(at::allclose(fast.grad_scale, reference.grad_scale, 1e-3, 1e-3))
          << fast.grad_scale << reference.grad_scale;
      EXPECT_EQ(fast.grad_scale.sizes(), scale.sizes());
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Grids, FastVsReference, ::testing::ValuesIn(kGrids));

TEST(FakeQuant, ValuesOnTheClipBoundaryPassGradient) {
  const GridSpec grid{GridKind::Symmetric, 4};
  const at::Tensor x = at::tensor({3.0f, 3.0001f, -3.0f, -3.0001f});
  const auto g = fake_quant_backward(at::ones({4}), x, at::tensor(0.5f), grid, 1.0);
  EXPECT_TRUE(at::equal(g.grad_x, at::tensor({1.0f, 0.0f, 1.0f, 0.0f}))) << g.grad_x;
}

// The LSQ step-size gradient is the derivative of the fake-quant output w.r.t. s where rounding is
// treated as identity; check it against finite differences of a smooth surrogate: outside the clip
// range the output is exactly qmax * s, so d/ds is exact there.
TEST(FakeQuant, StepGradientMatchesFiniteDifferenceOutsideTheRange) {
  const GridSpec grid{GridKind::Symmetric, 4};
  const at::Tensor x = at::tensor({10.0f, -10.0f});
  const auto g = fake_quant_backward(at::ones({2}), x, at::tensor(0.5f), grid, 1.0);
  const double h = 1e-3;
  const double fd = ((fake_quant_forward(x, at::tensor(0.5f + static_cast<float>(h)), grid).sum() -
                      fake_quant_forward(x, at::tensor(0.5f - static_cast<float>(h)), grid).sum()) /
                     (2 * h))
                        .item<double>();
  EXPECT_NEAR(g.grad_scale.item<double>(), fd, 1e-2);
}

TEST(FakeQuant, AutogradFunctionDeliversBothGradients) {
  const GridSpec grid{GridKind::Unsigned, 4, kSiluMinimum};
  at::Tensor x = at::randn({4, 3, 5}).set_requires_grad(true);
  at::Tensor s = at::full({4}, 0.1f).set_requires_grad(true);
  at::Tensor y = fake_quant(x, s, grid, 0.25);
  const at::Tensor grad_y = at::randn_like(y);
  y.backward(grad_y);
  const auto reference = fake_quant_backward_reference(grad_y, x.detach(), s.detach(), grid, 0.25);
  EXPECT_TRUE(at::allclose(x.grad(), reference.grad_x));
  EXPECT_TRUE(at::allclose(s.grad(), reference.grad_scale, 1e-4, 1e-5));
}

TEST(FakeQuant, BadInputGivesClearErrors) {
  const GridSpec grid{GridKind::Symmetric, 4};
  EXPECT_THROW(fake_quant_forward(at::tensor({std::nanf("")}), at::tensor(0.1f), grid),
               std::domain_error);
  EXPECT_THROW(fake_quant_forward(at::ones({2}), at::tensor(0.0f), grid), std::domain_error);
  EXPECT_THROW(fake_quant_forward(at::ones({2}), at::tensor(-1.0f), grid), std::domain_error);
  EXPECT_THROW(fake_quant_forward(at::ones({2, 2}), at::ones({3}), grid), std::invalid_argument);
  EXPECT_THROW(fake_quant_forward(at::ones({2}, at::kDouble), at::tensor(0.1f), grid),
               std::invalid_argument);
  EXPECT_THROW(
      fake_quant_forward(at::ones({2}), at::tensor(0.1f), GridSpec{GridKind::Symmetric, 1}),
      std::invalid_argument);
  try {
    fake_quant_forward(at::tensor({1.0f, std::nanf("")}), at::tensor(0.1f), grid);
  } catch (const std::domain_error& e) {
    EXPECT_NE(std::string(e.what()).find("NaN"), std::string::npos);
  }
}

}  // namespace
}  // namespace tdq::kernels
