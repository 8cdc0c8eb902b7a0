#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <ATen/Tensor.h>

namespace tdq {

// AdamW (decoupled weight decay) with named parameter groups and state that is plain tensors, so a
// checkpoint stores and restores it exactly (LibTorch's optimizer state is keyed by pointers).
class AdamW {
 public:
  struct Group {
    std::vector<std::string> names;
    std::vector<at::Tensor> params;
    double lr_scale = 1.0;
    double weight_decay = 0.0;
  };

  AdamW(std::vector<Group> groups, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8);

  void zero_grad();
  void step(double lr);
  std::int64_t steps_taken() const { return step_; }

  // "m.<name>" and "v.<name>" tensors plus the step count, for checkpoints.
  std::map<std::string, at::Tensor> state() const;
  void load_state(const std::map<std::string, at::Tensor>& state, std::int64_t steps_taken);

 private:
  std::vector<Group> groups_;
  std::map<std::string, at::Tensor> m_, v_;
  double beta1_, beta2_, eps_;
  std::int64_t step_ = 0;
};

// Scales all gradients so their global L2 norm is at most `max_norm`; returns the norm before.
double clip_grad_norm(const std::vector<at::Tensor>& params, double max_norm);

}  // namespace tdq
