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

// One row of the layer table: what the run wrote per layer (layers.json and the layer.* summaries
// of core/record/layer_summary.h), copied as is.
struct LayerInfo {
  QString path, kind, grid;
  bool quantizer = false;
  int a_bits = 0, w_bits = 0;  // as placed, per-layer overrides included; 0: not quantized
  double pearson = 0;          // Pearson r of t and the per-step range (max-min); NaN: undefined
  int r_rank = -1;             // 0: the largest |r| of the quantizer inputs; -1: not ranked
  double mean_range = 0;       // mean over steps of fp max-min
  double mse = 0, sqnr_db = 0, clip_percent = 0;  // local stream means; NaN without a twin
  double weight_step = 0;  // quantize runs: mean weight step over output channels; NaN otherwise
};

// What a run folder is, as far as the run views are concerned (FID runs go to the FID dock).
enum class RunKind { Analyze, Quantize };

// An opened analyze or quantize run, converted from the core's values once on load. A quantize
// run has no sampling steps: its layers, bits, grids and intervals over t only.
struct RunData {
  RunKind kind = RunKind::Analyze;
  QString folder, name;
  QString method;  // quantization method; empty for an FP-only record
  QString sampler;
  QString model_sha256;  // runs of one model compare layer by layer
  bool has_quant = false;
  std::int64_t num_timesteps = 1000;
  std::vector<LayerInfo> layers;
  std::vector<double> timesteps;                       // per sampling step, descending
  int layer_index(const QString& path) const;          // -1 when the run has no such layer
  std::map<QString, Matrix> stats;                     // "<stream>.<stat>" [layers x steps]
  std::map<QString, std::vector<double>> step_series;  // "step.*" [steps]
  Matrix scale_curve;                                  // s(t) [layers x num_timesteps]; twin only
  // The kernel's clamp bounds: at the sampling steps [layers x steps] (with whether the FP envelope
  // leaves them, 1/0) and at every t [layers x num_timesteps]; NaN where there is no interval.
  Matrix interval_lo, interval_hi, interval_clipped;
  Matrix interval_curve_lo, interval_curve_hi;
  std::vector<double> pearson_histogram, pearson_histogram_edges;  // counts [bins], edges [bins+1]
  int most_time_dependent = -1;             // the layer of r_rank 0, -1 when none
  double fraction_05 = 0, fraction_07 = 0;  // of quantizer inputs with |r| above 0.5 / 0.7
  std::int64_t considered_layers = 0;
  QString config_text;  // quantize runs: the quantization configuration as written (JSON)
  QString model_dir;    // quantize runs: the model folder the twin was rebuilt on

  // nullptr when the run has no such array.
  const Matrix* stat(const QString& key) const;
  const std::vector<double>* steps(const QString& key) const;
  int step_count() const { return static_cast<int>(timesteps.size()); }
  int layer_count() const { return static_cast<int>(layers.size()); }
};

// Opens an analyze or quantize run folder. Returns false and sets `error` to one line naming the
// folder and the problem for anything else (FID runs included: they go to the FID dock).
bool load_run(const QString& folder, RunData* run, QString* error);

// The "kind" of run.json ("analyze", "quantize", "fid", ...), or an empty string with `error` set
// to one line when the folder holds no readable run.json.
QString run_kind(const QString& folder, QString* error);

}  // namespace tdq::views
