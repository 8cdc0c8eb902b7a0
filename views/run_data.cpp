// LibTorch before Qt: Qt's `slots` keyword macro breaks LibTorch headers (IValue::slots()).
#include <ATen/Tensor.h>
#include <nlohmann/json.hpp>

#include "core/record/analysis_io.h"
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

double mean_of(const Matrix* m, int row) {
  if (m == nullptr || m->empty()) return std::nan("");
  double sum = 0;
  int n = 0;
  for (int c = 0; c < m->cols; ++c) {
    const double v = m->at(row, c);
    if (std::isfinite(v)) {
      sum += v;
      ++n;
    }
  }
  return n > 0 ? sum / n : std::nan("");
}

// The weight bits live in the quantize run's config; a missing or moved quantize run only loses
// that column, not the whole record.
int find_w_bits(const nlohmann::json& json) {
  if (json.is_object()) {
    const auto it = json.find("w_bits");
    if (it != json.end() && it->is_number_integer()) return it->get<int>();
    for (const auto& item : json.items()) {
      if (const int bits = find_w_bits(item.value()); bits > 0) return bits;
    }
  }
  return 0;
}

int quant_run_w_bits(const std::string& quant_run, const QString& analyze_folder) {
  if (quant_run.empty()) return 0;
  QString folder = QString::fromStdString(quant_run);
  if (QFileInfo(folder).isRelative()) folder = QDir(analyze_folder).absoluteFilePath(folder);
  try {
    return find_w_bits(read_run_json(folder.toStdString()));
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

std::vector<double> Matrix::row(int r) const {
  const auto begin = values.begin() + static_cast<std::ptrdiff_t>(r) * cols;
  return {begin, begin + cols};
}

const Matrix* RunData::stat(const QString& key) const {
  const auto it = stats.find(key);
  return it == stats.end() ? nullptr : &it->second;
}

const std::vector<double>* RunData::steps(const QString& key) const {
  const auto it = step_series.find(key);
  return it == step_series.end() ? nullptr : &it->second;
}

bool load_run(const QString& folder, RunData* run, QString* error) {
  const QFileInfo info(folder);
  if (!info.isDir()) {
    *error = QCoreApplication::translate("tdq::views::RunData", "Not a run folder: %1")
                 .arg(QDir::toNativeSeparators(folder));
    return false;
  }
  Analysis analysis;
  try {
    analysis = read_analysis(info.absoluteFilePath().toStdString());
  } catch (const std::exception& e) {
    *error = QCoreApplication::translate("tdq::views::RunData", "Cannot open %1: %2")
                 .arg(QDir::toNativeSeparators(folder), QString::fromStdString(e.what()));
    return false;
  }

  RunData r;
  // Clean, so that "a/../b/" and "b" are one run and the name is never empty.
  r.folder = QDir::cleanPath(info.absoluteFilePath());
  r.name = QDir(r.folder).dirName();
  r.method = QString::fromStdString(analysis.info.quant_method);
  r.sampler = QString::fromStdString(analysis.info.sampler);
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
               !name.startsWith(QLatin1String("pearson."))) {
      r.stats[name] = to_matrix(tensor);
    }
  }

  const TimeDependenceStat& td = analysis.time_dependence.stat(analysis.time_dependence.headline);
  r.fraction_05 = td.fraction_05;
  r.fraction_07 = td.fraction_07;
  r.considered_layers = td.layers;
  const int w_bits = quant_run_w_bits(analysis.info.quant_run, r.folder);
  const Matrix* fp_min = r.stat(QStringLiteral("fp.min"));
  const Matrix* fp_max = r.stat(QStringLiteral("fp.max"));
  for (std::size_t i = 0; i < analysis.layers.size(); ++i) {
    const AnalysisLayer& l = analysis.layers[i];
    const int row = static_cast<int>(i);
    LayerInfo layer;
    layer.path = QString::fromStdString(l.path);
    layer.kind = QString::fromStdString(l.kind);
    layer.grid = QString::fromStdString(l.grid);
    layer.quantizer = l.quantizer;
    layer.a_bits = r.has_quant ? l.a_bits : 0;
    layer.w_bits = r.has_quant && l.quantizer ? w_bits : 0;
    layer.pearson = i < td.r.size() ? td.r[i] : std::nan("");
    layer.mean_range = std::nan("");
    if (fp_min != nullptr && fp_max != nullptr) {
      double sum = 0;
      for (int c = 0; c < fp_max->cols; ++c) sum += fp_max->at(row, c) - fp_min->at(row, c);
      layer.mean_range = fp_max->cols > 0 ? sum / fp_max->cols : std::nan("");
    }
    layer.mse = mean_of(r.stat(QStringLiteral("local.mse_in")), row);
    layer.sqnr_db = mean_of(r.stat(QStringLiteral("local.sqnr_in_db")), row);
    layer.clip_percent = 100.0 * mean_of(r.stat(QStringLiteral("local.clip_fraction")), row);
    if (!l.quantizer)
      layer.mse = layer.sqnr_db = layer.clip_percent = std::nan("");  // not quantized
    r.layers.push_back(layer);
  }
  *run = std::move(r);
  return true;
}

}  // namespace tdq::views
