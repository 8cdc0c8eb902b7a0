#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <ATen/Tensor.h>

namespace tdq {

enum class LayerKind { Conv2d, Linear };

// One conv/linear of a model, addressed by its diffusers module path
// ("down_blocks.0.resnets.0.conv1").
struct LayerInfo {
  int index = 0;
  std::string path;
  LayerKind kind = LayerKind::Conv2d;
  std::vector<std::int64_t> weight_shape;
};

const char* to_string(LayerKind kind);

// Intercepts every conv/linear of one forward pass. The FP model runs without hooks; a quantized
// twin or a recorder passes hooks to the same module weights, so no copy of the model is needed and
// both can run side by side.
class LayerHooks {
 public:
  virtual ~LayerHooks() = default;
  // Called once at the start of every forward with the batch's time steps ([B] int64), so
  // time-dependent quantizers (tables, TDQ) and recorders know which step they serve.
  virtual void on_forward(const at::Tensor& timesteps) { (void)timesteps; }
  // Called once after the forward's last layer, before its output is returned: the quantized twin
  // checks here what its CUDA kernels recorded instead of throwing (kernels/fake_quant.h).
  virtual void on_forward_end() {}
  // The activation the layer consumes (e.g. fake-quantized) and may observe.
  virtual at::Tensor on_input(int layer, const at::Tensor& input) {
    (void)layer;
    return input;
  }
  // The weight the layer uses.
  virtual at::Tensor on_weight(int layer, const at::Tensor& weight) {
    (void)layer;
    return weight;
  }
  // The layer's result, after the bias (block reconstruction compares FP and quantized outputs).
  virtual at::Tensor on_output(int layer, const at::Tensor& output) {
    (void)layer;
    return output;
  }
};

}  // namespace tdq
