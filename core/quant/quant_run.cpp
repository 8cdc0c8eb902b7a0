#include "core/quant/quant_run.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <chrono>

#include "core/common/errors.h"
#include "core/common/json_file.h"
#include "core/common/json_number.h"
#include "core/common/stopwatch.h"
#include "core/diffusion/generate.h"
#include "core/dist/shard.h"
#include "core/model/safetensors.h"
#include "core/quant/range_observer.h"
#include "core/quant/reduce_ranges.h"
#include "core/run/run_folder.h"

namespace tdq {

void calibrate(UNetImpl& model, QuantizedModel& twin, const NoiseSchedule& schedule,
               const CalibrationOptions& options, const ProgressFn& progress,
               const DistContext& dist) {
  RangeObserver observer(model.layers());
  GenerateOptions generate;
  generate.count = options.samples;
  generate.batch_size = options.batch_size;
  generate.seed = options.seed;
  generate.sampler = options.sampler;
  if (options.batch_size > 0) {
    const BatchShard shard =
        checked_batch_shard((options.samples + options.batch_size - 1) / options.batch_size, dist,
                            "generate.count", std::to_string(options.samples));
    generate.first_batch = shard.first;
    generate.end_batch = shard.end;
  }
  const auto device = model.parameters().front().device();
  generate_samples(model, schedule, generate, device, progress, &observer);
  const auto timesteps = sampling_timesteps(options.sampler, schedule.num_timesteps);
  all_reduce_ranges(dist, observer, timesteps);
  twin.calibrate(observer, timesteps);
}

RangeObserver observe_ranges(UNetImpl& model, const CalibrationSet& set, std::int64_t batch_size,
                             const DistContext& dist) {
  RangeObserver observer(model.layers());
  at::NoGradGuard no_grad;
  model.eval();
  const auto device = model.parameters().front().device();
  const std::int64_t batches = (set.size() + batch_size - 1) / batch_size;
  const BatchShard shard = batch_shard(batches, dist);
  for (std::int64_t b = shard.first; b < shard.end; ++b) {
    const std::int64_t begin = b * batch_size, size = std::min(batch_size, set.size() - begin);
    model.forward(set.x.narrow(0, begin, size).to(device), set.t.narrow(0, begin, size).to(device),
                  &observer);
  }
  if (is_distributed(dist)) {
    // Every time step of the set: a rank may have seen only some of them.
    const at::Tensor unique = std::get<0>(at::_unique(set.t, /*sorted=*/true));
    all_reduce_ranges(dist, observer,
                      std::vector<std::int64_t>(unique.data_ptr<std::int64_t>(),
                                                unique.data_ptr<std::int64_t>() + unique.numel()));
  }
  return observer;
}

namespace {

nlohmann::json describe(const SamplerConfig& sampler, std::int64_t num_timesteps) {
  return {{"sampler", to_string(sampler.kind)},
          {"steps", sampler.steps},
          {"skip", to_string(sampler.skip)},
          {"timesteps", sampling_timesteps(sampler, num_timesteps)}};
}

}  // namespace

PtqResult quantize_post_training(UNetImpl& model, QuantizedModel& twin,
                                 const NoiseSchedule& schedule, const PtqOptions& options,
                                 const ProgressFn& progress, const DistContext& dist) {
  const QuantMethod method = twin.config().method;
  if (is_qat_method(method)) {
    throw ConfigError("quant.method", to_string(method),
                      "quantization-aware training, not post-training calibration");
  }
  PtqResult result;
  const auto start = std::chrono::steady_clock::now();
  if (method == QuantMethod::Dynamic) {
    result.calibration = {{"set", "none"}};
  } else if (method == QuantMethod::MinMax || method == QuantMethod::Table) {
    calibrate(model, twin, schedule, options.sampling, progress, dist);
    result.calibration = describe(options.sampling.sampler, schedule.num_timesteps);
    result.calibration.update({{"set", "every-sampler-step"},
                               {"samples", options.sampling.samples},
                               {"seed", options.sampling.seed}});
  } else {
    // PTQ4DM and TDQ-PTQ: MinMax initial steps on the calibration set, then block reconstruction.
    const CalibrationSet set = build_calibration_set(model, schedule, options.set, progress, dist);
    result.metrics["calibration_set_seconds"] = seconds_since(start);
    twin.calibrate(observe_ranges(model, set, options.set.batch_size, dist),
                   sampling_timesteps(options.set.sampler, schedule.num_timesteps));
    const auto reconstruction_start = std::chrono::steady_clock::now();
    const auto blocks = reconstruct_blocks(model, twin, set, options.reconstruction, progress);
    result.metrics["reconstruction_seconds"] = seconds_since(reconstruction_start);
    nlohmann::json losses = nlohmann::json::array();
    for (const auto& block : blocks) {
      losses.push_back(
          {{"block", block.block}, {"before", block.loss_before}, {"after", block.loss_after}});
    }
    result.metrics["blocks"] = losses;
    result.calibration = describe(options.set.sampler, schedule.num_timesteps);
    result.calibration.update({{"set", to_string(options.set.kind)},
                               {"trajectories", options.set.trajectories},
                               {"timesteps_per_trajectory", options.set.timesteps_per_trajectory},
                               {"samples", set.size()},
                               {"seed", options.set.seed},
                               {"reconstruction",
                                {{"iterations", options.reconstruction.iterations},
                                 {"batch_size", options.reconstruction.batch_size},
                                 {"learning_rate", options.reconstruction.learning_rate},
                                 {"qdrop", options.reconstruction.qdrop},
                                 {"seed", options.reconstruction.seed}}}});
  }
  result.metrics["calibration_seconds"] = seconds_since(start);
  return result;
}

std::filesystem::path write_quantize_run(const LoadedModel& model, const QuantizedModel& twin,
                                         const nlohmann::json& calibration,
                                         const nlohmann::json& metrics,
                                         const std::filesystem::path& out) {
  RunFolderWriter writer(out);
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& slot : twin.slots()) {
    layers.push_back({{"path", slot.path},
                      {"quantized", slot.quantized},
                      {"w_bits", slot.w_bits},
                      {"a_bits", slot.a_bits},
                      {"w_fp", slot.weight_fp},
                      {"a_fp", slot.input_fp},
                      {"grid", kernels::to_string(slot.input_grid)}});
    if (!slot.input_windows.empty()) layers.back()["a_bits_windows"] = to_json(slot.input_windows);
  }
  nlohmann::json run = run_envelope("quantize");
  run.update({{"model", run_model_json(model.dir, model.weights_sha256)},
              {"quant_config", to_json(twin.config())},
              {"calibration", calibration},
              {"layers", layers},
              {"metrics", metrics}});
  writer.write_tensors(kQuantState, twin.state(),
                       {{"quant_config", to_json(twin.config()).dump()}});
  writer.write_json(kRunJson, run);
  return writer.commit();
}

// run.json lists every layer's bits and grid as placed. The twin is rebuilt from quant_config, so a
// list that disagrees with it means an edited or damaged run: what the GUI and tables show from
// the list would not be what the run samples with.
void check_recorded_layers(const nlohmann::json& run_json, const QuantizedModel& twin,
                           const std::filesystem::path& run) {
  const auto file = run / kRunJson;
  if (!run_json.contains("layers")) return;  // runs from before the list
  const nlohmann::json& layers = run_json.at("layers");
  if (!layers.is_array() || layers.size() != twin.slots().size()) {
    throw FormatError(file, "key layers: " + std::to_string(layers.size()) +
                                " entries, the quant_config places " +
                                std::to_string(twin.slots().size()) + " layers");
  }
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const QuantizerSlot& slot = twin.slots()[i];
    const nlohmann::json& entry = layers[i];
    const bool same =
        entry.is_object() && entry.value("path", "") == slot.path &&
        entry.value("quantized", !slot.quantized) == slot.quantized &&
        json_value_or(entry, "w_bits", -1) == slot.w_bits &&
        json_value_or(entry, "a_bits", -1) == slot.a_bits &&
        entry.value("w_fp", false) == slot.weight_fp &&
        entry.value("a_fp", false) == slot.input_fp &&
        entry.value("grid", "") == kernels::to_string(slot.input_grid) &&
        entry.value("a_bits_windows", nlohmann::json::array()) == to_json(slot.input_windows);
    if (!same) {
      throw FormatError(file, "key layers/" + std::to_string(i) + " (" +
                                  entry.value("path", std::string("?")) + ": " + entry.dump() +
                                  ") disagrees with the quant_config, which places " + slot.path +
                                  " at w" + std::to_string(slot.w_bits) + "a" +
                                  std::to_string(slot.a_bits) + (slot.quantized ? "" : " (FP)") +
                                  "; the run was edited");
    }
  }
}

QuantConfig quantize_run_config(const nlohmann::json& run_json, const std::filesystem::path& run,
                                const LoadedModel& model) {
  if (run_json.value("kind", "") != "quantize")
    throw ConfigError(run.string() + ": not a quantize run");
  const auto sha = json_field<std::string>(run_json, "/model/sha256", run / kRunJson);
  if (sha != model.weights_sha256) {
    throw ConfigError(run.string() + ": made for model " + sha.substr(0, 12) + "..., not for " +
                      model.dir.string() + " (" + model.weights_sha256.substr(0, 12) + "...)");
  }
  try {
    return quant_config_from_json(run_json.at("quant_config"));
  } catch (const ConfigError& e) {
    throw FormatError(run / kRunJson, std::string("quant_config: ") + e.what());
  } catch (const nlohmann::json::exception&) {
    throw FormatError(run / kRunJson, "no quant_config object");
  }
}

void load_quant_state(QuantizedModel& twin, const std::map<std::string, at::Tensor>& state,
                      const std::filesystem::path& file) {
  try {
    twin.load_state(state);
  } catch (const ConfigError& e) {
    throw ConfigError(file.string() + ": " + e.what());
  }
}

std::unique_ptr<QuantizedModel> load_quantize_run(const nlohmann::json& run_json,
                                                  const std::filesystem::path& run,
                                                  const LoadedModel& model) {
  auto twin =
      std::make_unique<QuantizedModel>(*model.model, quantize_run_config(run_json, run, model));
  check_recorded_layers(run_json, *twin, run);
  load_quant_state(*twin, read_safetensors(run / kQuantState).tensors, run / kQuantState);
  return twin;
}

std::unique_ptr<QuantizedModel> load_quantize_run(const std::filesystem::path& run,
                                                  const LoadedModel& model) {
  return load_quantize_run(read_run_json(run), run, model);
}

}  // namespace tdq
