#pragma once
#include <vector>

#include <ATen/Tensor.h>

#include "core/model/layer_hooks.h"

namespace tdq {

// A quantized twin restricted to some layers: the weight (input) of layer i is quantized by `twin`
// only where quantize_weight[i] (quantize_input[i]) is set; every other layer runs FP. The twin
// still sees every forward's time steps, so time-dependent intervals serve the right t. This is
// how `tdq sensitivity` quantizes one layer alone, or keeps one layer alone FP.
class LayerMaskHooks : public LayerHooks {
 public:
  LayerMaskHooks(LayerHooks& twin, std::vector<char> quantize_weight,
                 std::vector<char> quantize_input)
      : twin_(twin),
        quantize_weight_(std::move(quantize_weight)),
        quantize_input_(std::move(quantize_input)) {}

  void on_forward(const at::Tensor& timesteps) override { twin_.on_forward(timesteps); }
  void on_forward_end() override { twin_.on_forward_end(); }
  at::Tensor on_input(int layer, const at::Tensor& input) override {
    return selected(quantize_input_, layer) ? twin_.on_input(layer, input) : input;
  }
  at::Tensor on_weight(int layer, const at::Tensor& weight) override {
    return selected(quantize_weight_, layer) ? twin_.on_weight(layer, weight) : weight;
  }

 private:
  static bool selected(const std::vector<char>& mask, int layer) {
    return layer >= 0 && static_cast<std::size_t>(layer) < mask.size() &&
           mask[static_cast<std::size_t>(layer)] != 0;
  }

  LayerHooks& twin_;
  std::vector<char> quantize_weight_, quantize_input_;
};

}  // namespace tdq
