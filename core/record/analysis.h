#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <ATen/Tensor.h>
#include <nlohmann/json_fwd.hpp>

#include "core/common/progress.h"
#include "core/diffusion/noise_schedule.h"
#include "core/dist/dist_context.h"
#include "core/model/model_io.h"
#include "core/quant/quantized_model.h"
#include "core/record/side_by_side.h"
#include "core/record/time_dependence.h"

namespace tdq {

// Version of the analyze run layout (run.json "analysis" object, layers.json, stats.safetensors).
// 2: the quantizer's clamp bounds (interval.*, interval_curve.*), per-layer summaries (layer.*,
// pearson.histogram) and weight bits as placed.
constexpr int kAnalysisSchemaVersion = 2;

struct AnalyzeOptions {
  SideBySideOptions record;       // n, batch, seed, sampler, bins, images kept
  std::int64_t edge_samples = 8;  // samples of the FP pass that fixes each layer's bin edges
  // The quantize run's calibration time steps (schedule coverage: step.calibrated); twin only.
  std::vector<std::int64_t> calibration_timesteps;
  // Activation bits of the oracle bound (core/record/oracle_analysis.h; needs bins > 0); 0: each
  // quantized layer's own bits (an FP-only record: the default placement's 8).
  int oracle_bits = 0;
};

struct AnalysisLayer {
  int index = 0;
  std::string path;
  std::string kind;        // Conv2d | Linear
  bool quantizer = false;  // has an activation quantizer (the twin's, or the default placement)
  int a_bits = 0;          // 0 without quantizer
  int w_bits = 0;          // as placed in the twin (per-layer overrides included); 0 without one
  std::string grid;        // input grid, "" without quantizer
};

// How a record was made; run.json's "analysis" object.
struct AnalysisInfo {
  std::string model_dir, model_sha256;
  std::string quant_run, quant_method;  // empty: FP only
  std::string sampler = "ddim", skip = "uniform";
  std::int64_t steps = 0;
  bool clip_x0 = true;
  std::int64_t n = 0, batch = 0, bins = 0, edge_samples = 0;
  std::uint64_t seed = 0;
  std::int64_t num_timesteps = 1000;
  std::vector<std::int64_t> calibration_timesteps;  // quantize run's, empty when FP only
  int oracle_bits = 0;                              // AnalyzeOptions::oracle_bits
  double seconds_edges = 0, seconds_record = 0;
  std::int64_t accumulator_bytes = 0;  // per rank
  int world_size = 1;                  // ranks that shared the record (`--nproc`)
};

// The result of `tdq analyze`: plain values. `arrays` are the contents of stats.safetensors:
//   timesteps [S] int64, edges [L, bins+1] (bins > 0)
//   <stream>.<stat> [L, S] float64 for stream fp (and local, trajectory with a twin) and stat
//     count, min, max, abs_max, mean, std, p0.1, p99.9; quantized streams also clip_fraction,
//     mse_in, sqnr_in_db, mse_out, sqnr_out_db, scale
//   <stream>.histogram [L, S, bins+2] int64: [below lo, bins..., at or above hi] (bins > 0)
//   step.xt_mse, step.eps_mse_local, step.eps_mse_trajectory [S] float64, step.fallbacks [S] int64,
//     step.calibrated [S] int64 (twin only)
//   scale_curve [L, T] float64: s(t) for every t in [0, T) (twin only)
//   interval.lo, interval.hi [L, S] float64: the clamp bounds of the fake-quant kernel at each step
//     (core/record/clip_bounds.h; NaN without a fixed interval), interval.clipped [L, S] int64: the
//     FP envelope leaves them; interval_curve.lo, interval_curve.hi [L, T]: the same for every t
//     (twin only)
//   layer.*, pearson.histogram, pearson.histogram_edges: per-layer summaries
//     (core/record/layer_summary.h)
//   pearson.max, pearson.max-min, pearson.p99.9-p0.1 [L] float64 (NaN: undefined)
struct Analysis {
  AnalysisInfo info;
  std::vector<AnalysisLayer> layers;
  std::map<std::string, at::Tensor> arrays;
  TimeDependence time_dependence;  // from the fp stream, recomputed from `arrays` on read

  bool has_quant() const { return !info.quant_run.empty(); }
  std::vector<std::int64_t> timesteps() const;
  // ConfigError naming the key when absent.
  const at::Tensor& array(const std::string& key) const;
};

// Records the FP model (and its twin, if any) side by side and builds the analysis. A first FP pass
// over the first `edge_samples` samples (same seeds) fixes each layer's histogram edges.
struct AnalysisRun {
  Analysis analysis;
  at::Tensor fp_images, quant_images;   // for the sample grids
  std::vector<StepImages> step_images;  // for the step slider (samples/steps/)
};
// With several ranks (`dist`), each records its consecutive share of the batches with the noise
// one process gives them, and the accumulators are reduced (core/record/reduce_record.h): every
// rank returns the whole run. ConfigError on record.count when there are fewer batches than ranks.
AnalysisRun run_analysis(const LoadedModel& model, QuantizedModel* twin,
                         const std::string& quant_run, const NoiseSchedule& schedule,
                         const AnalyzeOptions& options, const ProgressFn& progress = {},
                         const DistContext& dist = {});

// Builds the value struct from a record (no I/O).
Analysis make_analysis(const SideBySideRecord& record, const UNetImpl& model,
                       const QuantizedModel* twin, AnalysisInfo info);

// Time dependence from the fp stream's arrays.
TimeDependence time_dependence_of(const std::vector<AnalysisLayer>& layers,
                                  const std::map<std::string, at::Tensor>& arrays);

nlohmann::json to_json(const AnalysisInfo& info);
nlohmann::json summary_json(const Analysis& analysis);  // fractions, paper numbers, top/bottom 5

}  // namespace tdq
