#pragma once
#include <vector>

#include <ATen/Tensor.h>

#include "core/model/unet.h"

namespace tdq {

// While alive, the model's parameters do not require gradients: when only quantizers learn,
// backward then stops where they are instead of computing weight gradients nobody uses.
class FrozenWeights {
 public:
  explicit FrozenWeights(UNetImpl& model) : params_(model.parameters()) {
    for (auto& p : params_) {
      was_.push_back(p.requires_grad());
      p.set_requires_grad(false);
    }
  }
  ~FrozenWeights() {
    for (std::size_t i = 0; i < params_.size(); ++i) params_[i].set_requires_grad(was_[i]);
  }
  FrozenWeights(const FrozenWeights&) = delete;
  FrozenWeights& operator=(const FrozenWeights&) = delete;

 private:
  std::vector<at::Tensor> params_;
  std::vector<bool> was_;
};

}  // namespace tdq
