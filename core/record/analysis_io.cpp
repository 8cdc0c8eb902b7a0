#include "core/record/analysis_io.h"

#include <ATen/ATen.h>

#include <cmath>
#include <cstdio>
#include <iterator>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/common/errors.h"
#include "core/common/file_io.h"
#include "core/common/json_file.h"
#include "core/common/version.h"
#include "core/image/image_grid.h"
#include "core/model/safetensors.h"
#include "core/record/layer_summary.h"
#include "core/record/step_images_io.h"
#include "core/run/run_folder.h"

namespace tdq {

namespace {

constexpr const char* kRangeColumns[] = {"count", "min", "max",  "abs_max",
                                         "mean",  "std", "p0.1", "p99.9"};
constexpr const char* kQuantColumns[] = {"clip_fraction", "mse_in",      "sqnr_in_db",
                                         "mse_out",       "sqnr_out_db", "scale"};

std::string number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", v);
  return text;
}

double at2(const at::Tensor& t, std::int64_t i, std::int64_t j) {
  return t.data_ptr<double>()[i * t.size(1) + j];
}

double at1(const at::Tensor& t, std::int64_t i) { return t.data_ptr<double>()[i]; }

// The per-layer summaries (core/record/layer_summary.h), the numbers the layer table shows.
std::string layers_csv(const Analysis& a) {
  std::ostringstream out;
  out << "layer,path,kind,quantizer,w_bits,a_bits,grid,r_max,r_max_min,r_p99.9_p0.1,r_rank,min,max,"
         "mean_max_min";
  const std::vector<std::string> quant_columns = {
      "mse_in",        "sqnr_in_db", "sqnr_out_db", "sqnr_out_db_trajectory",
      "clip_fraction", "scale_min",  "scale_max"};
  if (a.has_quant()) {
    out << ",local_mse_in,local_sqnr_in_db,local_sqnr_out_db,trajectory_sqnr_out_db,"
           "local_clip_fraction,scale_min,scale_max";
  }
  // The oracle bound (oracle_analysis.h): input MSE of the best static interval and of s*(t).
  const bool oracle = a.arrays.count("oracle.mse_static") > 0;
  if (oracle) out << ",oracle_mse_static,oracle_mse";
  out << "\n";
  const at::Tensor rank = a.array("layer.r_rank").contiguous();
  std::vector<at::Tensor> range, quant;
  for (const char* c : {"layer.min", "layer.max", "layer.mean_range"})
    range.push_back(a.array(c).contiguous());
  if (a.has_quant()) {
    for (const auto& c : quant_columns) quant.push_back(a.array("layer." + c).contiguous());
  }
  for (std::size_t i = 0; i < a.layers.size(); ++i) {
    const auto& layer = a.layers[i];
    const auto l = static_cast<std::int64_t>(i);
    out << layer.index << "," << layer.path << "," << layer.kind << "," << (layer.quantizer ? 1 : 0)
        << "," << layer.w_bits << "," << layer.a_bits << "," << layer.grid;
    for (const auto& s : a.time_dependence.stats) out << "," << number(s.r[i]);
    out << "," << rank.data_ptr<std::int64_t>()[l];
    for (const auto& t : range) out << "," << number(at1(t, l));
    for (const auto& t : quant) out << "," << number(at1(t, l));
    if (oracle) {
      for (const char* c : {"oracle.mse_static", "oracle.mse_oracle"})
        out << "," << number(at1(a.arrays.at(c).to(at::kDouble).contiguous(), l));
    }
    out << "\n";
  }
  return out.str();
}

std::string layer_steps_csv(const Analysis& a) {
  std::ostringstream out;
  out << "stream,layer,path,step,t";
  for (const char* c : kRangeColumns) out << "," << c;
  for (const char* c : kQuantColumns) out << "," << c;
  out << ",interval_lo,interval_hi,interval_clipped\n";
  const auto ts = a.timesteps();
  std::vector<std::string> streams = {"fp"};
  if (a.has_quant()) {
    streams.push_back("local");
    streams.push_back("trajectory");
  }
  for (const auto& stream : streams) {
    std::vector<at::Tensor> range, quant;
    for (const char* c : kRangeColumns) range.push_back(a.array(stream + "." + c).contiguous());
    if (stream != "fp") {
      for (const char* c : kQuantColumns) quant.push_back(a.array(stream + "." + c).contiguous());
      // The bounds are the twin's at each step, the same for both quantized streams.
      quant.push_back(a.array("interval.lo").contiguous());
      quant.push_back(a.array("interval.hi").contiguous());
    }
    for (std::size_t i = 0; i < a.layers.size(); ++i) {
      for (std::size_t k = 0; k < ts.size(); ++k) {
        const auto l = static_cast<std::int64_t>(i), s = static_cast<std::int64_t>(k);
        out << stream << "," << i << "," << a.layers[i].path << "," << k << "," << ts[k];
        for (const auto& t : range) out << "," << number(at2(t, l, s));
        if (quant.empty()) {
          for (std::size_t c = 0; c < std::size(kQuantColumns) + 3; ++c) out << ",";
        }
        for (const auto& t : quant) out << "," << number(at2(t, l, s));
        if (!quant.empty()) {
          out << ","
              << a.array("interval.clipped")
                     .data_ptr<std::int64_t>()[l * static_cast<std::int64_t>(ts.size()) + s];
        }
        out << "\n";
      }
    }
  }
  return out.str();
}

std::string steps_csv(const Analysis& a) {
  std::ostringstream out;
  const auto ts = a.timesteps();
  out << "step,t";
  if (a.has_quant()) out << ",xt_mse,eps_mse_local,eps_mse_trajectory,fallbacks,calibrated";
  out << "\n";
  for (std::size_t k = 0; k < ts.size(); ++k) {
    const auto s = static_cast<std::int64_t>(k);
    out << k << "," << ts[k];
    if (a.has_quant()) {
      out << "," << number(a.array("step.xt_mse")[s].item<double>()) << ","
          << number(a.array("step.eps_mse_local")[s].item<double>()) << ","
          << number(a.array("step.eps_mse_trajectory")[s].item<double>()) << ","
          << a.array("step.fallbacks")[s].item<std::int64_t>() << ","
          << a.array("step.calibrated")[s].item<std::int64_t>();
    }
    out << "\n";
  }
  return out.str();
}

nlohmann::json layers_json(const Analysis& a) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& l : a.layers) {
    out.push_back({{"index", l.index},
                   {"path", l.path},
                   {"kind", l.kind},
                   {"quantizer", l.quantizer},
                   {"w_bits", l.w_bits},
                   {"a_bits", l.a_bits},
                   {"grid", l.grid}});
  }
  return out;
}

AnalysisInfo info_from_json(const nlohmann::json& j, const std::filesystem::path& file) {
  AnalysisInfo i;
  i.model_dir = json_field<std::string>(j, "/model/dir", file);
  i.model_sha256 = json_field<std::string>(j, "/model/sha256", file);
  i.quant_run = json_field<std::string>(j, "/quant/run", file);
  i.quant_method = json_field<std::string>(j, "/quant/method", file);
  i.calibration_timesteps =
      json_field<std::vector<std::int64_t>>(j, "/quant/calibration_timesteps", file);
  i.sampler = json_field<std::string>(j, "/sampler/kind", file);
  i.skip = json_field<std::string>(j, "/sampler/skip", file);
  i.steps = json_field<std::int64_t>(j, "/sampler/steps", file);
  i.clip_x0 = json_field<bool>(j, "/sampler/clip_x0", file);
  i.n = json_field<std::int64_t>(j, "/n", file);
  i.batch = json_field<std::int64_t>(j, "/batch", file);
  i.seed = json_field<std::uint64_t>(j, "/seed", file);
  i.num_timesteps = json_field<std::int64_t>(j, "/num_timesteps", file);
  i.bins = json_field<std::int64_t>(j, "/histogram/bins", file);
  i.edge_samples = json_field<std::int64_t>(j, "/histogram/edge_samples", file);
  i.seconds_edges = json_field<double>(j, "/seconds/edges", file);
  i.seconds_record = json_field<double>(j, "/seconds/record", file);
  i.accumulator_bytes = json_field<std::int64_t>(j, "/accumulator_bytes", file);
  // Absent in runs made before 2026-12-03, all by one process.
  i.world_size = j.contains("world_size") ? json_field<int>(j, "/world_size", file) : 1;
  return i;
}

// The arrays a reader relies on, with their shapes.
std::map<std::string, std::vector<std::int64_t>> required_arrays(const AnalysisInfo& info,
                                                                 std::int64_t layers) {
  const std::int64_t steps = info.steps;
  std::map<std::string, std::vector<std::int64_t>> out;
  out["timesteps"] = {steps};
  std::vector<std::string> streams = {"fp"};
  if (!info.quant_run.empty()) {
    streams.push_back("local");
    streams.push_back("trajectory");
    for (const char* key : {"step.xt_mse", "step.eps_mse_local", "step.eps_mse_trajectory",
                            "step.fallbacks", "step.calibrated"}) {
      out[key] = {steps};
    }
    out["scale_curve"] = {layers, info.num_timesteps};
    for (const char* key : {"interval.lo", "interval.hi", "interval.clipped"})
      out[key] = {layers, steps};
    for (const char* key : {"interval_curve.lo", "interval_curve.hi"})
      out[key] = {layers, info.num_timesteps};
    for (const char* key :
         {"layer.mse_in", "layer.sqnr_in_db", "layer.clip_fraction", "layer.sqnr_out_db",
          "layer.sqnr_out_db_trajectory", "layer.scale_min", "layer.scale_max"}) {
      out[key] = {layers};
    }
  }
  for (const char* key : {"layer.min", "layer.max", "layer.mean_range", "layer.r_rank"})
    out[key] = {layers};
  out["pearson.histogram"] = {kPearsonHistogramBins};
  out["pearson.histogram_edges"] = {kPearsonHistogramBins + 1};
  for (const auto& s : streams) {
    for (const char* c : kRangeColumns) out[s + "." + c] = {layers, steps};
    if (s != "fp") {
      for (const char* c : kQuantColumns) out[s + "." + c] = {layers, steps};
    }
    if (info.bins > 0) out[s + ".histogram"] = {layers, steps, info.bins + 2};
  }
  if (info.bins > 0) out["edges"] = {layers, info.bins + 1};
  for (const char* s : {"max", "max-min", "p99.9-p0.1"})
    out[std::string("pearson.") + s] = {layers};
  return out;
}

}  // namespace

std::filesystem::path write_analysis_run(const AnalysisRun& run, const std::filesystem::path& out) {
  const Analysis& a = run.analysis;
  RunFolderWriter writer(out);
  nlohmann::json json = run_envelope("analyze");
  json["analysis_schema_version"] = kAnalysisSchemaVersion;
  json["analysis"] = to_json(a.info);
  json["metrics"] = summary_json(a);
  writer.write_tensors(kStatsFile, a.arrays,
                       {{"analysis_schema_version", std::to_string(kAnalysisSchemaVersion)}});
  writer.write_json(kLayersFile, layers_json(a));
  std::filesystem::create_directories(writer.temp_dir() / "tables");
  write_file_atomic(writer.temp_dir() / "tables" / "layers.csv", layers_csv(a));
  write_file_atomic(writer.temp_dir() / "tables" / "layer_steps.csv", layer_steps_csv(a));
  write_file_atomic(writer.temp_dir() / "tables" / "steps.csv", steps_csv(a));
  if (run.fp_images.defined() && run.fp_images.numel() > 0) {
    std::filesystem::create_directories(writer.temp_dir() / "samples");
    const auto columns =
        static_cast<std::int64_t>(std::ceil(std::sqrt(static_cast<double>(run.fp_images.size(0)))));
    write_image(writer.temp_dir() / "samples" / "fp.png", make_image_grid(run.fp_images, columns));
    if (run.quant_images.defined() && run.quant_images.numel() > 0) {
      write_image(writer.temp_dir() / "samples" / "quant.png",
                  make_image_grid(run.quant_images, columns));
    }
    write_step_images(writer.temp_dir() / "samples", run.step_images);
  }
  writer.write_json(kRunJson, json);  // last: a folder with run.json is complete
  return writer.commit();
}

AnalysisInfo analysis_info_of(const nlohmann::json& run_json,
                              const std::filesystem::path& run_file) {
  if (run_json.value("kind", "") != "analyze") {
    throw FormatError(run_file, "key kind is '" + run_json.value("kind", "") + "', not 'analyze'");
  }
  const int version = json_field<int>(run_json, "/analysis_schema_version", run_file);
  if (version == 1) {
    // Version 1 lacks the quantizer's zero point and clamp bounds, which cannot be recovered
    // from the record: only a new record has them.
    throw FormatError(run_file,
                      "key analysis_schema_version: 1 was written by an older tdq, "
                      "without the quantizer's clamp bounds; record the run again "
                      "with tdq analyze");
  }
  if (version != kAnalysisSchemaVersion) {
    throw FormatError(run_file, "key analysis_schema_version: " + std::to_string(version) +
                                    " is not supported (this build reads " +
                                    std::to_string(kAnalysisSchemaVersion) + ")");
  }
  return info_from_json(json_field<nlohmann::json>(run_json, "/analysis", run_file), run_file);
}

std::vector<AnalysisLayer> analysis_layers_of(const nlohmann::json& layers,
                                              const std::filesystem::path& layers_file) {
  if (!layers.is_array()) throw FormatError(layers_file, "not an array of layers");
  std::vector<AnalysisLayer> out;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const std::string at = "/" + std::to_string(i);
    AnalysisLayer l;
    l.index = json_field<int>(layers, at + "/index", layers_file);
    l.path = json_field<std::string>(layers, at + "/path", layers_file);
    l.kind = json_field<std::string>(layers, at + "/kind", layers_file);
    l.quantizer = json_field<bool>(layers, at + "/quantizer", layers_file);
    l.a_bits = json_field<int>(layers, at + "/a_bits", layers_file);
    l.w_bits = json_field<int>(layers, at + "/w_bits", layers_file);
    l.grid = json_field<std::string>(layers, at + "/grid", layers_file);
    out.push_back(l);
  }
  return out;
}

Analysis assemble_analysis(AnalysisInfo info, std::vector<AnalysisLayer> layers,
                           SafetensorsFile stats, const std::filesystem::path& stats_file) {
  auto meta = stats.metadata.find("analysis_schema_version");
  if (meta == stats.metadata.end() || meta->second != std::to_string(kAnalysisSchemaVersion)) {
    throw FormatError(stats_file, "key __metadata__.analysis_schema_version is missing or not " +
                                      std::to_string(kAnalysisSchemaVersion));
  }
  const auto required = required_arrays(info, static_cast<std::int64_t>(layers.size()));
  for (const auto& [key, shape] : required) {
    auto it = stats.tensors.find(key);
    if (it == stats.tensors.end()) throw FormatError(stats_file, "missing array '" + key + "'");
    if (!it->second.sizes().equals(shape)) {
      std::ostringstream s;
      s << "array '" << key << "' has shape " << it->second.sizes() << ", expected "
        << at::IntArrayRef(shape);
      throw FormatError(stats_file, s.str());
    }
  }
  Analysis a;
  a.info = std::move(info);
  a.layers = std::move(layers);
  a.arrays = std::move(stats.tensors);
  a.time_dependence = time_dependence_of(a.layers, a.arrays);
  return a;
}

Analysis read_analysis(const std::filesystem::path& run) {
  AnalysisInfo info = analysis_info_of(read_run_json(run), run / kRunJson);
  std::vector<AnalysisLayer> layers =
      analysis_layers_of(read_json_file(run / kLayersFile), run / kLayersFile);
  return assemble_analysis(std::move(info), std::move(layers), read_safetensors(run / kStatsFile),
                           run / kStatsFile);
}

}  // namespace tdq
