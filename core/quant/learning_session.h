#pragma once
// A quantized twin's learning (block reconstruction, QAT), from QuantizedModel::begin_learning to
// end(): the session owns the tensors that train and the noise of QDrop and NIPQ.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <ATen/Tensor.h>
#include <ATen/core/Generator.h>

#include "core/quant/quant_config.h"
#include "kernels/fake_quant.h"

namespace tdq {

class QuantizedModel;

// Trainable tensors by name, for optimizer groups and checkpoints.
struct Learnable {
  std::vector<std::string> names;
  std::vector<at::Tensor> tensors;
};

// What one slot trains while it learns.
struct LearningSlot {
  bool active = false;
  at::Tensor interval;         // log step [] (static) or [groups] (table); TDQ: its MLP learns
  at::Tensor weight;           // QAT: a copy of the FP weight
  at::Tensor weight_log_step;  // QAT: log of the weight step
};

struct LearningState {
  std::vector<LearningSlot> slots;  // one per twin slot
  double qdrop = 0.0;               // probability that an element keeps its FP value
  at::Generator noise;              // QDrop masks, NIPQ noise
};

class LearningSession {
 public:
  LearningSession(LearningSession&& other) noexcept;
  LearningSession& operator=(LearningSession&&) = delete;
  LearningSession(const LearningSession&) = delete;
  LearningSession& operator=(const LearningSession&) = delete;
  // Ends a session that is still open without keeping what it learned (an exception in training
  // leaves the twin as it was).
  ~LearningSession();

  Learnable steps() const;             // activation_steps() then weight_steps()
  Learnable activation_steps() const;  // "act.<path>", "table.<path>" log steps
  Learnable weight_steps() const;      // "weight.<path>" log steps
  Learnable tdq() const;               // "tdq.<path>.<parameter>"
  Learnable weights() const;           // "w.<path>"
  // QDrop masks and NIPQ noise come from a generator seeded by `seed`: reseeding per training step
  // makes a resumed run identical to an uninterrupted one.
  void reseed(std::uint64_t seed);
  // Keeps the learned values (keep = false: the values from before) and re-bakes TDQ tables. After
  // ending, an Error names a learned value that is not finite (it was not kept).
  void end(bool keep = true);

 private:
  friend class QuantizedModel;
  LearningSession(QuantizedModel& model, std::unique_ptr<LearningState> state);
  QuantizedModel* model_;
  std::unique_ptr<LearningState> state_;  // the twin points at it while the session is open
};

// The fake quantization of a learning slot's input (x in float) with `scale` ([] or [B]), by the
// method's training rule: PACT clips with a gradient to the bound, NIPQ adds a step of uniform
// noise, the others round with LSQ's gradient (TDQ without LSQ's gradient scale); QDrop last.
at::Tensor learned_activation(QuantMethod method, const at::Tensor& x, const at::Tensor& scale,
                              const kernels::GridSpec& grid, LearningState& state);
// The learned weight of a slot, fake-quantized with LSQ's gradient scale.
at::Tensor learned_weight(const LearningSlot& slot, int bits);

}  // namespace tdq
