#pragma once
// The interval an activation quantizer clamps to, in the units of its input: what Layer Range
// draws and what the clip fraction counts. Taken from the quantizer's own GridSpec (qmin, qmax,
// offset, zero point) and step, so a view never re-derives a grid.
#include <cstdint>
#include <vector>

#include <ATen/Tensor.h>

#include "core/quant/quantized_model.h"
#include "kernels/fake_quant.h"

namespace tdq {

// The fake-quant kernel maps x to v = (x - offset) / s + zero_point and clamps v to [qmin, qmax]
// (kernels/fake_quant.cpp): x is clipped exactly when it lies outside [lo, hi] with
//   lo = (qmin - zero_point) s + offset,  hi = (qmax - zero_point) s + offset.
// The kernel applies the offset to the unsigned grid only and the zero point to the asymmetric
// grid only; the others carry 0 there, so the same formula serves every grid. Offset and zero
// point are rounded to float32 first, as the kernel holds them.
struct ClipBounds {
  double lo = 0, hi = 0;
};
ClipBounds clip_bounds(const kernels::GridSpec& grid, double scale);

// lo(t) and hi(t) of every layer's activation quantizer, [layers x timesteps.size()] float64 each;
// NaN for layers without a quantizer and for dynamic methods (their interval comes from each
// tensor at run time, so there is none to draw).
struct IntervalCurves {
  at::Tensor lo, hi;
};
IntervalCurves interval_curves(const QuantizedModel& twin,
                               const std::vector<std::int64_t>& timesteps);
// Every t in [0, num_timesteps).
IntervalCurves interval_curves(const QuantizedModel& twin, std::int64_t num_timesteps);

// 1 where the FP envelope [min, max] of a step leaves that step's interval, else 0; [L, S] int64
// from [L, S] float64 arrays (a NaN bound never counts as clipped).
at::Tensor envelope_clipped(const at::Tensor& fp_min, const at::Tensor& fp_max,
                            const at::Tensor& lo, const at::Tensor& hi);

}  // namespace tdq
