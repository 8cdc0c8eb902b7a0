#pragma once
// The per-layer numbers of the layer table and tables/layers.csv, computed once in core so that
// the GUI, the CSV and the CLI report the same values.
#include <map>
#include <string>
#include <vector>

#include <ATen/Tensor.h>

namespace tdq {

struct AnalysisLayer;
struct TimeDependence;

// Bins of the Pearson r histogram over [-1, 1] (0.1 wide).
constexpr int kPearsonHistogramBins = 20;

// From the record's arrays (see Analysis), [L] float64 unless noted:
//   layer.min, layer.max        lowest fp.min and highest fp.max over the steps
//   layer.mean_range            mean over steps of fp.max - fp.min
//   layer.r_rank [L] int64      0 for the quantizer input whose headline |r| is largest, 1 for the
//                               next...; -1 for layers without a quantizer or with undefined r
//   pearson.histogram [bins] int64, pearson.histogram_edges [bins + 1]: headline r of the
//                               quantizer inputs (the layers the paper's fractions count)
// and with a twin, means over the steps with a finite value, NaN for layers without a quantizer:
//   layer.mse_in, layer.sqnr_in_db, layer.clip_fraction, layer.sqnr_out_db (local stream),
//   layer.sqnr_out_db_trajectory, layer.scale_min, layer.scale_max (local.scale over the steps)
std::map<std::string, at::Tensor> layer_summaries(const std::vector<AnalysisLayer>& layers,
                                                  const std::map<std::string, at::Tensor>& arrays,
                                                  const TimeDependence& time_dependence,
                                                  bool has_quant);

}  // namespace tdq
