#include "core/quant/quant_run.h"

#include "core/common/errors.h"
#include "core/common/version.h"
#include "core/diffusion/generate.h"
#include "core/model/safetensors.h"
#include "core/quant/range_observer.h"
#include "core/run/run_folder.h"

namespace tdq {

constexpr const char* kQuantState = "quant.safetensors";

void calibrate(UNetImpl& model, QuantizedModel& twin, const NoiseSchedule& schedule,
               const CalibrationOptions& options, const ProgressFn& progress) {
  RangeObserver observer(model.layers());
  GenerateOptions generate;
  generate.count = options.samples;
  generate.batch_size = options.batch_size;
  generate.seed = options.seed;
  generate.sampler = options.sampler;
  const auto device = model.parameters().front().device();
  generate_samples(model, schedule, generate, device, progress, &observer);
  twin.calibrate(observer, sampling_timesteps(options.sampler, schedule.num_timesteps));
}

std::filesystem::path write_quantize_run(const LoadedModel& model, const QuantizedModel& twin,
                                         const CalibrationOptions& calibration, double seconds,
                                         const std::filesystem::path& out) {
  RunFolderWriter writer(out);
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& slot : twin.slots()) {
    layers.push_back({{"path", slot.path}, {"quantized", slot.quantized}, {"w_bits", slot.w_bits},
                      {"a_bits", slot.a_bits}, {"grid", kernels::to_string(slot.input_grid)}});
  }
  const VersionInfo versions = version_info();
  const nlohmann::json run = {
      {"schema_version", kRunSchemaVersion},
      {"kind", "quantize"},
      {"model", {{"dir", model.dir.string()}, {"sha256", model.weights_sha256}}},
      {"quant_config", to_json(twin.config())},
      {"calibration",
       {{"set", "uniform-over-sampler-steps"},
        {"samples", calibration.samples},
        {"seed", calibration.seed},
        {"sampler", to_string(calibration.sampler.kind)},
        {"steps", calibration.sampler.steps},
        {"skip", to_string(calibration.sampler.skip)},
        {"timesteps", sampling_timesteps(calibration.sampler, 1000)}}},
      {"layers", layers},
      {"versions", {{"tdq", versions.tdq}, {"libtorch", versions.libtorch}}},
      {"written", utc_timestamp()},
      {"metrics", {{"calibration_seconds", seconds}}}};
  writer.write_tensors(kQuantState, twin.state(), {{"quant_config", to_json(twin.config()).dump()}});
  writer.write_json(kRunJson, run);
  return writer.commit();
}

std::unique_ptr<QuantizedModel> load_quantize_run(const std::filesystem::path& run, const LoadedModel& model) {
  const nlohmann::json json = read_run_json(run);
  if (json.value("kind", "") != "quantize") throw ConfigError(run.string() + ": not a quantize run");
  const std::string sha = json.at("model").value("sha256", "");
  if (sha != model.weights_sha256) {
    throw ConfigError(run.string() + ": made for model " + sha.substr(0, 12) + "..., not for " +
                      model.dir.string() + " (" + model.weights_sha256.substr(0, 12) + "...)");
  }
  auto twin = std::make_unique<QuantizedModel>(*model.model, quant_config_from_json(json.at("quant_config")));
  try {
    twin->load_state(read_safetensors(run / kQuantState).tensors);
  } catch (const ConfigError& e) {
    throw ConfigError((run / kQuantState).string() + ": " + e.what());
  }
  return twin;
}

}  // namespace tdq
