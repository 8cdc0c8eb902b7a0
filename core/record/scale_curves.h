#pragma once
#include <cstdint>
#include <vector>

#include <ATen/Tensor.h>

#include "core/quant/quantized_model.h"

namespace tdq {

// s(t): the activation step each layer's quantizer uses at time step t, [layers x timesteps.size()]
// float64, 0 for layers without an activation quantizer and for dynamic quantizers (whose step
// comes from the tensor at run time). Static methods give flat curves; all in the same units (the
// step of the layer's input grid).
at::Tensor scale_curves(const QuantizedModel& twin, const std::vector<std::int64_t>& timesteps);

// All time steps 0..num_timesteps-1.
at::Tensor scale_curves(const QuantizedModel& twin, std::int64_t num_timesteps);

}  // namespace tdq
