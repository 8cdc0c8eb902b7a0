#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "kernels/fake_quant.h"
#include "kernels/fake_quant_span.h"

namespace tdq::kernels {
namespace {

const SpanParams kParams[] = {{0.07f, 0.0f, 0.0f, -6.0f, 6.0f},
                              {0.1f, static_cast<float>(kSiluMinimum), 0.0f, 0.0f, 14.0f},
                              {0.013f, 0.0f, 128.0f, 0.0f, 255.0f}};

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// Streamed stores go through an L1 buffer and need 64-byte (AVX-512) or 16-byte (SSE) aligned
// destinations: spans that start anywhere and end anywhere must give the cached stores' bits.
TEST(FakeQuantSpan, StreamedStoresGiveTheCachedStoresBits) {
  at::manual_seed(3);
  const at::Tensor x_tensor = at::randn({6000}) * 0.5;
  const at::Tensor g_tensor = at::randn({6000});
  const float* x = x_tensor.data_ptr<float>();
  const float* g = g_tensor.data_ptr<float>();
  for (const SpanParams& p : kParams) {
    for (const std::int64_t start : {0, 1, 3, 15, 16, 17}) {
      for (const std::int64_t n : {1, 15, 16, 17, 1023, 1024, 1025, 4000}) {
        SCOPED_TRACE(std::to_string(start) + " + " + std::to_string(n));
        std::vector<float> cached(static_cast<std::size_t>(start + n), -1.0f), streamed = cached;
        EXPECT_EQ(forward_span(x, cached.data() + start, n, p, Store::Cached),
                  forward_span(x, streamed.data() + start, n, p, Store::Stream));
        EXPECT_TRUE(same_bits(cached, streamed));
        std::vector<float> gx_cached(cached.size(), -1.0f), gx_streamed = gx_cached;
        const double sum_cached =
            backward_span(x, g, gx_cached.data() + start, n, p, Store::Cached);
        const double sum_streamed =
            backward_span(x, g, gx_streamed.data() + start, n, p, Store::Stream);
        EXPECT_EQ(sum_cached, sum_streamed);
        EXPECT_TRUE(same_bits(gx_cached, gx_streamed));
      }
    }
  }
}

// Inputs at and next to the rounding ties x / s = k + 1/2 and the clip bounds, where the last bit
// of (x - offset) / s decides the result: the loops must divide exactly as the composed reference
// does, in every instruction-set clone (the AVX-512 one has FMA; a contracted multiply-add would
// show here on the grid with an offset).
std::vector<float> tie_inputs(const SpanParams& p) {
  std::vector<float> values;
  for (int k = static_cast<int>(p.qmin) - 2; k <= static_cast<int>(p.qmax) + 2; ++k) {
    for (const float at : {k + 0.5f, static_cast<float>(k)}) {
      float x = (at - p.zero) * p.scale + p.offset;
      for (int step = 0; step < 3; ++step) x = std::nextafter(x, -1e30f);
      for (int step = 0; step < 7; ++step, x = std::nextafter(x, 1e30f)) values.push_back(x);
    }
  }
  return values;
}

TEST(FakeQuantSpan, TiesAndClipBoundsMatchTheReferenceBitForBit) {
  const GridSpec grids[] = {{GridKind::Symmetric, 4, 0.0, 0.0},
                            {GridKind::Unsigned, 4, kSiluMinimum, 0.0},
                            {GridKind::Asymmetric, 8, 0.0, 128.0}};
  for (const GridSpec& grid : grids) {
    for (const float scale : {0.07f, 0.1f, 0.013f, 0.3333333f, 1.7f}) {
      SCOPED_TRACE(to_string(grid.kind) + " " + std::to_string(scale));
      const SpanParams p{
          scale, static_cast<float>(grid.kind == GridKind::Unsigned ? grid.offset : 0),
          static_cast<float>(grid.kind == GridKind::Asymmetric ? grid.zero_point : 0),
          static_cast<float>(grid.qmin()), static_cast<float>(grid.qmax())};
      const std::vector<float> values = tie_inputs(p);
      const at::Tensor x = at::tensor(values);
      const at::Tensor s = at::tensor(scale);
      EXPECT_TRUE(
          at::equal(fake_quant_forward(x, s, grid), fake_quant_forward_reference(x, s, grid)));
      const at::Tensor g = at::ones_like(x);
      EXPECT_TRUE(at::equal(fake_quant_backward(g, x, s, grid, 1.0).grad_x,
                            fake_quant_backward_reference(g, x, s, grid, 1.0).grad_x));
    }
  }
}

// A tensor above kStreamOutputBytes takes the streamed path through the public kernels, its rows
// below it the cached one; per-sample steps make the spans start at unaligned offsets.
TEST(FakeQuantSpan, LargeTensorsGiveTheBitsOfTheirCachedRows) {
  at::manual_seed(5);
  const std::int64_t machine_threshold = stream_output_bytes();
  set_stream_output_bytes(kStreamOutputBytes);  // the machine's may be hundreds of MiB
  const std::int64_t per_sample = kStreamOutputBytes / 4 / 4 + 13;
  const at::Tensor x = at::randn({4, per_sample});
  const at::Tensor grad_y = at::randn_like(x);
  ASSERT_GE(static_cast<std::int64_t>(x.nbytes()), kStreamOutputBytes);
  const GridSpec grid{GridKind::Unsigned, 4, kSiluMinimum, 0.0};
  const at::Tensor scale = at::tensor({0.05f, 0.1f, 0.2f, 0.03f});
  const at::Tensor y = fake_quant_forward(x, scale, grid);
  const FakeQuantGrads grads = fake_quant_backward(grad_y, x, scale, grid, 1.0);
  for (std::int64_t row = 0; row < 4; ++row) {
    const at::Tensor s = scale.slice(0, row, row + 1);
    const at::Tensor x_row = x.slice(0, row, row + 1);
    ASSERT_LT(static_cast<std::int64_t>(x_row.nbytes()), kStreamOutputBytes);
    EXPECT_TRUE(at::equal(y[row], fake_quant_forward(x_row, s, grid)[0]));
    const FakeQuantGrads row_grads =
        fake_quant_backward(grad_y.slice(0, row, row + 1), x_row, s, grid, 1.0);
    EXPECT_TRUE(at::equal(grads.grad_x[row], row_grads.grad_x[0]));
    EXPECT_TRUE(at::allclose(grads.grad_scale[row], row_grads.grad_scale[0], 1e-5, 1e-3));
  }
  set_stream_output_bytes(machine_threshold);
}

TEST(FakeQuantSpan, StreamingStartsAtHalfTheLastLevelCache) {
  const long last_level = sysconf(_SC_LEVEL3_CACHE_SIZE);
  EXPECT_EQ(stream_output_bytes(), last_level > 0 ? last_level / 2 : kStreamOutputBytes);
}

}  // namespace
}  // namespace tdq::kernels
