// The workbench at the scale of issue 14: an analyze run of 100 layers x 1,000 steps, written by
// core's writer (write_analysis_run) with synthetic values, opened into the views' RunData
// (load_run) and drawn as the layer x step heatmap (offscreen). Targets: open < 1 s, heatmap redraw
// < 50 ms. Baselines measured in the same run: reading stats.safetensors' bytes (open) and a bare
// replot of the drawn heatmap (redraw). Usage: bench_workbench_open [layers=100] [steps=1000]
// [bins=128 (tdq analyze's default)] [repeats=5]
// LibTorch before Qt: Qt's `slots` keyword macro breaks LibTorch headers.
#include <ATen/ATen.h>

#include "core/common/file_io.h"
#include "core/record/analysis.h"
#include "core/record/analysis_io.h"
#include "core/record/layer_summary.h"

#include <QApplication>

#include <qcustomplot.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "views/heatmap_view.h"
#include "views/run_data.h"
#include "views/run_documents.h"

namespace {

using namespace tdq;

// A record as `tdq analyze` writes it for a twin: every array the reader requires, plausible
// values (ranges that move with t, errors of a 4-bit twin).
AnalysisRun synthetic_run(std::int64_t layers, std::int64_t steps, std::int64_t bins) {
  AnalysisRun run;
  Analysis& a = run.analysis;
  a.info.model_dir = "synthetic";
  a.info.model_sha256 = std::string(64, '0');
  a.info.quant_run = "synthetic-quant";
  a.info.quant_method = "tdq";
  a.info.steps = steps;
  a.info.n = 16;
  a.info.batch = 16;
  a.info.bins = bins;
  a.info.edge_samples = 8;
  for (std::int64_t l = 0; l < layers; ++l) {
    AnalysisLayer layer;
    layer.index = static_cast<int>(l);
    layer.path = "blocks." + std::to_string(l / 4) + ".conv" + std::to_string(l % 4);
    layer.kind = "Conv2d";
    layer.quantizer = l != 0 && l != layers - 1;  // first and last stay FP, as by default
    layer.a_bits = layer.quantizer ? 4 : 0;
    layer.w_bits = layer.quantizer ? 8 : 0;
    layer.grid = layer.quantizer ? "symmetric" : "";
    a.layers.push_back(layer);
  }
  at::manual_seed(0);
  const at::Tensor t = at::arange(steps - 1, -1, -1, at::kLong) * (1000 / steps);
  a.arrays["timesteps"] = t;
  const at::Tensor scale =
      1 + t.to(at::kDouble).unsqueeze(0) / 1000 * at::rand({layers, 1}, at::kDouble);  // [L, S]
  for (const char* name : {"fp", "local", "trajectory"}) {
    const std::string stream = name;
    const std::string p = stream + ".";
    a.arrays[p + "count"] = at::full({layers, steps}, 1e5, at::kDouble);
    a.arrays[p + "min"] = -scale;
    a.arrays[p + "max"] = scale * 1.5;
    a.arrays[p + "abs_max"] = scale * 1.5;
    a.arrays[p + "mean"] = at::rand({layers, steps}, at::kDouble) * 0.1;
    a.arrays[p + "std"] = scale / 3;
    a.arrays[p + "p0.1"] = -scale * 0.9;
    a.arrays[p + "p99.9"] = scale * 1.4;
    if (bins > 0) {
      a.arrays[p + "histogram"] = at::randint(0, 1000, {layers, steps, bins + 2}, at::kLong);
    }
    if (stream == "fp") continue;
    a.arrays[p + "clip_fraction"] = at::rand({layers, steps}, at::kDouble) * 0.01;
    a.arrays[p + "mse_in"] = at::rand({layers, steps}, at::kDouble) * 1e-3;
    a.arrays[p + "sqnr_in_db"] = 20 + 10 * at::rand({layers, steps}, at::kDouble);
    a.arrays[p + "mse_out"] = at::rand({layers, steps}, at::kDouble) * 1e-3;
    a.arrays[p + "sqnr_out_db"] = 20 + 10 * at::rand({layers, steps}, at::kDouble);
    a.arrays[p + "scale"] = scale / 7;
  }
  if (bins > 0) {
    a.arrays["edges"] = at::linspace(-2, 2, bins + 1, at::kDouble).repeat({layers, 1});
  }
  for (const char* key : {"step.xt_mse", "step.eps_mse_local", "step.eps_mse_trajectory"}) {
    a.arrays[key] = at::rand({steps}, at::kDouble) * 1e-2;
  }
  a.arrays["step.fallbacks"] = at::zeros({steps}, at::kLong);
  a.arrays["step.calibrated"] = at::ones({steps}, at::kLong);
  a.arrays["scale_curve"] = at::rand({layers, 1000}, at::kDouble);
  a.arrays["interval.lo"] = -scale * 1.2;
  a.arrays["interval.hi"] = scale * 1.2;
  a.arrays["interval.clipped"] = (scale * 1.5 > scale * 1.2).to(at::kLong);
  a.arrays["interval_curve.lo"] = -a.arrays["scale_curve"];
  a.arrays["interval_curve.hi"] = a.arrays["scale_curve"];
  a.time_dependence = time_dependence_of(a.layers, a.arrays);
  for (const auto& stat : a.time_dependence.stats) {
    a.arrays["pearson." + stat.statistic] = at::tensor(stat.r, at::kDouble);
  }
  for (auto& [key, tensor] : layer_summaries(a.layers, a.arrays, a.time_dependence, true)) {
    a.arrays[key] = tensor;
  }
  return run;
}

template <typename Body>
double seconds(Body&& body) {
  const auto start = std::chrono::steady_clock::now();
  body();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  const std::int64_t layers = argc > 1 ? std::atoll(argv[1]) : 100;
  const std::int64_t steps = argc > 2 ? std::atoll(argv[2]) : 1000;
  const std::int64_t bins = argc > 3 ? std::atoll(argv[3]) : 128;
  const int repeats = argc > 4 ? std::atoi(argv[4]) : 5;

  const auto dir = std::filesystem::temp_directory_path() /
                   ("tdq-bench-open-" + std::to_string(std::random_device()()));
  std::filesystem::create_directories(dir);
  const auto folder = dir / "run";
  const double write =
      seconds([&] { write_analysis_run(synthetic_run(layers, steps, bins), folder); });
  const auto stats_bytes = std::filesystem::file_size(folder / kStatsFile);
  std::printf(
      "analyze run: %lld layers x %lld steps, %lld bins, stats.safetensors %.1f MB "
      "(synthesized and written in %.1f s)\n",
      static_cast<long long>(layers), static_cast<long long>(steps), static_cast<long long>(bins),
      static_cast<double>(stats_bytes) / 1e6, write);

  // Open: best and worst of `repeats` (the file is in the page cache after the first).
  const QString path = QString::fromStdString(folder.string());
  double read = 1e300, open_best = 1e300, open_worst = 0;
  for (int i = 0; i < repeats; ++i) {
    read = std::min(read, seconds([&] { read_file_bytes(folder / kStatsFile); }));
    views::RunData run;
    QString error;
    const double s = seconds([&] {
      if (!views::load_run(path, &run, &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        std::exit(1);
      }
    });
    open_best = std::min(open_best, s);
    open_worst = std::max(open_worst, s);
  }

  // Redraw: the heatmap dock as the window shows it, every cell refilled on a selection change.
  views::RunDocuments documents;
  views::Selection selection(&documents);
  views::HeatmapView heatmap(&selection);
  heatmap.resize(900, 560);
  heatmap.show();
  QString error;
  double first_open = seconds([&] { selection.set_run(documents.open(path, &error)); });
  QCoreApplication::processEvents();
  double redraw = 1e300, bare = 1e300;
  for (int i = 0; i < repeats; ++i) {
    // Another step each time (the selection starts at step 0): every set_step redraws.
    const int step = (i + 1) % static_cast<int>(steps);
    redraw = std::min(redraw, seconds([&] { selection.set_step(step); }));
    bare =
        std::min(bare, seconds([&] { heatmap.plot()->replot(QCustomPlot::rpImmediateRefresh); }));
  }
  std::printf("best of %d                                   seconds    ratio\n", repeats);
  std::printf("read stats.safetensors (baseline)          %8.3f     1.00\n", read);
  std::printf("open into RunData (load_run), best         %8.3f  %7.2f   target < 1 s: %s\n",
              open_best, open_best / read, open_best < 1 ? "met" : "NOT met");
  std::printf("open into RunData (load_run), worst        %8.3f  %7.2f\n", open_worst,
              open_worst / read);
  std::printf("open + first heatmap draw (RunDocuments)   %8.3f\n", first_open);
  std::printf("heatmap replot alone (baseline)            %8.4f     1.00\n", bare);
  std::printf("heatmap redraw (%lld x %lld cells refilled)  %8.4f  %7.2f   target < 50 ms: %s\n",
              static_cast<long long>(layers), static_cast<long long>(steps), redraw, redraw / bare,
              redraw < 0.05 ? "met" : "NOT met");
  std::filesystem::remove_all(dir);
  return 0;
}
