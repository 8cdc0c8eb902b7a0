#include "core/sensitivity/sensitivity_run.h"

#include <ATen/ATen.h>

#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/common/errors.h"
#include "core/common/file_io.h"
#include "core/common/json_file.h"
#include "core/model/safetensors.h"
#include "core/run/run_folder.h"

namespace tdq {

namespace {

constexpr const char* kKind = "sensitivity";
constexpr const char* kTensors = "sensitivity.safetensors";

// Mean and sample standard deviation over the seeds (dimension 0) of a [seeds, windows] slice.
std::pair<double, double> seed_stats(const at::Tensor& per_seed, std::int64_t window) {
  const at::Tensor v = per_seed.select(1, window);
  const double mean = v.mean().item<double>();
  const double spread = v.size(0) > 1 ? v.std().item<double>() : 0.0;
  return {mean, spread};
}

void csv_rows(std::ostringstream& csv, const SensitivityResult& r, const std::string& kind,
              int bits, std::int64_t row, const at::Tensor& per_seed) {
  for (std::size_t w = 0; w < r.windows.size(); ++w) {
    const auto& win = r.windows[w];
    const auto [mean, spread] = seed_stats(per_seed, static_cast<std::int64_t>(w));
    char numbers[64];
    std::snprintf(numbers, sizeof numbers, "%.9g,%.9g", mean, spread);
    csv << (row >= 0 ? std::to_string(r.layers[static_cast<std::size_t>(row)].index) : "") << ","
        << (row >= 0 ? r.layers[static_cast<std::size_t>(row)].path : "") << "," << kind << ","
        << bits << "," << w << "," << win.first_step << "," << win.last_step << "," << win.t_first
        << "," << win.t_last << "," << numbers << "\n";
  }
}

void check_shape(const at::Tensor& t, std::vector<std::int64_t> shape, const char* name,
                 const std::filesystem::path& file) {
  if (!t.defined() || t.sizes() != at::IntArrayRef(shape) || t.scalar_type() != at::kDouble) {
    throw FormatError(file, std::string("'") + name + "' does not have the shape run.json gives");
  }
  if (!at::isfinite(t).all().item<bool>())
    throw FormatError(file, std::string("'") + name + "' holds NaN or Inf values");
}

}  // namespace

std::string sensitivity_csv(const SensitivityResult& r) {
  std::ostringstream csv;
  csv << "layer,path,kind,bits,window,step_first,step_last,t_first,t_last,mse_mean,mse_seed_std\n";
  for (std::int64_t i = 0; i < r.twin_error.size(1); ++i) {
    csv_rows(csv, r, "twin" + std::to_string(i), 0, -1, r.twin_error.select(1, i));
    if (r.twin_final_error.defined())  // final-sample error, the twin from that window on
      csv_rows(csv, r, "twin" + std::to_string(i) + "_final", 0, -1,
               r.twin_final_error.select(1, i));
  }
  for (std::int64_t row = 0; row < r.layers_done; ++row) {
    for (std::size_t c = 0; c < r.weight_bits.size(); ++c)
      csv_rows(csv, r, "weight", r.weight_bits[c], row,
               r.weight_damage.select(1, static_cast<std::int64_t>(c)).select(1, row));
    for (std::size_t c = 0; c < r.input_bits.size(); ++c)
      csv_rows(csv, r, "input", r.input_bits[c], row,
               r.input_damage.select(1, static_cast<std::int64_t>(c)).select(1, row));
    csv_rows(csv, r, "keep_fp_gain", 0, row, r.keep_fp_gain.select(1, row));
  }
  return csv.str();
}

std::filesystem::path write_sensitivity_run(const SensitivityRun& run,
                                            const std::filesystem::path& out) {
  const SensitivityResult& r = run.result;
  nlohmann::json json = run_envelope(kKind);
  nlohmann::json runs = nlohmann::json::array();
  for (const auto& p : run.quant_runs) runs.push_back(p.string());
  nlohmann::json windows = nlohmann::json::array();
  for (const auto& w : r.windows) {
    windows.push_back({{"first_step", w.first_step},
                       {"last_step", w.last_step},
                       {"t_first", w.t_first},
                       {"t_last", w.t_last}});
  }
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& l : r.layers) {
    layers.push_back({{"index", l.index},
                      {"path", l.path},
                      {"parameters", l.parameters},
                      {"input_elements", l.input_elements}});
  }
  const auto& o = run.options;
  json.update({{"model", run_model_json(run.model_dir, run.model_sha256)},
               {"quant_runs", runs},
               {"base_config", to_json(run.base_config)},
               {"sampler",
                {{"kind", to_string(o.sampler.kind)},
                 {"steps", o.sampler.steps},
                 {"skip", to_string(o.sampler.skip)},
                 {"clip_x0", o.sampler.clip_x0}}},
               {"count", o.count},
               {"batch_size", o.batch_size},
               {"seeds", o.seeds},
               {"per_layer", o.per_layer},
               {"final_errors", r.twin_sample_error.defined()},
               {"timesteps", r.timesteps},
               {"windows", windows},
               {"layers", layers},
               {"weight_bits", r.weight_bits},
               {"input_bits", r.input_bits},
               {"weight_run", r.weight_twin},
               {"input_run", r.input_twin},
               {"seconds", r.seconds},
               {"error",
                "mean squared difference of the predicted noise against the FP model, "
                "local mode (FP x_t), averaged over samples and the steps of a window"}});
  std::map<std::string, at::Tensor> tensors = {{"weight_damage", r.weight_damage},
                                               {"input_damage", r.input_damage},
                                               {"keep_fp_gain", r.keep_fp_gain},
                                               {"twin_error", r.twin_error}};
  if (r.twin_sample_error.defined()) {
    json["final_error"] =
        "mean squared difference of the final samples against FP's from the same noise, the twin "
        "from a window to the last step (twin_final_error) or in every step (twin_sample_error)";
    tensors.emplace("twin_sample_error", r.twin_sample_error);
    if (r.twin_final_error.defined())
      tensors.emplace("twin_final_error", r.twin_final_error);
    else
      json["final_per_window"] = false;  // absent: measured from every window (runs before it)
  }
  if (r.twin_sample_errors.defined()) {
    json["sample_errors"] =
        "per sample, the twin in every step: mean squared difference of the final sample "
        "(twin_sample_errors) and of its features (twin_feature_errors, per dimension) against "
        "FP's";
    tensors.emplace("twin_sample_errors", r.twin_sample_errors);
  }
  if (r.twin_feature_errors.defined()) {
    json["feature_errors"] = o.features ? o.features->name() : "unknown network";
    tensors.emplace("twin_feature_errors", r.twin_feature_errors);
  }
  RunFolderWriter writer(out);
  writer.write_json(kRunJson, json);
  writer.write_tensors(kTensors, tensors);
  std::filesystem::create_directories(writer.temp_dir() / "tables");
  write_file_atomic(writer.temp_dir() / "tables" / "sensitivity.csv", sensitivity_csv(r));
  return writer.commit();
}

SensitivityRun read_sensitivity_run(const std::filesystem::path& dir) {
  const nlohmann::json json = read_run_json(dir, kKind);
  const auto file = dir / kRunJson;
  SensitivityRun run;
  SensitivityResult& r = run.result;
  const auto model = json_field<nlohmann::json>(json, "/model", file);
  run.model_dir = json_field<std::string>(model, "/dir", file);
  run.model_sha256 = json_field<std::string>(model, "/sha256", file);
  for (const auto& p : json_field<std::vector<std::string>>(json, "/quant_runs", file))
    run.quant_runs.emplace_back(p);
  try {
    run.base_config = quant_config_from_json(json.at("base_config"));
  } catch (const std::exception& e) {
    throw FormatError(file, std::string("base_config: ") + e.what());
  }
  auto& o = run.options;
  const auto sampler = json_field<nlohmann::json>(json, "/sampler", file);
  try {
    o.sampler.kind = parse_sampler_kind(json_field<std::string>(sampler, "/kind", file));
    o.sampler.skip = parse_skip_kind(json_field<std::string>(sampler, "/skip", file));
  } catch (const ConfigError& e) {
    throw FormatError(file, std::string("sampler: ") + e.what());
  }
  o.sampler.steps = json_field<std::int64_t>(sampler, "/steps", file);
  o.sampler.clip_x0 = json_field<bool>(sampler, "/clip_x0", file);
  o.count = json_field<std::int64_t>(json, "/count", file);
  o.batch_size = json_field<std::int64_t>(json, "/batch_size", file);
  o.seeds = json_field<std::vector<std::uint64_t>>(json, "/seeds", file);
  o.per_layer = json_field<bool>(json, "/per_layer", file);
  // Absent in runs measured before the final-sample errors existed.
  o.final_errors = json.contains("final_errors") && json_field<bool>(json, "/final_errors", file);
  o.final_per_window =
      !json.contains("final_per_window") || json_field<bool>(json, "/final_per_window", file);
  r.timesteps = json_field<std::vector<std::int64_t>>(json, "/timesteps", file);
  for (const auto& w : json_field<nlohmann::json>(json, "/windows", file)) {
    r.windows.push_back({json_field<std::int64_t>(w, "/first_step", file),
                         json_field<std::int64_t>(w, "/last_step", file),
                         json_field<std::int64_t>(w, "/t_first", file),
                         json_field<std::int64_t>(w, "/t_last", file)});
  }
  o.windows = static_cast<std::int64_t>(r.windows.size());
  for (const auto& l : json_field<nlohmann::json>(json, "/layers", file)) {
    r.layers.push_back({json_field<int>(l, "/index", file),
                        json_field<std::string>(l, "/path", file),
                        json_field<std::int64_t>(l, "/parameters", file),
                        json_field<std::int64_t>(l, "/input_elements", file)});
  }
  r.weight_bits = json_field<std::vector<int>>(json, "/weight_bits", file);
  r.input_bits = json_field<std::vector<int>>(json, "/input_bits", file);
  r.weight_twin = json_field<std::vector<std::size_t>>(json, "/weight_run", file);
  r.input_twin = json_field<std::vector<std::size_t>>(json, "/input_run", file);
  r.seconds = json_field<double>(json, "/seconds", file);
  if (r.weight_bits.size() != r.weight_twin.size() || r.input_bits.size() != r.input_twin.size() ||
      r.windows.empty() || r.layers.empty() || run.quant_runs.empty()) {
    throw FormatError(file, "bit candidates, windows, layers or runs are empty or inconsistent");
  }
  const auto tensors_file = dir / kTensors;
  const SafetensorsFile saved = read_safetensors(tensors_file);
  const auto get = [&](const char* name) {
    const auto it = saved.tensors.find(name);
    if (it == saved.tensors.end())
      throw FormatError(tensors_file, std::string("no '") + name + "'");
    return it->second;
  };
  const auto seeds = static_cast<std::int64_t>(o.seeds.size());
  const auto rows = static_cast<std::int64_t>(r.layers.size());
  const auto windows = static_cast<std::int64_t>(r.windows.size());
  r.weight_damage = get("weight_damage");
  r.input_damage = get("input_damage");
  r.keep_fp_gain = get("keep_fp_gain");
  r.twin_error = get("twin_error");
  check_shape(r.weight_damage,
              {seeds, static_cast<std::int64_t>(r.weight_bits.size()), rows, windows},
              "weight_damage", tensors_file);
  check_shape(r.input_damage,
              {seeds, static_cast<std::int64_t>(r.input_bits.size()), rows, windows},
              "input_damage", tensors_file);
  check_shape(r.keep_fp_gain, {seeds, rows, windows}, "keep_fp_gain", tensors_file);
  const auto twins = static_cast<std::int64_t>(run.quant_runs.size());
  check_shape(r.twin_error, {seeds, twins, windows}, "twin_error", tensors_file);
  if (o.final_errors) {
    if (o.final_per_window) {
      r.twin_final_error = get("twin_final_error");
      check_shape(r.twin_final_error, {seeds, twins, windows}, "twin_final_error", tensors_file);
    }
    r.twin_sample_error = get("twin_sample_error");
    check_shape(r.twin_sample_error, {seeds, twins}, "twin_sample_error", tensors_file);
  }
  // Per-sample errors: in runs measured since 2026-12-05 (optional, as their run.json says).
  for (const auto& [key, name, t] :
       {std::tuple{"sample_errors", "twin_sample_errors", &r.twin_sample_errors},
        std::tuple{"feature_errors", "twin_feature_errors", &r.twin_feature_errors}}) {
    if (!json.contains(key)) continue;
    *t = get(name);
    check_shape(*t, {seeds, twins, o.count}, name, tensors_file);
  }
  r.layers_done = o.per_layer ? rows : 0;
  return run;
}

}  // namespace tdq

namespace tdq {

namespace {

SensitivityMatrix matrix_of(const std::string& kind, int bits, const at::Tensor& per_seed) {
  // per_seed: [seeds, layers, windows]
  SensitivityMatrix m;
  m.kind = kind;
  m.bits = bits;
  const at::Tensor mean = per_seed.mean(0).contiguous();
  const at::Tensor spread =
      (per_seed.size(0) > 1 ? per_seed.std(0) : at::zeros_like(mean)).contiguous();
  m.mean.assign(mean.data_ptr<double>(), mean.data_ptr<double>() + mean.numel());
  m.spread.assign(spread.data_ptr<double>(), spread.data_ptr<double>() + spread.numel());
  const at::Tensor layer = per_seed.mean(std::vector<std::int64_t>{0, 2}).contiguous();
  m.layer_mean.assign(layer.data_ptr<double>(), layer.data_ptr<double>() + layer.numel());
  return m;
}

}  // namespace

SensitivitySummary summarize_sensitivity(const SensitivityRun& run) {
  const SensitivityResult& r = run.result;
  SensitivitySummary s;
  for (const auto& l : r.layers) s.layer_paths.push_back(l.path);
  s.windows = r.windows;
  const at::Tensor twin = r.twin_error.mean(std::vector<std::int64_t>{0, 2}).contiguous();
  s.twin_error.assign(twin.data_ptr<double>(), twin.data_ptr<double>() + twin.numel());
  if (r.layers_done < static_cast<std::int64_t>(r.layers.size())) return s;  // whole twins only
  for (std::size_t c = 0; c < r.weight_bits.size(); ++c)
    s.matrices.push_back(matrix_of("weight", r.weight_bits[c],
                                   r.weight_damage.select(1, static_cast<std::int64_t>(c))));
  for (std::size_t c = 0; c < r.input_bits.size(); ++c)
    s.matrices.push_back(matrix_of("input", r.input_bits[c],
                                   r.input_damage.select(1, static_cast<std::int64_t>(c))));
  s.matrices.push_back(matrix_of("keep_fp_gain", 0, r.keep_fp_gain));
  // (ours) With final errors, the same damages as they reach the final sample (each window's times
  // the gain of the twin that measured it): what `search-bits --damage final` adds up.
  if (r.twin_final_error.defined()) {
    const auto final = [&](const char* kind, int bits, const at::Tensor& per_seed,
                           std::size_t twin) {
      const at::Tensor gains = at::tensor(window_gains(r, twin), at::kDouble).view({1, 1, -1});
      s.matrices.push_back(matrix_of(kind, bits, per_seed * gains));
    };
    for (std::size_t c = 0; c < r.weight_bits.size(); ++c)
      final("weight_final", r.weight_bits[c],
            r.weight_damage.select(1, static_cast<std::int64_t>(c)), r.weight_twin[c]);
    for (std::size_t c = 0; c < r.input_bits.size(); ++c)
      final("input_final", r.input_bits[c], r.input_damage.select(1, static_cast<std::int64_t>(c)),
            r.input_twin[c]);
  }
  return s;
}

BitSearchRun read_bit_search_run(const std::filesystem::path& dir) {
  const nlohmann::json json = read_run_json(dir, "bit-search");
  const auto file = dir / kRunJson;
  BitSearchRun run;
  try {
    run.sensitivity_run = json.at("sensitivity_run").get<std::string>();
    run.predicted = json.at("predicted").get<double>();
    const auto kind = [&](const char* name, double& mean_bits, std::vector<ParetoPoint>& front) {
      const auto& k = json.at(name);
      mean_bits = k.at("mean_bits").get<double>();
      if (!k.contains("pareto")) return;
      for (const auto& p : k.at("pareto").at("points"))
        front.push_back({p.at("mean_bits").get<double>(), p.at("predicted").get<double>()});
    };
    kind("weight", run.weight_mean_bits, run.weight_front);
    kind("input", run.input_mean_bits, run.input_front);
    if (json.contains("validation")) {
      const auto& v = json.at("validation");
      for (const auto& c : v.at("configs")) {
        run.validation.push_back(
            {c.at("name").get<std::string>(), c.at("weight_mean_bits").get<double>(),
             c.at("input_mean_bits").get<double>(), c.at("predicted").get<double>(),
             c.at("measured").get<double>(), c.at("measured_per_seed").get<std::vector<double>>()});
      }
      const auto& rank = v.at("spearman_predicted_vs_measured");
      if (rank.is_number()) run.spearman = rank.get<double>();
    }
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(file, std::string("not a complete bit-search run: ") + e.what());
  }
  return run;
}

}  // namespace tdq
