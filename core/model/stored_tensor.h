#pragma once
#include <filesystem>
#include <string>

#include <ATen/Tensor.h>

namespace tdq {

// One stored tensor about to be copied into `target` (a model parameter or buffer): FormatError
// naming `source` and `kind` 'name' for another shape, a float stored for an integer or the other
// way round (fp16/bf16/fp64 weights are converted), or NaN/Inf values. A NaN or Inf weight would
// only show as a black or NaN sample much later (or as a quantizer step of inf).
void check_stored_tensor(const at::Tensor& stored, const at::Tensor& target,
                         const std::string& kind, const std::string& name,
                         const std::filesystem::path& source);

}  // namespace tdq
