#include "core/record/stream_record.h"

#include <algorithm>

#include "core/common/errors.h"

namespace tdq {

StreamRecord::StreamRecord(std::string name, std::int64_t layers, std::int64_t steps,
                           std::int64_t bins, std::vector<HistogramRange> ranges)
    : name_(std::move(name)),
      layers_(layers),
      steps_(steps),
      bins_(bins),
      ranges_(std::move(ranges)) {
  if (layers < 0 || steps < 0 || bins < 0) throw Error("record " + name_ + ": negative size");
  if (static_cast<std::int64_t>(ranges_.size()) != layers) {
    throw Error("record " + name_ + ": " + std::to_string(ranges_.size()) +
                " histogram ranges for " + std::to_string(layers) + " layers");
  }
  cells_.resize(static_cast<std::size_t>(layers * steps));
  if (bins > 0) {
    for (auto& cell : cells_) cell.histogram.assign(static_cast<std::size_t>(bins) + 2, 0);
  }
}

LayerStepAccumulator& StreamRecord::at(std::int64_t layer, std::int64_t step) {
  if (layer < 0 || layer >= layers_ || step < 0 || step >= steps_) {
    throw Error("record " + name_ + ": no cell for layer " + std::to_string(layer) + ", step " +
                std::to_string(step));
  }
  return cells_[static_cast<std::size_t>(layer * steps_ + step)];
}

const LayerStepAccumulator& StreamRecord::at(std::int64_t layer, std::int64_t step) const {
  return const_cast<StreamRecord*>(this)->at(layer, step);
}

std::size_t StreamRecord::bytes() const {
  std::size_t total = sizeof(*this) + ranges_.capacity() * sizeof(HistogramRange);
  for (const auto& cell : cells_) total += cell.bytes();
  return total;
}

RecordingHooks::RecordingHooks(StreamRecord& record, LayerHooks* inner,
                               std::vector<std::string> layer_paths)
    : record_(record), inner_(inner), paths_(std::move(layer_paths)), seen_(paths_.size(), 0) {
  if (static_cast<std::int64_t>(paths_.size()) != record_.layers()) {
    throw Error("record " + record_.name() + ": " + std::to_string(paths_.size()) +
                " layer names for " + std::to_string(record_.layers()) + " layers");
  }
}

void RecordingHooks::begin_step(std::int64_t step, std::int64_t t, std::vector<double> scales,
                                const std::vector<at::Tensor>* reference,
                                std::vector<at::Tensor>* capture) {
  step_ = step;
  t_ = t;
  scales_ = std::move(scales);
  reference_ = reference;
  capture_ = capture;
}

std::string RecordingHooks::where(int layer) const {
  const auto index = static_cast<std::size_t>(layer);
  return "layer " + (index < paths_.size() ? paths_[index] : std::to_string(layer)) + " at step " +
         std::to_string(step_) + " (t=" + std::to_string(t_) + ", " + record_.name() + ")";
}

void RecordingHooks::on_forward(const at::Tensor& timesteps) {
  std::fill(seen_.begin(), seen_.end(), 0);
  if (capture_) capture_->assign(paths_.size(), at::Tensor());
  if (inner_) inner_->on_forward(timesteps);
}

at::Tensor RecordingHooks::on_input(int layer, const at::Tensor& input) {
  const auto index = static_cast<std::size_t>(layer);
  if (layer < 0 || index >= paths_.size())
    throw Error("record " + record_.name() + ": unknown layer " + std::to_string(layer));
  // One call per layer and forward is what the U-Net does; a second would mix two tensors into
  // one cell and misalign the FP reference.
  if (seen_[index]) throw Error(where(layer) + ": layer called twice in one forward");
  seen_[index] = 1;
  const at::Tensor output = inner_ ? inner_->on_input(layer, input) : input;
  LayerStepAccumulator& acc = record_.at(layer, step_);
  if (worker_) {
    // The input is never written after the layer reads it, so the worker may read it later.
    worker_->submit([&acc, input = input.detach(), bins = record_.bins(),
                     range = record_.range(layer), where = where(layer)] {
      accumulate_range(acc, input, bins, range, where, kernels::StatsThreads::calling_thread);
    });
  } else {
    accumulate_range(acc, input, record_.bins(), record_.range(layer), where(layer));
  }
  if (!scales_.empty() || reference_) {
    at::Tensor ref;
    if (reference_) {
      ref = reference_->at(index);
      if (!ref.defined())
        throw Error(where(layer) + ": the FP pass recorded no input for this layer");
    }
    accumulate_twin(acc, input, output,
                    scales_.empty() ? std::nullopt : std::optional<double>(scales_.at(index)), ref,
                    where(layer));
  }
  if (capture_) (*capture_)[index] = input.detach();
  return output;
}

at::Tensor RecordingHooks::on_weight(int layer, const at::Tensor& weight) {
  return inner_ ? inner_->on_weight(layer, weight) : weight;
}

}  // namespace tdq
