// LibTorch before Qt: Qt's `slots` keyword macro breaks LibTorch headers (IValue::slots()).
#include <ATen/Tensor.h>
#include <nlohmann/json.hpp>

#include "core/record/analysis_io.h"
#include "core/record/quantize_run_summary.h"
#include "core/run/run_folder.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#include <cmath>
#include <exception>

#include "views/run_data.h"

namespace tdq::views {
namespace {

Matrix to_matrix(const at::Tensor& tensor) {
  const at::Tensor t = tensor.to(at::kDouble).contiguous();
  Matrix m;
  m.rows = t.dim() > 0 ? static_cast<int>(t.size(0)) : 1;
  m.cols = t.dim() > 1 ? static_cast<int>(t.size(1)) : 1;
  const double* data = t.data_ptr<double>();
  m.values.assign(data, data + t.numel());
  return m;
}

std::vector<double> to_vector(const at::Tensor& tensor) {
  return to_matrix(tensor.reshape({-1})).values;
}

// Element `i` of a [L] array, NaN when the run has no such array.
double value_of(const std::map<std::string, at::Tensor>& arrays, const std::string& key,
                std::size_t i) {
  const auto it = arrays.find(key);
  if (it == arrays.end()) return std::nan("");
  return it->second[static_cast<std::int64_t>(i)].item<double>();
}

QString cannot_open(const QString& folder, const std::exception& e) {
  return QCoreApplication::translate("tdq::views::RunData", "Cannot open %1: %2")
      .arg(QDir::toNativeSeparators(folder), QString::fromStdString(e.what()));
}

LayerInfo layer_info(const AnalysisLayer& l) {
  LayerInfo layer;
  layer.path = QString::fromStdString(l.path);
  layer.kind = QString::fromStdString(l.kind);
  layer.grid = QString::fromStdString(l.grid);
  layer.quantizer = l.quantizer;
  layer.a_bits = l.a_bits;
  layer.w_bits = l.w_bits;
  layer.pearson = layer.mean_range = layer.mse = layer.sqnr_db = layer.clip_percent =
      layer.weight_step = std::nan("");
  return layer;
}

void fill_analyze_run(const Analysis& analysis, RunData& r) {
  r.kind = RunKind::Analyze;
  r.method = QString::fromStdString(analysis.info.quant_method);
  r.sampler = QString::fromStdString(analysis.info.sampler);
  r.model_sha256 = QString::fromStdString(analysis.info.model_sha256);
  r.has_quant = analysis.has_quant();
  r.num_timesteps = analysis.info.num_timesteps;
  for (const std::int64_t t : analysis.timesteps()) r.timesteps.push_back(static_cast<double>(t));
  for (const auto& [key, tensor] : analysis.arrays) {
    const QString name = QString::fromStdString(key);
    if (tensor.dim() == 1 && name.startsWith(QLatin1String("step."))) {
      r.step_series[name] = to_vector(tensor);
    } else if (name == QLatin1String("scale_curve")) {
      r.scale_curve = to_matrix(tensor);
    } else if (tensor.dim() == 2 && name.contains(QLatin1Char('.')) &&
               !name.startsWith(QLatin1String("pearson.")) &&
               !name.startsWith(QLatin1String("interval"))) {
      r.stats[name] = to_matrix(tensor);
    }
  }
  const auto matrix = [&](const char* key) {
    const auto it = analysis.arrays.find(key);
    return it == analysis.arrays.end() ? Matrix() : to_matrix(it->second);
  };
  r.interval_lo = matrix("interval.lo");
  r.interval_hi = matrix("interval.hi");
  r.interval_clipped = matrix("interval.clipped");
  r.interval_curve_lo = matrix("interval_curve.lo");
  r.interval_curve_hi = matrix("interval_curve.hi");
  r.pearson_histogram = to_vector(analysis.array("pearson.histogram"));
  r.pearson_histogram_edges = to_vector(analysis.array("pearson.histogram_edges"));

  const TimeDependenceStat& td = analysis.time_dependence.stat(analysis.time_dependence.headline);
  r.fraction_05 = td.fraction_05;
  r.fraction_07 = td.fraction_07;
  r.considered_layers = td.layers;
  const auto& a = analysis.arrays;
  for (std::size_t i = 0; i < analysis.layers.size(); ++i) {
    LayerInfo layer = layer_info(analysis.layers[i]);
    if (!r.has_quant) layer.a_bits = layer.w_bits = 0;
    layer.pearson = i < td.r.size() ? td.r[i] : std::nan("");
    layer.r_rank = static_cast<int>(value_of(a, "layer.r_rank", i));
    layer.mean_range = value_of(a, "layer.mean_range", i);
    layer.mse = value_of(a, "layer.mse_in", i);
    layer.sqnr_db = value_of(a, "layer.sqnr_in_db", i);
    layer.clip_percent = 100.0 * value_of(a, "layer.clip_fraction", i);
    if (layer.r_rank == 0) r.most_time_dependent = static_cast<int>(i);
    r.layers.push_back(layer);
  }
}

void fill_quantize_run(const QuantizeRunSummary& q, RunData& r) {
  r.kind = RunKind::Quantize;
  r.method = QString::fromStdString(q.method);
  r.model_sha256 = QString::fromStdString(q.model_sha256);
  r.has_quant = true;
  r.num_timesteps = q.num_timesteps;
  r.scale_curve = to_matrix(q.scale_curve);
  r.interval_curve_lo = to_matrix(q.interval_lo);
  r.interval_curve_hi = to_matrix(q.interval_hi);
  r.config_text = QString::fromStdString(q.config_json);
  r.model_dir = QString::fromStdString(q.model_dir.string());
  for (std::size_t i = 0; i < q.layers.size(); ++i) {
    LayerInfo layer = layer_info(q.layers[i]);
    layer.weight_step = q.weight_step_mean[static_cast<std::int64_t>(i)].item<double>();
    r.layers.push_back(layer);
  }
}

}  // namespace

std::vector<double> Matrix::row(int r) const {
  const auto begin = values.begin() + static_cast<std::ptrdiff_t>(r) * cols;
  return {begin, begin + cols};
}

int RunData::layer_index(const QString& path) const {
  for (std::size_t i = 0; i < layers.size(); ++i) {
    if (layers[i].path == path) return static_cast<int>(i);
  }
  return -1;
}

const Matrix* RunData::stat(const QString& key) const {
  const auto it = stats.find(key);
  return it == stats.end() ? nullptr : &it->second;
}

const std::vector<double>* RunData::steps(const QString& key) const {
  const auto it = step_series.find(key);
  return it == step_series.end() ? nullptr : &it->second;
}

QString run_kind(const QString& folder, QString* error) {
  if (!QFileInfo(folder).isDir()) {
    *error = QCoreApplication::translate("tdq::views::RunData", "Not a run folder: %1")
                 .arg(QDir::toNativeSeparators(folder));
    return {};
  }
  try {
    const nlohmann::json json = read_run_json(folder.toStdString());
    const auto it = json.find("kind");
    if (it == json.end() || !it->is_string()) {
      *error = QCoreApplication::translate("tdq::views::RunData",
                                           "Cannot open %1: its run.json names no kind of run")
                   .arg(QDir::toNativeSeparators(folder));
      return {};
    }
    return QString::fromStdString(it->get<std::string>());
  } catch (const std::exception& e) {
    *error = cannot_open(folder, e);
    return {};
  }
}

bool load_run(const QString& folder, RunData* run, QString* error) {
  const QString kind = run_kind(folder, error);
  if (kind.isEmpty()) return false;
  const QFileInfo info(folder);
  RunData r;
  try {
    if (kind == QLatin1String("analyze")) {
      fill_analyze_run(read_analysis(info.absoluteFilePath().toStdString()), r);
    } else if (kind == QLatin1String("quantize")) {
      fill_quantize_run(read_quantize_run_summary(info.absoluteFilePath().toStdString()), r);
    } else {
      *error = QCoreApplication::translate(
                   "tdq::views::RunData",
                   "Cannot open %1: a '%2' run; the run views show analyze and quantize runs")
                   .arg(QDir::toNativeSeparators(folder), kind);
      return false;
    }
  } catch (const std::exception& e) {
    *error = cannot_open(folder, e);
    return false;
  }
  // Clean, so that "a/../b/" and "b" are one run and the name is never empty.
  r.folder = QDir::cleanPath(info.absoluteFilePath());
  r.name = QDir(r.folder).dirName();
  *run = std::move(r);
  return true;
}

}  // namespace tdq::views
