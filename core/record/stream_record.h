#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <ATen/Tensor.h>

#include "core/model/layer_hooks.h"
#include "core/record/layer_step_accumulator.h"
#include "core/record/stats_worker.h"

namespace tdq {

// The accumulators of one stream (the FP model, or the quantized twin in local or trajectory mode):
// one per (layer, sampling step), plus each layer's histogram range.
class StreamRecord {
 public:
  StreamRecord() = default;
  // bins == 0: ranges only (no histogram, no percentiles), as in the pass that fixes the bin edges.
  StreamRecord(std::string name, std::int64_t layers, std::int64_t steps, std::int64_t bins,
               std::vector<HistogramRange> ranges);

  const std::string& name() const { return name_; }
  std::int64_t layers() const { return layers_; }
  std::int64_t steps() const { return steps_; }
  std::int64_t bins() const { return bins_; }
  const HistogramRange& range(std::int64_t layer) const {
    return ranges_.at(static_cast<std::size_t>(layer));
  }
  LayerStepAccumulator& at(std::int64_t layer, std::int64_t step);
  const LayerStepAccumulator& at(std::int64_t layer, std::int64_t step) const;
  // Bytes held by the accumulators: constant in the number of samples.
  std::size_t bytes() const;

 private:
  std::string name_;
  std::int64_t layers_ = 0, steps_ = 0, bins_ = 0;
  std::vector<HistogramRange> ranges_;
  std::vector<LayerStepAccumulator> cells_;  // layer-major
};

// Hooks that record every layer input of one forward into a StreamRecord, passing the input on to
// the hooks the model runs with (`inner`: none for the FP model, the quantized twin otherwise) and
// returning what those return. Drive it per sampling step with begin_step(); it can also be driven
// by hand (on_forward, on_input) as a plain LayerHooks.
class RecordingHooks : public LayerHooks {
 public:
  RecordingHooks(StreamRecord& record, LayerHooks* inner, std::vector<std::string> layer_paths);

  // Step index and t of the following forwards. `scales`: the interval (step s) in use per layer,
  // 0 where unknown (empty: none). `reference`: the FP inputs of this step per layer, for errors
  // (null: none). `capture`: receives this forward's inputs per layer (null: not kept).
  void begin_step(std::int64_t step, std::int64_t t, std::vector<double> scales = {},
                  const std::vector<at::Tensor>* reference = nullptr,
                  std::vector<at::Tensor>* capture = nullptr);

  void on_forward(const at::Tensor& timesteps) override;
  void on_forward_end() override {
    if (inner_) inner_->on_forward_end();
  }
  at::Tensor on_input(int layer, const at::Tensor& input) override;
  at::Tensor on_weight(int layer, const at::Tensor& weight) override;

  // Ranges and histograms go to `worker` (null: computed in on_input). The caller finishes the
  // worker before it reads the record; a NaN input then fails there, naming layer and step.
  void set_worker(StatsWorker* worker) { worker_ = worker; }

 private:
  std::string where(int layer) const;

  StreamRecord& record_;
  LayerHooks* inner_;
  StatsWorker* worker_ = nullptr;
  std::vector<std::string> paths_;
  std::int64_t step_ = 0, t_ = -1;
  std::vector<double> scales_;
  const std::vector<at::Tensor>* reference_ = nullptr;
  std::vector<at::Tensor>* capture_ = nullptr;
  std::vector<char> seen_;  // per layer, in the current forward
};

}  // namespace tdq
