// Sensitivity and bit-search runs in the workbench: the layer x window heatmap shows the chosen
// matrix's seed means, the bars the per-layer means, a click selects that layer in the open
// analyze run, the Pareto plot shows the front and the validated configs, both open every way and
// export as figures, and a damaged run gives one line and changes nothing.
// LibTorch first: Qt defines `slots` as a macro.
#include "core/jobs/bit_search_job.h"
#include "core/run/run_folder.h"
#include "core/sensitivity/sensitivity_run.h"
#include "tests/support/temp_dir.h"

#include <qcustomplot.h>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QDropEvent>
#include <QFile>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>
#include <QTest>
#include <QUrl>

#include <cmath>
#include <fstream>
#include <stdexcept>

#include "gui_test.h"
#include "tiny_run.h"
#include "views/figure_export.h"
#include "views/main_window.h"
#include "views/pareto_view.h"
#include "views/run_data.h"
#include "views/run_documents.h"
#include "views/sensitivity_view.h"

namespace tdq::views {
namespace {

QString qstr(const std::filesystem::path& p) { return QString::fromStdString(p.string()); }

constexpr int kSeeds = 2, kRows = 3, kWindows = 3;

// The mean over seeds of what the run below stores: seed s adds s to a value that tells its
// matrix, row and window apart, so a cell shows where it came from. Matrices: weight 4 bits,
// weight 8 bits (less damage), input 4 bits, keep FP gain.
double expected(int matrix, int row, int window) {
  constexpr double kBase[] = {400, 100, 300, 200};
  return kBase[matrix] + 10.0 * row + window + 0.5 * (kSeeds - 1);
}

// A sensitivity run written with the core API (no measuring): three quantizer layers of the tiny
// analyze run, so that their paths match its layers; weights at 4 and 8 bits, inputs at 4.
struct Runs {
  test::TempDir dir;
  std::vector<QString> paths;  // of the rows
  std::vector<int> layers;     // the analyze run's layer index of each row
  QString sensitivity, bit_search;
  Runs() {
    RunData analyze;
    QString error;
    if (!load_run(testing::tiny_analyze_run(), &analyze, &error)) throw std::runtime_error("tiny");
    SensitivityRun run;
    run.model_dir = "tiny";
    run.model_sha256 = "abc";
    run.quant_runs = {"runs/w4a4", "runs/w8a8"};
    run.base_config.w_bits = run.base_config.a_bits = 4;  // what the search leaves unsearched
    run.options.seeds = {0, 1};
    run.options.windows = kWindows;
    SensitivityResult& r = run.result;
    r.timesteps = {900, 700, 500, 300, 100, 0};
    r.windows = {{0, 1, 900, 700}, {2, 3, 500, 300}, {4, 5, 100, 0}};
    for (int i = 0; i < analyze.layer_count() && static_cast<int>(paths.size()) < kRows; ++i) {
      const LayerInfo& layer = analyze.layers[static_cast<std::size_t>(i)];
      if (!layer.quantizer || i == 0) continue;  // not layer 0: a click must move the selection
      r.layers.push_back({i, layer.path.toStdString(), 100 * (i + 1), 10 * (i + 1)});
      paths.push_back(layer.path);
      layers.push_back(i);
    }
    r.weight_bits = {4, 8};
    r.input_bits = {4};
    r.weight_twin = {0, 1};
    r.input_twin = {0};
    const auto values = [](int first_matrix, int matrices) {
      at::Tensor t = at::zeros({kSeeds, matrices, kRows, kWindows}, at::kDouble);
      for (int s = 0; s < kSeeds; ++s)
        for (int m = 0; m < matrices; ++m)
          for (int row = 0; row < kRows; ++row)
            for (int w = 0; w < kWindows; ++w)
              t[s][m][row][w] = expected(first_matrix + m, row, w) - 0.5 * (kSeeds - 1) + s;
      return t;
    };
    r.weight_damage = values(0, 2);
    r.input_damage = values(2, 1);
    // The gain of keeping a layer FP can be negative: row 0, window 0 is.
    r.keep_fp_gain = values(3, 1).select(1, 0).clone();
    r.keep_fp_gain[0][0][0] = -1000.0;
    r.keep_fp_gain[1][0][0] = -1000.0;
    r.twin_error = at::ones({kSeeds, 2, kWindows}, at::kDouble);
    // Final-sample errors from each window on, so that the window gains are 2, 1 and 0.5.
    r.twin_final_error =
        at::tensor({3.5, 1.5, 0.5}, at::kDouble).view({1, 1, kWindows}).repeat({kSeeds, 2, 1});
    r.twin_sample_error = at::ones({kSeeds, 2}, at::kDouble);
    r.layers_done = kRows;
    sensitivity = qstr(write_sensitivity_run(run, dir / "sens"));

    // The search itself (core), then validation rows as `--validate` writes them, by hand: they
    // would need the model to measure.
    BitSearchJob job;
    job.sensitivity_run = sensitivity.toStdString();
    job.search.weight.mean_bits = 6;
    const auto search = run_bit_search_job(job, dir / "search");
    nlohmann::json json = read_run_json(search, "bit-search");
    const auto row = [](const char* name, double w_bits, double measured) {
      return nlohmann::json{{"name", name},         {"weight_mean_bits", w_bits},
                            {"input_mean_bits", 8}, {"predicted", measured / 2},
                            {"measured", measured}, {"measured_per_seed", {measured, measured}}};
    };
    json["validation"] = {{"configs",
                           {row("searched", 6, 300), row("uniform4", 4, 500),
                            row("uniform8", 8, 200), row("random0", 5.5, 450)}},
                          {"spearman_predicted_vs_measured", 1.0}};
    std::ofstream(search / "run.json") << json.dump(2);
    bit_search = qstr(search);
  }
};

const Runs& runs() {
  static const Runs made;
  return made;
}

class SensitivityViews : public testing::GuiTest {};

SensitivityView* view(const MainWindow& window) { return window.sensitivity_docks().sensitivity; }
ParetoView* pareto(const MainWindow& window) { return window.sensitivity_docks().pareto; }

TEST_F(SensitivityViews, HeatmapShowsTheChosenMatrixAndBarsTheLayerMeans) {
  MainWindow window;
  ASSERT_TRUE(window.open_run(runs().sensitivity))
      << window.statusBar()->currentMessage().toStdString();
  EXPECT_EQ(window.documents()->count(), 0);  // not a run of the run views
  SensitivityView* v = view(window);
  ASSERT_NE(v->summary(), nullptr);
  QComboBox* box = v->matrix_box();
  ASSERT_EQ(box->count(), 7);
  EXPECT_EQ(box->itemText(0), QStringLiteral("weight 4 bits"));
  EXPECT_EQ(box->itemText(1), QStringLiteral("weight 8 bits"));
  EXPECT_EQ(box->itemText(2), QStringLiteral("input 4 bits"));
  EXPECT_EQ(box->itemText(3), QStringLiteral("keep FP gain"));
  EXPECT_EQ(box->itemText(4), QStringLiteral("weight 4 bits, at the final sample"));
  EXPECT_EQ(box->itemText(6), QStringLiteral("input 4 bits, at the final sample"));
  // Layers x windows cells, each the seed mean of its matrix, row and window.
  QCPColorMapData* data = v->map()->data();
  EXPECT_EQ(data->keySize(), kWindows);
  EXPECT_EQ(data->valueSize(), kRows);
  // At the final sample: each window's damage times its gain (2, 1, 0.5).
  const double gains[] = {2.0, 1.0, 0.5};
  for (const auto& [m, local] : {std::pair{4, 0}, std::pair{5, 1}, std::pair{6, 2}}) {
    box->setCurrentIndex(m);
    for (int w = 0; w < kWindows; ++w)
      EXPECT_NEAR(data->cell(w, 1), expected(local, 1, w) * gains[w], 1e-9) << m << " " << w;
  }
  ASSERT_TRUE(v->input_bars()->visible());
  EXPECT_EQ(v->input_bars()->name(), QStringLiteral("input 4 bits, at the final sample"));
  EXPECT_NEAR(v->input_bars()->data()->at(1)->value,
              (expected(2, 1, 0) * 2.0 + expected(2, 1, 1) + expected(2, 1, 2) * 0.5) / 3, 1e-9);
  for (int m = 0; m < 4; ++m) {
    box->setCurrentIndex(m);
    for (const auto& [row, w] : {std::pair{0, 2}, std::pair{1, 0}, std::pair{2, 1}})
      EXPECT_DOUBLE_EQ(data->cell(w, row), expected(m, row, w)) << m << " " << row << " " << w;
  }
  EXPECT_DOUBLE_EQ(data->cell(0, 0), -1000.0);  // keep FP gain, negative
  // Log colours: a non-positive cell has no colour rather than a made-up one.
  v->scale_box()->setCurrentIndex(1);
  EXPECT_TRUE(std::isnan(data->cell(0, 0)));
  EXPECT_DOUBLE_EQ(data->cell(1, 0), expected(3, 0, 1));
  // Windows are labelled by their t range.
  const auto ticker = qSharedPointerCast<QCPAxisTickerText>(v->plot()->xAxis->ticker());
  ASSERT_TRUE(ticker);
  EXPECT_EQ(ticker->ticks().value(1), QStringLiteral("500-300"));

  // Bars: weight against input damage per layer (mean over windows) at the chosen bits; the keep
  // FP gain keeps the bits last chosen.
  box->setCurrentIndex(1);  // weight 8 bits: no input at 8 bits
  EXPECT_TRUE(v->weight_bars()->visible());
  EXPECT_FALSE(v->input_bars()->visible());
  EXPECT_DOUBLE_EQ(v->weight_bars()->data()->at(2)->value, expected(1, 2, 1));
  box->setCurrentIndex(2);  // input 4 bits
  box->setCurrentIndex(3);
  ASSERT_TRUE(v->weight_bars()->visible() && v->input_bars()->visible());
  EXPECT_EQ(v->weight_bars()->data()->size(), kRows);
  EXPECT_DOUBLE_EQ(v->weight_bars()->data()->at(1)->value, expected(0, 1, 1));
  EXPECT_DOUBLE_EQ(v->input_bars()->data()->at(1)->value, expected(2, 1, 1));
  EXPECT_EQ(v->input_bars()->name(), QStringLiteral("input 4 bits"));

  // A language change retranslates the matrix names and keeps the choice.
  ASSERT_TRUE(install_translation(QStringLiteral("zh_CN")));
  deliver_language_change();
  EXPECT_EQ(box->itemText(0), QStringLiteral("权重 4 位"));
  EXPECT_EQ(box->currentIndex(), 3);
}

TEST_F(SensitivityViews, ClickingACellSelectsThatLayerEverywhere) {
  MainWindow window;
  window.resize(1400, 900);
  window.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
  ASSERT_TRUE(window.open_run(testing::tiny_analyze_run()));
  ASSERT_TRUE(window.open_run(runs().sensitivity));
  Selection* selection = window.selection();
  EXPECT_EQ(selection->run(), 0);  // the analyze run stays the current run
  SensitivityView* v = view(window);
  ASSERT_TRUE(v->isVisible());  // its dock was raised
  QCoreApplication::processEvents();
  QCustomPlot* plot = v->plot();
  plot->replot();
  const auto click = [&](int row, int window_index) {
    const QPoint cell(static_cast<int>(std::lround(plot->xAxis->coordToPixel(window_index))),
                      static_cast<int>(std::lround(plot->yAxis->coordToPixel(row))));
    QTest::mouseClick(plot, Qt::LeftButton, Qt::NoModifier, cell);
  };
  for (int row : {2, 1}) {
    click(row, 1);
    EXPECT_EQ(selection->layer(), runs().layers[static_cast<std::size_t>(row)]);
    EXPECT_EQ(v->selected_row(), row);
    ASSERT_NE(plot->findChild<QCPItemRect*>(QStringLiteral("selectedRow")), nullptr);
  }
  // A layer chosen elsewhere moves the selected row.
  selection->set_layer(runs().layers[0]);
  EXPECT_EQ(v->selected_row(), 0);
}

TEST_F(SensitivityViews, ParetoPlotShowsTheFrontAndTheValidatedConfigs) {
  MainWindow window;
  ASSERT_TRUE(window.open_run(runs().bit_search))
      << window.statusBar()->currentMessage().toStdString();
  ParetoView* p = pareto(window);
  ASSERT_NE(p->run(), nullptr);
  const BitSearchRun& run = *p->run();
  ASSERT_GE(run.weight_front.size(), 2u);
  EXPECT_TRUE(run.input_front.empty());  // inputs were not searched
  ASSERT_EQ(p->front_box()->count(), 1);
  QCPGraph* front = p->front_graph();
  ASSERT_EQ(front->data()->size(), static_cast<int>(run.weight_front.size()));
  for (int i = 0; i < front->data()->size(); ++i) {
    EXPECT_DOUBLE_EQ(front->data()->at(i)->key,
                     run.weight_front[static_cast<std::size_t>(i)].mean_bits);
    EXPECT_DOUBLE_EQ(front->data()->at(i)->value,
                     run.weight_front[static_cast<std::size_t>(i)].predicted);
  }
  // The searched mix of 4 and 8 bits predicts less damage than all layers at 4 bits.
  EXPECT_LT(run.weight_front.back().predicted, run.weight_front.front().predicted);
  // Validated configs at their measured error, labelled by name.
  QCPGraph* measured = p->measured_graph();
  ASSERT_EQ(measured->data()->size(), 4);
  QStringList labels;
  for (QCPItemText* label : p->plot()->findChildren<QCPItemText*>(QStringLiteral("configLabel"))) {
    labels << label->text();
    if (label->text() == QStringLiteral("uniform8")) {
      EXPECT_DOUBLE_EQ(label->position->coords().x(), 8);
      EXPECT_DOUBLE_EQ(label->position->coords().y(), 200);
    }
  }
  labels.sort();
  EXPECT_EQ(labels, (QStringList{QStringLiteral("random0"), QStringLiteral("searched"),
                                 QStringLiteral("uniform4"), QStringLiteral("uniform8")}));
}

TEST_F(SensitivityViews, BothExportAsFigures) {
  MainWindow window;
  ASSERT_TRUE(window.open_run(runs().sensitivity));
  ASSERT_TRUE(window.open_run(runs().bit_search));
  const QList<Figure> heatmap = view(window)->figures();
  ASSERT_EQ(heatmap.size(), 2);  // heatmap and bars
  EXPECT_EQ(heatmap[0].name, QStringLiteral("sensitivity_weight4"));
  const QList<Figure> front = pareto(window)->figures();
  ASSERT_EQ(front.size(), 1);
  test::TempDir out;
  for (const Figure& figure : heatmap + front) {
    for (FigureFormat format : {FigureFormat::kPng, FigureFormat::kSvg, FigureFormat::kPdf}) {
      const QString file =
          qstr(out / figure.name.toStdString()) + QLatin1Char('.') + figure_suffix(format);
      QString error;
      EXPECT_TRUE(export_figure(figure.plot, file, format, FigureSize{}, &error))
          << error.toStdString();
      EXPECT_GT(QFileInfo(file).size(), 1000) << file.toStdString();
    }
  }
}

TEST_F(SensitivityViews, OpenByDropAndRecentRuns) {
  MainWindow window;
  QMimeData mime;
  mime.setUrls({QUrl::fromLocalFile(runs().sensitivity), QUrl::fromLocalFile(runs().bit_search)});
  QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QCoreApplication::sendEvent(&window, &enter);
  QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QCoreApplication::sendEvent(&window, &drop);
  EXPECT_NE(view(window)->summary(), nullptr);
  EXPECT_NE(pareto(window)->run(), nullptr);
  const QStringList recent = QSettings().value(QStringLiteral("recentRuns")).toStringList();
  ASSERT_EQ(recent.size(), 2);

  MainWindow again;
  auto* menu = again.findChild<QMenu*>(QStringLiteral("menuRecentRuns"));
  emit menu->aboutToShow();
  for (QAction* action : menu->actions()) {
    if (action->isVisible() && action->data().isValid()) action->trigger();
  }
  EXPECT_EQ(view(again)->folder(), QDir::cleanPath(runs().sensitivity));
  EXPECT_EQ(pareto(again)->folder(), QDir::cleanPath(runs().bit_search));
}

TEST_F(SensitivityViews, DamagedRunsGiveOneLineAndChangeNothing) {
  test::TempDir dir;
  const auto copy = [&](const QString& from, const char* name) {
    const auto to = dir / name;
    std::filesystem::copy(from.toStdString(), to, std::filesystem::copy_options::recursive);
    return qstr(to);
  };
  const QString sens = copy(runs().sensitivity, "sens");
  {
    QFile f(sens + QStringLiteral("/sensitivity.safetensors"));
    ASSERT_TRUE(f.open(QIODevice::ReadWrite));
    ASSERT_TRUE(f.resize(f.size() / 2));
  }
  const QString search = copy(runs().bit_search, "search");
  {
    nlohmann::json json = read_run_json(search.toStdString());
    json.erase("weight");
    std::ofstream((dir / "search" / "run.json")) << json.dump();
  }

  MainWindow window;
  ASSERT_TRUE(window.open_run(testing::tiny_analyze_run()));
  ASSERT_TRUE(window.open_run(runs().sensitivity));
  ASSERT_TRUE(window.open_run(runs().bit_search));
  window.selection()->set_layer(2);
  for (const QString& folder : {sens, search}) {
    EXPECT_FALSE(window.open_run(folder)) << folder.toStdString();
    const QString message = window.statusBar()->currentMessage();
    EXPECT_FALSE(message.contains(QLatin1Char('\n'))) << message.toStdString();
    EXPECT_TRUE(
        message.startsWith(QStringLiteral("Cannot open ") + QDir::toNativeSeparators(folder)))
        << message.toStdString();
    EXPECT_EQ(window.documents()->count(), 1);
    EXPECT_EQ(window.selection()->layer(), 2);
    EXPECT_EQ(view(window)->folder(), QDir::cleanPath(runs().sensitivity));
    EXPECT_EQ(pareto(window)->folder(), QDir::cleanPath(runs().bit_search));
  }
  EXPECT_EQ(QSettings().value(QStringLiteral("recentRuns")).toStringList().size(), 3);
}

}  // namespace
}  // namespace tdq::views
