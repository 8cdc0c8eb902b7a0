#include "core/record/analysis.h"

#include <ATen/ATen.h>

#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "core/common/errors.h"
#include "core/dist/shard.h"
#include "core/quant/quant_config.h"
#include "core/record/clip_bounds.h"
#include "core/record/layer_summary.h"
#include "core/record/oracle_analysis.h"
#include "core/record/reduce_record.h"
#include "core/record/scale_curves.h"
#include "core/run/run_folder.h"

namespace tdq {

namespace {

using Getter = double LayerStepValues::*;
struct StatField {
  const char* name;
  Getter field;
};
constexpr StatField kRangeStats[] = {
    {"min", &LayerStepValues::min},         {"max", &LayerStepValues::max},
    {"abs_max", &LayerStepValues::abs_max}, {"mean", &LayerStepValues::mean},
    {"std", &LayerStepValues::std},         {"p0.1", &LayerStepValues::p001},
    {"p99.9", &LayerStepValues::p999}};
constexpr StatField kQuantStats[] = {
    {"clip_fraction", &LayerStepValues::clip_fraction}, {"mse_in", &LayerStepValues::mse_in},
    {"sqnr_in_db", &LayerStepValues::sqnr_in_db},       {"mse_out", &LayerStepValues::mse_out},
    {"sqnr_out_db", &LayerStepValues::sqnr_out_db},     {"scale", &LayerStepValues::scale}};

void add_stream(std::map<std::string, at::Tensor>& arrays, const StreamRecord& stream,
                bool quantized) {
  const std::int64_t layers = stream.layers(), steps = stream.steps(), bins = stream.bins();
  std::map<std::string, at::Tensor> out;
  for (const auto& s : kRangeStats) out[s.name] = at::empty({layers, steps}, at::kDouble);
  if (quantized) {
    for (const auto& s : kQuantStats) out[s.name] = at::empty({layers, steps}, at::kDouble);
  }
  out["count"] = at::empty({layers, steps}, at::kDouble);
  at::Tensor histogram;
  if (bins > 0) histogram = at::zeros({layers, steps, bins + 2}, at::kLong);
  for (std::int64_t l = 0; l < layers; ++l) {
    for (std::int64_t k = 0; k < steps; ++k) {
      const LayerStepAccumulator& acc = stream.at(l, k);
      const LayerStepValues v = finalize(acc, stream.range(l));
      for (const auto& s : kRangeStats)
        out[s.name].data_ptr<double>()[l * steps + k] = v.*(s.field);
      if (quantized) {
        for (const auto& s : kQuantStats)
          out[s.name].data_ptr<double>()[l * steps + k] = v.*(s.field);
      }
      out["count"].data_ptr<double>()[l * steps + k] = static_cast<double>(acc.count);
      if (bins > 0 && !acc.histogram.empty()) {
        std::copy(acc.histogram.begin(), acc.histogram.end(),
                  histogram.data_ptr<std::int64_t>() + (l * steps + k) * (bins + 2));
      }
    }
  }
  for (auto& [name, tensor] : out) arrays[stream.name() + "." + name] = tensor;
  if (bins > 0) arrays[stream.name() + ".histogram"] = histogram;
}

at::Tensor per_step(const std::vector<double>& sums, const std::vector<std::int64_t>& counts) {
  at::Tensor out = at::empty({static_cast<std::int64_t>(sums.size())}, at::kDouble);
  for (std::size_t k = 0; k < sums.size(); ++k) {
    out.data_ptr<double>()[k] = counts[k] > 0 ? sums[k] / static_cast<double>(counts[k])
                                              : std::numeric_limits<double>::quiet_NaN();
  }
  return out;
}

std::vector<std::vector<double>> rows(const at::Tensor& t) {
  const at::Tensor c = t.to(at::kDouble).contiguous();
  std::vector<std::vector<double>> out(static_cast<std::size_t>(c.size(0)));
  for (std::int64_t l = 0; l < c.size(0); ++l) {
    const double* p = c.data_ptr<double>() + l * c.size(1);
    out[static_cast<std::size_t>(l)].assign(p, p + c.size(1));
  }
  return out;
}

nlohmann::json finite_or_null(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json();
}

}  // namespace

std::vector<std::int64_t> Analysis::timesteps() const {
  const at::Tensor t = array("timesteps").to(at::kLong).contiguous();
  return std::vector<std::int64_t>(t.data_ptr<std::int64_t>(),
                                   t.data_ptr<std::int64_t>() + t.numel());
}

const at::Tensor& Analysis::array(const std::string& key) const {
  auto it = arrays.find(key);
  if (it == arrays.end()) throw ConfigError("analysis has no array '" + key + "'");
  return it->second;
}

TimeDependence time_dependence_of(const std::vector<AnalysisLayer>& layers,
                                  const std::map<std::string, at::Tensor>& arrays) {
  auto get = [&](const std::string& key) -> const at::Tensor& {
    auto it = arrays.find(key);
    if (it == arrays.end()) throw ConfigError("analysis has no array '" + key + "'");
    return it->second;
  };
  const at::Tensor t = get("timesteps").to(at::kLong).contiguous();
  const std::vector<std::int64_t> ts(t.data_ptr<std::int64_t>(),
                                     t.data_ptr<std::int64_t>() + t.numel());
  std::vector<char> considered;
  for (const auto& layer : layers) considered.push_back(layer.quantizer ? 1 : 0);
  return time_dependence(ts, rows(get("fp.max")), rows(get("fp.max") - get("fp.min")),
                         rows(get("fp.p99.9") - get("fp.p0.1")), considered);
}

Analysis make_analysis(const SideBySideRecord& record, const UNetImpl& model,
                       const QuantizedModel* twin, AnalysisInfo info) {
  Analysis a;
  const std::int64_t steps = static_cast<std::int64_t>(record.timesteps.size());
  // Without a twin, "quantizer inputs" are those the default placement would quantize.
  const std::vector<QuantizerSlot> slots =
      twin ? twin->slots() : place_quantizers(model.layers(), QuantConfig{});
  for (const auto& layer : model.layers()) {
    const QuantizerSlot& slot = slots.at(static_cast<std::size_t>(layer.index));
    AnalysisLayer out;
    out.index = layer.index;
    out.path = layer.path;
    out.kind = to_string(layer.kind);
    out.quantizer = slot.quantized;
    out.a_bits = slot.quantized ? slot.a_bits : 0;
    out.w_bits = twin && slot.quantized ? slot.w_bits : 0;
    out.grid = slot.quantized ? kernels::to_string(slot.input_grid) : "";
    a.layers.push_back(out);
  }
  a.arrays["timesteps"] = at::tensor(record.timesteps, at::kLong);
  const std::int64_t bins = record.fp.bins();
  if (bins > 0) {
    at::Tensor edges = at::empty({record.fp.layers(), bins + 1}, at::kDouble);
    for (std::int64_t l = 0; l < record.fp.layers(); ++l) {
      const HistogramRange& r = record.fp.range(l);
      for (std::int64_t i = 0; i <= bins; ++i) {
        edges.data_ptr<double>()[l * (bins + 1) + i] =
            r.lo + (r.hi - r.lo) * static_cast<double>(i) / static_cast<double>(bins);
      }
    }
    a.arrays["edges"] = edges;
  }
  add_stream(a.arrays, record.fp, false);
  if (record.has_twin) {
    add_stream(a.arrays, record.local, true);
    add_stream(a.arrays, record.trajectory, true);
    a.arrays["step.xt_mse"] = per_step(record.xt_sq, record.values);
    a.arrays["step.eps_mse_local"] = per_step(record.eps_sq_local, record.values);
    a.arrays["step.eps_mse_trajectory"] = per_step(record.eps_sq_trajectory, record.values);
    a.arrays["step.fallbacks"] = at::tensor(record.fallbacks, at::kLong);
    std::vector<std::int64_t> calibrated(static_cast<std::size_t>(steps), 0);
    for (std::size_t k = 0; k < calibrated.size(); ++k) {
      for (std::int64_t t : info.calibration_timesteps) {
        if (t == record.timesteps[k]) calibrated[k] = 1;
      }
    }
    a.arrays["step.calibrated"] = at::tensor(calibrated, at::kLong);
    if (twin) {
      a.arrays["scale_curve"] = scale_curves(*twin, info.num_timesteps);
      const IntervalCurves at_steps = interval_curves(*twin, record.timesteps);
      a.arrays["interval.lo"] = at_steps.lo;
      a.arrays["interval.hi"] = at_steps.hi;
      a.arrays["interval.clipped"] =
          envelope_clipped(a.arrays.at("fp.min"), a.arrays.at("fp.max"), at_steps.lo, at_steps.hi);
      const IntervalCurves all_t = interval_curves(*twin, info.num_timesteps);
      a.arrays["interval_curve.lo"] = all_t.lo;
      a.arrays["interval_curve.hi"] = all_t.hi;
    }
  }
  a.time_dependence = time_dependence_of(a.layers, a.arrays);
  for (const auto& stat : a.time_dependence.stats) {
    a.arrays["pearson." + stat.statistic] = at::tensor(stat.r, at::kDouble);
  }
  for (auto& [key, tensor] :
       layer_summaries(a.layers, a.arrays, a.time_dependence, record.has_twin)) {
    a.arrays[key] = tensor;
  }
  info.accumulator_bytes = static_cast<std::int64_t>(record.accumulator_bytes());
  info.seconds_record = record.seconds;
  a.info = std::move(info);
  return a;
}

AnalysisRun run_analysis(const LoadedModel& model, QuantizedModel* twin,
                         const std::string& quant_run, const NoiseSchedule& schedule,
                         const AnalyzeOptions& options, const ProgressFn& progress,
                         const DistContext& dist) {
  if (options.edge_samples < 1) {
    throw ConfigError("analysis.edge_samples", std::to_string(options.edge_samples),
                      "must be positive");
  }
  UNetImpl& unet = *model.model.ptr();  // sampling runs the module; the weights stay as they are
  const std::int64_t layers = static_cast<std::int64_t>(unet.layers().size());
  const std::int64_t steps = options.record.sampler.steps;
  const std::int64_t edge_count = std::min(options.edge_samples, options.record.count);
  const std::int64_t edge_batches =
      (edge_count + options.record.batch_size - 1) / options.record.batch_size;
  const std::int64_t main_batches =
      (options.record.count + options.record.batch_size - 1) / options.record.batch_size;
  // This rank's share of the record; the edge pass is small and every rank makes it whole, so
  // every rank has the same bin edges without a collective.
  SideBySideOptions mine = options.record;
  const BatchShard shard =
      checked_batch_shard(main_batches, dist, "record.count", std::to_string(options.record.count));
  mine.first_batch = shard.first;
  mine.end_batch = shard.end;
  const std::int64_t total = (edge_batches + shard.end - shard.first) * steps;

  // Pass 1: each layer's min..max over every step of the first samples (FP, same seeds).
  SideBySideOptions edge = options.record;
  edge.count = edge_count;
  edge.bins = 0;
  edge.keep_images = 0;
  edge.step_image_every = 0;
  const SideBySideRecord ranges_only = record_side_by_side(
      unet, nullptr, schedule, edge, std::vector<HistogramRange>(static_cast<std::size_t>(layers)),
      [&](const ProgressInfo& p) {
        return !progress || progress({p.done, total, "edges " + p.message});
      });
  // Pass 2: the record.
  SideBySideRecord record = record_side_by_side(
      unet, twin, schedule, mine, histogram_ranges(ranges_only.fp), [&](const ProgressInfo& p) {
        return !progress || progress({edge_batches * steps + p.done, total, p.message});
      });
  all_reduce_record(dist, record, options.record.count, options.record.keep_images);

  AnalysisInfo info;
  info.model_dir = model.dir.string();
  info.model_sha256 = model.weights_sha256;
  info.quant_run = twin ? quant_run : "";
  info.quant_method = twin ? to_string(twin->config().method) : "";
  info.sampler = to_string(options.record.sampler.kind);
  info.skip = to_string(options.record.sampler.skip);
  info.steps = steps;
  info.clip_x0 = options.record.sampler.clip_x0;
  info.n = options.record.count;
  info.batch = options.record.batch_size;
  info.bins = options.record.bins;
  info.edge_samples = edge_count;
  info.seed = options.record.seed;
  info.num_timesteps = schedule.num_timesteps;
  info.seconds_edges = ranges_only.seconds;
  if (twin) info.calibration_timesteps = options.calibration_timesteps;
  info.oracle_bits = options.oracle_bits;
  info.world_size = dist.world_size;
  AnalysisRun run;
  run.analysis = make_analysis(record, unet, twin, info);
  // What a perfect time-dependent interval could gain over the best static one, per layer.
  if (info.bins > 0) add_oracle_bound(run.analysis, info.oracle_bits);
  run.fp_images = record.fp_images;
  run.quant_images = record.quant_images;
  run.step_images = record.step_images;
  return run;
}

nlohmann::json to_json(const AnalysisInfo& i) {
  return {{"model", run_model_json(i.model_dir, i.model_sha256)},
          {"quant",
           {{"run", i.quant_run},
            {"method", i.quant_method},
            {"calibration_timesteps", i.calibration_timesteps}}},
          {"sampler",
           {{"kind", i.sampler}, {"skip", i.skip}, {"steps", i.steps}, {"clip_x0", i.clip_x0}}},
          {"n", i.n},
          {"batch", i.batch},
          {"seed", i.seed},
          {"num_timesteps", i.num_timesteps},
          {"oracle_bits", i.oracle_bits},
          {"histogram",
           {{"bins", i.bins},
            {"edge_samples", i.edge_samples},
            {"edges",
             "fixed per layer from a first FP pass over the first edge_samples samples (min..max "
             "over all "
             "steps, widened 5% each side); values outside go to under/overflow buckets"}}},
          {"seconds", {{"edges", i.seconds_edges}, {"record", i.seconds_record}}},
          {"accumulator_bytes", i.accumulator_bytes},
          {"world_size", i.world_size}};
}

nlohmann::json summary_json(const Analysis& a) {
  const TimeDependence& td = a.time_dependence;
  nlohmann::json stats = nlohmann::json::object();
  for (const auto& s : td.stats) {
    stats[s.statistic] = {{"layers", s.layers},
                          {"undefined", s.undefined},
                          {"above_0.5", s.above_05},
                          {"above_0.7", s.above_07},
                          {"fraction_above_0.5", finite_or_null(s.fraction_05)},
                          {"fraction_above_0.7", finite_or_null(s.fraction_07)}};
  }
  const TimeDependenceStat& head = td.stat(td.headline);
  auto list = [&](const std::vector<int>& layers) {
    nlohmann::json out = nlohmann::json::array();
    for (int l : layers) {
      out.push_back({{"layer", l},
                     {"path", a.layers.at(static_cast<std::size_t>(l)).path},
                     {"r", finite_or_null(head.r.at(static_cast<std::size_t>(l)))}});
    }
    return out;
  };
  nlohmann::json undefined = nlohmann::json::array();
  for (std::size_t l = 0; l < head.r.size(); ++l) {
    if (head.considered[l] && !std::isfinite(head.r[l])) undefined.push_back(a.layers[l].path);
  }
  nlohmann::json summary = {
      {"statistic", td.headline},
      {"layers", head.layers},
      {"fraction_above_0.5", finite_or_null(head.fraction_05)},
      {"fraction_above_0.7", finite_or_null(head.fraction_07)},
      {"paper",
       {{"fraction_above_0.5", kPaperFractionAbove05},
        {"fraction_above_0.7", kPaperFractionAbove07},
        {"source", "So et al. 2023, DDIM CIFAR-10 (docs/method.md section 9)"}}},
      {"undefined_layers", undefined},
      {"most_time_dependent", list(td.most)},
      {"least_time_dependent", list(td.least)},
      {"statistics", stats}};
  if (a.has_quant()) {
    auto mean_of = [&](const std::string& key) {
      const at::Tensor v = a.array(key);
      const at::Tensor finite = v.masked_select(at::isfinite(v));
      return finite.numel() ? finite.mean().item<double>()
                            : std::numeric_limits<double>::quiet_NaN();
    };
    summary["quant"] = {
        {"eps_mse_local_mean", finite_or_null(mean_of("step.eps_mse_local"))},
        {"eps_mse_trajectory_mean", finite_or_null(mean_of("step.eps_mse_trajectory"))},
        {"xt_mse_final_step", finite_or_null(a.array("step.xt_mse")[-1].item<double>())},
        {"fallback_forwards", a.array("step.fallbacks").sum().item<std::int64_t>()},
        {"calibrated_steps", a.array("step.calibrated").sum().item<std::int64_t>()},
        {"steps", a.info.steps},
        {"local_sqnr_out_db_mean", finite_or_null(mean_of("local.sqnr_out_db"))},
        {"trajectory_sqnr_out_db_mean", finite_or_null(mean_of("trajectory.sqnr_out_db"))},
        {"local_clip_fraction_mean", finite_or_null(mean_of("local.clip_fraction"))}};
  }
  const nlohmann::json oracle = oracle_summary_json(a, a.info.oracle_bits);
  if (!oracle.is_null()) summary["oracle"] = oracle;
  return summary;
}

}  // namespace tdq
