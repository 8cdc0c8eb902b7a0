#include "core/quant/reconstruction.h"

#include <ATen/ATen.h>
#include <torch/optim/adam.h>

#include <cmath>
#include <map>
#include <set>

#include "core/common/errors.h"
#include "core/model/frozen_weights.h"

namespace tdq {

namespace {

// Thrown once every layer of the block has produced its output: the rest of the U-Net is not
// needed for this block's loss.
struct BlockDone {};

// Collects the outputs of the block's layers, forwarding everything else to `inner` (the twin, or
// nothing for the FP model).
class BlockOutputs : public LayerHooks {
 public:
  BlockOutputs(LayerHooks* inner, const std::set<int>& layers) : inner_(inner), layers_(layers) {}

  void on_forward(const at::Tensor& timesteps) override {
    if (inner_) inner_->on_forward(timesteps);
  }
  void on_forward_end() override {
    if (inner_) inner_->on_forward_end();
  }
  at::Tensor on_input(int layer, const at::Tensor& input) override {
    return inner_ ? inner_->on_input(layer, input) : input;
  }
  at::Tensor on_weight(int layer, const at::Tensor& weight) override {
    return inner_ ? inner_->on_weight(layer, weight) : weight;
  }
  at::Tensor on_output(int layer, const at::Tensor& output) override {
    if (layers_.count(layer)) {
      outputs[layer] = output;
      if (outputs.size() == layers_.size()) throw BlockDone{};
    }
    return output;
  }

  std::map<int, at::Tensor> outputs;

 private:
  LayerHooks* inner_;
  const std::set<int>& layers_;
};

std::map<int, at::Tensor> block_outputs(UNetImpl& model, LayerHooks* twin,
                                        const std::set<int>& layers, const at::Tensor& x,
                                        const at::Tensor& t) {
  BlockOutputs hooks(twin, layers);
  try {
    model.forward(x, t, &hooks);
  } catch (const BlockDone&) {
  }
  if (hooks.outputs.size() != layers.size())
    throw Error("block reconstruction: a layer of the block never ran");
  return std::move(hooks.outputs);
}

at::Tensor block_loss(const std::map<int, at::Tensor>& quantized,
                      const std::map<int, at::Tensor>& fp) {
  at::Tensor loss;
  for (const auto& [layer, reference] : fp) {
    const at::Tensor term =
        (quantized.at(layer) - reference).pow(2).mean() / reference.pow(2).mean().clamp_min(1e-12);
    loss = loss.defined() ? loss + term : term;
  }
  return loss;
}

double evaluate(UNetImpl& model, QuantizedModel& twin, const std::set<int>& layers,
                const at::Tensor& x, const at::Tensor& t) {
  at::NoGradGuard no_grad;
  const auto fp = block_outputs(model, nullptr, layers, x, t);
  return block_loss(block_outputs(model, &twin, layers, x, t), fp).item<double>();
}

}  // namespace

std::string reconstruction_block(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t begin = 0;
  for (std::size_t dot = path.find('.'); dot != std::string::npos; dot = path.find('.', begin)) {
    parts.push_back(path.substr(begin, dot - begin));
    begin = dot + 1;
  }
  parts.push_back(path.substr(begin));
  std::size_t keep = parts.size();
  if (parts[0] == "down_blocks" || parts[0] == "up_blocks")
    keep = std::min<std::size_t>(4, parts.size() - 1);
  if (parts[0] == "mid_block") keep = std::min<std::size_t>(3, parts.size() - 1);
  std::string block = parts[0];
  for (std::size_t i = 1; i < keep; ++i) block += "." + parts[i];
  return block;
}

std::vector<BlockReconstruction> reconstruct_blocks(UNetImpl& model, QuantizedModel& twin,
                                                    const CalibrationSet& set,
                                                    const ReconstructionOptions& options,
                                                    const ProgressFn& progress) {
  if (set.size() == 0) throw ConfigError("block reconstruction needs a calibration set");
  if (options.iterations < 0)
    throw ConfigError("reconstruction.iterations", std::to_string(options.iterations),
                      "must be >= 0");
  if (options.batch_size < 1) {
    throw ConfigError("reconstruction.batch_size", std::to_string(options.batch_size),
                      "must be positive");
  }
  if (!(options.qdrop >= 0 && options.qdrop < 1))
    throw ConfigError("reconstruction.qdrop", std::to_string(options.qdrop), "must be in [0, 1)");
  const bool temporal = interval_kind(twin.config().method) == IntervalKind::Temporal;
  const double lr = options.learning_rate > 0 ? options.learning_rate : (temporal ? 1e-3 : 1e-2);

  // Blocks in forward order (the layers' registration order) with their quantized slots.
  std::vector<std::string> order;
  std::map<std::string, std::vector<std::size_t>> members;
  for (std::size_t i = 0; i < twin.slots().size(); ++i) {
    if (!twin.slots()[i].quantized) continue;
    const std::string block = reconstruction_block(twin.slots()[i].path);
    if (!members.count(block)) order.push_back(block);
    members[block].push_back(i);
  }

  const auto device = model.parameters().front().device();
  model.eval();
  FrozenWeights frozen(model);
  auto generator = at::make_generator<at::CPUGeneratorImpl>(options.seed);
  const std::int64_t batch = std::min(options.batch_size, set.size());
  const at::Tensor held_out = at::randperm(set.size(), generator, at::kLong).narrow(0, 0, batch);
  const at::Tensor eval_x = set.x.index_select(0, held_out).to(device),
                   eval_t = set.t.index_select(0, held_out).to(device);
  const std::int64_t total =
      static_cast<std::int64_t>(order.size()) * std::max<std::int64_t>(options.iterations, 1);

  std::vector<BlockReconstruction> report;
  for (std::size_t b = 0; b < order.size(); ++b) {
    const auto& slots = members[order[b]];
    std::set<int> layers;
    BlockReconstruction entry{order[b], {}, 0, 0};
    for (std::size_t slot : slots) {
      layers.insert(twin.slots()[slot].layer);
      entry.layers.push_back(twin.slots()[slot].path);
    }
    entry.loss_before = evaluate(model, twin, layers, eval_x, eval_t);
    // Ends without keeping anything when an iteration throws.
    LearningSession session =
        twin.begin_learning(slots, options.qdrop, options.seed + 7919ULL * (b + 1));
    std::vector<at::Tensor> params = session.steps().tensors;
    for (const auto& p : session.tdq().tensors) params.push_back(p);
    torch::optim::Adam optimizer(params, torch::optim::AdamOptions(lr));
    {
      for (std::int64_t it = 0; it < options.iterations; ++it) {
        const at::Tensor index = at::randint(set.size(), {batch}, generator, at::kLong);
        const at::Tensor x = set.x.index_select(0, index).to(device),
                         t = set.t.index_select(0, index).to(device);
        std::map<int, at::Tensor> fp;
        {
          at::NoGradGuard no_grad;
          fp = block_outputs(model, nullptr, layers, x, t);
        }
        optimizer.zero_grad();
        const at::Tensor loss = block_loss(block_outputs(model, &twin, layers, x, t), fp);
        if (!std::isfinite(loss.item<double>())) {
          throw Error("block reconstruction of " + order[b] + ": loss is not finite at iteration " +
                      std::to_string(it));
        }
        loss.backward();
        optimizer.step();
        report_progress(progress, {static_cast<std::int64_t>(b) * options.iterations + it + 1,
                                   total, "reconstruct " + order[b]});
      }
    }
    session.end();
    entry.loss_after = evaluate(model, twin, layers, eval_x, eval_t);
    report.push_back(entry);
  }
  return report;
}

}  // namespace tdq
