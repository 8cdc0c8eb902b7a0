#pragma once

#include <QString>

#include <cstdint>
#include <map>
#include <vector>

namespace tdq::views {

// A [rows x cols] float64 array, row-major: the views' copy of one recorder statistic, so that no
// view header needs LibTorch.
struct Matrix {
  int rows = 0, cols = 0;
  std::vector<double> values;

  bool empty() const { return values.empty(); }
  double at(int row, int col) const {
    return values[static_cast<std::size_t>(row) * static_cast<std::size_t>(cols) +
                  static_cast<std::size_t>(col)];
  }
  std::vector<double> row(int r) const;
};

// One row of the layer table: what layers.json names and the per-layer summaries derived from
// the arrays once on load.
struct LayerInfo {
  QString path, kind, grid;
  bool quantizer = false;
  int a_bits = 0, w_bits = 0;  // 0: not quantized
  double pearson = 0;          // Pearson r of t and the per-step range (max-min); NaN: undefined
  double mean_range = 0;       // mean over steps of fp max-min
  double mse = 0, sqnr_db = 0, clip_percent = 0;  // local stream means; NaN without a twin
};

// An opened analyze run, converted from tdq::Analysis once on load.
struct RunData {
  QString folder, name;
  QString method;  // quantization method; empty for an FP-only record
  QString sampler;
  bool has_quant = false;
  std::int64_t num_timesteps = 1000;
  std::vector<LayerInfo> layers;
  std::vector<double> timesteps;                       // per sampling step, descending
  std::map<QString, Matrix> stats;                     // "<stream>.<stat>" [layers x steps]
  std::map<QString, std::vector<double>> step_series;  // "step.*" [steps]
  Matrix scale_curve;                                  // s(t) [layers x num_timesteps]; twin only
  double fraction_05 = 0, fraction_07 = 0;  // of quantizer inputs with |r| above 0.5 / 0.7
  std::int64_t considered_layers = 0;

  // nullptr when the run has no such array.
  const Matrix* stat(const QString& key) const;
  const std::vector<double>* steps(const QString& key) const;
  int step_count() const { return static_cast<int>(timesteps.size()); }
  int layer_count() const { return static_cast<int>(layers.size()); }
};

// Opens an analyze run folder. Returns false and sets `error` to one line naming the folder and
// the problem for anything that is not a readable analyze run.
bool load_run(const QString& folder, RunData* run, QString* error);

}  // namespace tdq::views
