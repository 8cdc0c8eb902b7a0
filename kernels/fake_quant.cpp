#include "kernels/fake_quant.h"

#include "kernels/fake_quant_layout.h"
#include "kernels/fake_quant_span.h"
#ifdef TDQ_WITH_CUDA_KERNELS
#include "kernels/cuda/fake_quant_cuda.h"
#endif

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <vector>

namespace tdq::kernels {

std::int64_t GridSpec::qmin() const {
  const std::int64_t n = (std::int64_t{1} << bits) - 1;
  return kind == GridKind::Symmetric ? -(n / 2 - 1) : 0;
}

std::int64_t GridSpec::qmax() const {
  const std::int64_t n = (std::int64_t{1} << bits) - 1;
  switch (kind) {
    case GridKind::Symmetric:
      return n / 2 - 1;
    case GridKind::Unsigned:
      return n - 1;
    case GridKind::Asymmetric:
      return n;
  }
  return n;
}

GridKind parse_grid_kind(const std::string& name) {
  if (name == "symmetric") return GridKind::Symmetric;
  if (name == "unsigned") return GridKind::Unsigned;
  if (name == "asymmetric") return GridKind::Asymmetric;
  throw std::invalid_argument("unknown quantization grid '" + name +
                              "' (use symmetric, unsigned or asymmetric)");
}

std::string to_string(GridKind kind) {
  switch (kind) {
    case GridKind::Symmetric:
      return "symmetric";
    case GridKind::Unsigned:
      return "unsigned";
    case GridKind::Asymmetric:
      return "asymmetric";
  }
  return "?";
}

namespace {

// Every grid is v = (x - offset) / s + zero_point, q = round(clamp(v)), y = (q - zero_point) s +
// offset.
double grid_offset(const GridSpec& g) { return g.kind == GridKind::Unsigned ? g.offset : 0.0; }
double grid_zero(const GridSpec& g) { return g.kind == GridKind::Asymmetric ? g.zero_point : 0.0; }

void check_inputs(const at::Tensor& x, const at::Tensor& scale, const GridSpec& grid,
                  const char* where) {
  if (grid.bits < 2 || grid.bits > 16) {
    throw std::invalid_argument(std::string(where) + ": bits must be in 2..16, got " +
                                std::to_string(grid.bits));
  }
  if (x.scalar_type() != at::kFloat || scale.scalar_type() != at::kFloat) {
    throw std::invalid_argument(std::string(where) + ": float32 tensors expected");
  }
  if (x.device() != scale.device())
    throw std::invalid_argument(std::string(where) + ": x and scale on different devices");
  const bool per_tensor = scale.numel() == 1;
  if (scale.dim() > 1 || (!per_tensor && (x.dim() == 0 || scale.size(0) != x.size(0)))) {
    throw std::invalid_argument(std::string(where) +
                                ": scale must be a scalar or have one value per sample [B]");
  }
}

void throw_if_nan(bool nan, const char* where) {
  if (nan) throw std::domain_error(std::string(where) + ": input contains NaN");
}

Store store_for(const at::Tensor& output) {
  return static_cast<std::int64_t>(output.nbytes()) >= stream_output_bytes() ? Store::Stream
                                                                             : Store::Cached;
}

void check_scale_values(const at::Tensor& scale, const char* where) {
  const float* s = scale.data_ptr<float>();
  for (std::int64_t i = 0; i < scale.numel(); ++i) {
    if (!(s[i] > 0.0f) || !std::isfinite(s[i])) {
      throw std::domain_error(std::string(where) + ": step size must be positive and finite, got " +
                              std::to_string(s[i]) + " at index " + std::to_string(i));
    }
  }
}

#ifdef TDQ_WITH_CUDA_KERNELS
// TDQ_CUDA_KERNELS=off sends CUDA tensors to the composed ops, to measure the kernels' effect on a
// whole run (scripts/gpu-check-kernels) or to rule them out when a result looks wrong.
bool use_cuda_kernels(const at::Tensor& x, const at::Tensor& scale) {
  static const bool enabled = [] {
    const char* value = std::getenv("TDQ_CUDA_KERNELS");
    return value == nullptr || std::string(value) != "off";
  }();
  return enabled && cuda::handles(x, scale);
}

cuda::GridConstants constants_of(const GridSpec& grid) {
  return {static_cast<float>(grid_offset(grid)), static_cast<float>(grid_zero(grid)),
          static_cast<float>(grid.qmin()), static_cast<float>(grid.qmax())};
}
#endif

}  // namespace

bool cuda_kernels_built() {
#ifdef TDQ_WITH_CUDA_KERNELS
  return true;
#else
  return false;
#endif
}

void throw_if_device_faults(c10::Device device) {
#ifdef TDQ_WITH_CUDA_KERNELS
  if (!device.is_cuda()) return;
  const unsigned faults = cuda::take_faults(device);
  throw_if_nan((faults & cuda::kFaultNan) != 0, "fake_quant_forward (CUDA)");
  if (faults & cuda::kFaultStep) {
    throw std::domain_error("fake_quant_forward (CUDA): step size must be positive and finite");
  }
#else
  (void)device;
#endif
}

at::Tensor fake_quant_forward(const at::Tensor& x_in, const at::Tensor& scale_in,
                              const GridSpec& grid) {
  check_inputs(x_in, scale_in, grid, "fake_quant_forward");
  if (!x_in.device().is_cpu()) {
#ifdef TDQ_WITH_CUDA_KERNELS
    if (use_cuda_kernels(x_in, scale_in)) return cuda::forward(x_in, scale_in, constants_of(grid));
#endif
    return fake_quant_forward_reference(x_in, scale_in, grid);
  }
  const at::Tensor x = x_in.contiguous();
  const at::Tensor scale = scale_in.contiguous();
  check_scale_values(scale, "fake_quant_forward");
  at::Tensor y = at::empty_like(x);
  const Layout layout = layout_of(x, scale);
  const float qmin = static_cast<float>(grid.qmin()), qmax = static_cast<float>(grid.qmax());
  const float offset = static_cast<float>(grid_offset(grid)),
              zero = static_cast<float>(grid_zero(grid));
  const float* xp = x.data_ptr<float>();
  const float* sp = scale.data_ptr<float>();
  float* yp = y.data_ptr<float>();
  const Store store = store_for(y);
  std::atomic<std::int64_t> nan_count{0};
  at::parallel_for(0, x.numel(), 16384, [&](std::int64_t begin, std::int64_t end) {
    std::int64_t i = begin;
    while (i < end) {
      const std::int64_t b = layout.inner ? i / layout.inner : 0;
      const std::int64_t stop = std::min(end, (b + 1) * layout.inner);
      const SpanParams params{sp[b], offset, zero, qmin, qmax};
      nan_count += forward_span(xp + i, yp + i, stop - i, params, store);
      i = stop;
    }
  });
  throw_if_nan(nan_count > 0, "fake_quant_forward");
  return y.view(x_in.sizes());
}

FakeQuantGrads fake_quant_backward(const at::Tensor& grad_y_in, const at::Tensor& x_in,
                                   const at::Tensor& scale_in, const GridSpec& grid,
                                   double grad_scale_factor) {
  check_inputs(x_in, scale_in, grid, "fake_quant_backward");
  if (!x_in.device().is_cpu()) {
#ifdef TDQ_WITH_CUDA_KERNELS
    if (use_cuda_kernels(x_in, scale_in)) {
      return cuda::backward(grad_y_in, x_in, scale_in, constants_of(grid), grad_scale_factor);
    }
#endif
    return fake_quant_backward_reference(grad_y_in, x_in, scale_in, grid, grad_scale_factor);
  }
  const at::Tensor x = x_in.contiguous();
  const at::Tensor grad_y = grad_y_in.to(at::kFloat).contiguous();
  const at::Tensor scale = scale_in.contiguous();
  const Layout layout = layout_of(x, scale);
  at::Tensor grad_x = at::empty_like(x);
  const float qmin = static_cast<float>(grid.qmin()), qmax = static_cast<float>(grid.qmax());
  const float offset = static_cast<float>(grid_offset(grid)),
              zero = static_cast<float>(grid_zero(grid));
  const float* xp = x.data_ptr<float>();
  const float* gp = grad_y.data_ptr<float>();
  const float* sp = scale.data_ptr<float>();
  float* gxp = grad_x.data_ptr<float>();

  const Store store = store_for(grad_x);
  // Partial sums of d(loss)/d(s) per (chunk, sample), reduced in double afterwards.
  const std::int64_t grain = 16384;
  const std::int64_t chunks = std::max<std::int64_t>(1, (x.numel() + grain - 1) / grain);
  std::vector<double> partial(static_cast<std::size_t>(chunks * layout.samples), 0.0);
  at::parallel_for(0, chunks, 1, [&](std::int64_t chunk_begin, std::int64_t chunk_end) {
    for (std::int64_t chunk = chunk_begin; chunk < chunk_end; ++chunk) {
      const std::int64_t begin = chunk * grain, end = std::min(x.numel(), begin + grain);
      std::int64_t i = begin;
      while (i < end) {
        const std::int64_t b = layout.inner ? i / layout.inner : 0;
        const std::int64_t stop = std::min(end, (b + 1) * layout.inner);
        const SpanParams params{sp[b], offset, zero, qmin, qmax};
        const double acc = backward_span(xp + i, gp + i, gxp + i, stop - i, params, store);
        partial[static_cast<std::size_t>(chunk * layout.samples + b)] += acc;
        i = stop;
      }
    }
  });
  at::Tensor grad_scale = at::zeros_like(scale, at::TensorOptions().dtype(at::kDouble));
  double* gs = grad_scale.data_ptr<double>();
  for (std::int64_t chunk = 0; chunk < chunks; ++chunk) {
    for (std::int64_t b = 0; b < layout.samples; ++b)
      gs[b] += partial[static_cast<std::size_t>(chunk * layout.samples + b)];
  }
  return {grad_x.view(x_in.sizes()),
          (grad_scale * grad_scale_factor).to(at::kFloat).view(scale_in.sizes())};
}

namespace {
at::Tensor broadcast_scale(const at::Tensor& scale, const at::Tensor& x) {
  if (scale.numel() == 1) return scale.reshape({});
  std::vector<std::int64_t> shape(static_cast<std::size_t>(x.dim()), 1);
  shape[0] = scale.size(0);
  return scale.view(shape);
}
}  // namespace

at::Tensor fake_quant_forward_reference(const at::Tensor& x, const at::Tensor& scale,
                                        const GridSpec& grid) {
  check_inputs(x, scale, grid, "fake_quant_forward_reference");
  if (at::isnan(x).any().item<bool>()) throw_if_nan(true, "fake_quant_forward_reference");
  const at::Tensor s = broadcast_scale(scale, x);
  const double offset = grid_offset(grid), zero = grid_zero(grid);
  const at::Tensor v = (x - offset) / s + zero;
  const at::Tensor q =
      at::round(at::clamp(v, static_cast<double>(grid.qmin()), static_cast<double>(grid.qmax())));
  return (q - zero) * s + offset;
}

FakeQuantGrads fake_quant_backward_reference(const at::Tensor& grad_y, const at::Tensor& x,
                                             const at::Tensor& scale, const GridSpec& grid,
                                             double grad_scale_factor) {
  check_inputs(x, scale, grid, "fake_quant_backward_reference");
  const at::Tensor s = broadcast_scale(scale, x);
  const double offset = grid_offset(grid), zero = grid_zero(grid);
  const double qmin = static_cast<double>(grid.qmin()), qmax = static_cast<double>(grid.qmax());
  const at::Tensor v = (x - offset) / s + zero;
  const at::Tensor inside = (v >= qmin).logical_and(v <= qmax);
  const at::Tensor clamped = at::clamp(v, qmin, qmax);
  const at::Tensor dyds = at::where(inside, at::round(clamped) - v, clamped - zero);
  at::Tensor grad_scale = grad_y * dyds;
  grad_scale = scale.numel() == 1 ? grad_scale.sum().reshape(scale.sizes())
                                  : grad_scale.reshape({scale.size(0), -1}).sum(1);
  return {grad_y * inside.to(grad_y.scalar_type()), grad_scale * grad_scale_factor};
}

namespace {

class FakeQuantFunction : public torch::autograd::Function<FakeQuantFunction> {
 public:
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x,
                            const at::Tensor& scale, std::int64_t kind, std::int64_t bits,
                            double offset, double zero_point, double grad_scale_factor) {
    const GridSpec grid{static_cast<GridKind>(kind), static_cast<int>(bits), offset, zero_point};
    ctx->save_for_backward({x, scale});
    ctx->saved_data["kind"] = kind;
    ctx->saved_data["bits"] = bits;
    ctx->saved_data["offset"] = offset;
    ctx->saved_data["zero_point"] = zero_point;
    ctx->saved_data["factor"] = grad_scale_factor;
    return fake_quant_forward(x, scale, grid);
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const GridSpec grid{static_cast<GridKind>(ctx->saved_data["kind"].toInt()),
                        static_cast<int>(ctx->saved_data["bits"].toInt()),
                        ctx->saved_data["offset"].toDouble(),
                        ctx->saved_data["zero_point"].toDouble()};
    FakeQuantGrads g = fake_quant_backward(grads[0], saved[0], saved[1], grid,
                                           ctx->saved_data["factor"].toDouble());
    return {g.grad_x,     g.grad_scale, at::Tensor(), at::Tensor(),
            at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

}  // namespace

at::Tensor fake_quant(const at::Tensor& x, const at::Tensor& scale, const GridSpec& grid,
                      double grad_scale_factor) {
  return FakeQuantFunction::apply(x, scale, static_cast<std::int64_t>(grid.kind),
                                  static_cast<std::int64_t>(grid.bits), grid.offset,
                                  grid.zero_point, grad_scale_factor);
}

}  // namespace tdq::kernels
