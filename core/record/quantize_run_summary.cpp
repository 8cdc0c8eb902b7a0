#include "core/record/quantize_run_summary.h"

#include <ATen/ATen.h>

#include <limits>

#include <nlohmann/json.hpp>

#include "core/common/errors.h"
#include "core/common/json_file.h"
#include "core/diffusion/noise_schedule.h"
#include "core/model/find_model.h"
#include "core/quant/quant_run.h"
#include "core/record/clip_bounds.h"
#include "core/record/scale_curves.h"
#include "core/run/run_folder.h"

namespace tdq {

QuantizeRunSummary read_quantize_run_summary(const std::filesystem::path& run) {
  const nlohmann::json json = read_run_json(run, "quantize");
  const auto file = run / kRunJson;
  QuantizeRunSummary out;
  out.run = run;
  const auto written = json_field<std::string>(json, "/model/dir", file);
  const LoadedModel model =
      find_model(run, written, json_field<std::string>(json, "/model/sha256", file));
  out.model_dir = model.dir;
  out.model_sha256 = model.weights_sha256;
  out.config_json = json_field<nlohmann::json>(json, "/quant_config", file).dump(2);
  const std::unique_ptr<QuantizedModel> twin = load_quantize_run(json, run, model);
  out.method = to_string(twin->config().method);
  out.num_timesteps = linear_schedule().num_timesteps;

  const auto& layers = model.model->layers();
  const auto count = static_cast<std::int64_t>(layers.size());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  out.weight_step_min = at::full({count}, nan, at::kDouble);
  out.weight_step_mean = at::full({count}, nan, at::kDouble);
  out.weight_step_max = at::full({count}, nan, at::kDouble);
  const auto state = twin->state();
  for (const auto& layer : layers) {
    const QuantizerSlot& slot = twin->slots().at(static_cast<std::size_t>(layer.index));
    AnalysisLayer l;
    l.index = layer.index;
    l.path = layer.path;
    l.kind = to_string(layer.kind);
    l.quantizer = slot.quantized;
    l.a_bits = slot.quantized ? slot.a_bits : 0;
    l.w_bits = slot.quantized ? slot.w_bits : 0;
    l.grid = slot.quantized ? kernels::to_string(slot.input_grid) : "";
    out.layers.push_back(l);
    auto it = state.find("weight." + layer.path + ".scale");
    if (!slot.quantized || it == state.end()) continue;
    const at::Tensor s = it->second.to(at::kDouble);
    out.weight_step_min.data_ptr<double>()[layer.index] = s.min().item<double>();
    out.weight_step_mean.data_ptr<double>()[layer.index] = s.mean().item<double>();
    out.weight_step_max.data_ptr<double>()[layer.index] = s.max().item<double>();
  }
  out.scale_curve = scale_curves(*twin, out.num_timesteps);
  const IntervalCurves curves = interval_curves(*twin, out.num_timesteps);
  out.interval_lo = curves.lo;
  out.interval_hi = curves.hi;
  return out;
}

}  // namespace tdq
