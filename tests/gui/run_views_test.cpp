// The document layer and the views on a recorded tiny analyze run: plain structs on load, item
// models under QAbstractItemModelTester, every view with data, and the linked selection.
#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QCoreApplication>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QLineEdit>
#include <QListWidget>
#include <QMimeData>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <qcustomplot.h>

#include <cmath>

#include "gui_test.h"
#include "tiny_run.h"
#include "views/error_view.h"
#include "views/heatmap_view.h"
#include "views/layer_curves_view.h"
#include "views/layer_table_model.h"
#include "views/layer_table_view.h"
#include "views/main_window.h"
#include "views/pearson_view.h"
#include "views/run_browser.h"
#include "views/run_documents.h"

namespace tdq::views {
namespace {

using RunViewsTest = testing::GuiTest;

TEST_F(RunViewsTest, LoadsAnAnalyzeRunIntoPlainStructs) {
  RunData run;
  QString error;
  ASSERT_TRUE(load_run(testing::tiny_analyze_run(), &run, &error)) << error.toStdString();
  EXPECT_TRUE(run.has_quant);
  EXPECT_EQ(run.method, QStringLiteral("table"));
  EXPECT_EQ(run.step_count(), 5);
  EXPECT_EQ(run.timesteps.front(), 800.0);
  ASSERT_GT(run.layer_count(), 5);
  const Matrix* max = run.stat(QStringLiteral("fp.max"));
  ASSERT_NE(max, nullptr);
  EXPECT_EQ(max->rows, run.layer_count());
  EXPECT_EQ(max->cols, 5);
  EXPECT_EQ(run.scale_curve.rows, run.layer_count());
  EXPECT_EQ(run.scale_curve.cols, 1000);
  ASSERT_NE(run.steps(QStringLiteral("step.eps_mse_trajectory")), nullptr);
  EXPECT_EQ(run.steps(QStringLiteral("step.eps_mse_trajectory"))->size(), 5u);
  int quantized = 0;
  for (const LayerInfo& layer : run.layers) {
    if (!layer.quantizer) continue;
    ++quantized;
    EXPECT_EQ(layer.a_bits, 4) << layer.path.toStdString();
    EXPECT_GT(layer.mean_range, 0) << layer.path.toStdString();
    EXPECT_FALSE(std::isnan(layer.mse)) << layer.path.toStdString();
  }
  EXPECT_GT(quantized, 0);
}

TEST_F(RunViewsTest, BrokenFoldersGiveOneLineErrors) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  RunData run;
  QString error;
  EXPECT_FALSE(load_run(dir.filePath(QStringLiteral("missing")), &run, &error));
  EXPECT_TRUE(error.contains(QStringLiteral("missing"))) << error.toStdString();
  // A folder without run.json, and one whose stats file is cut short.
  EXPECT_FALSE(load_run(dir.path(), &run, &error));
  EXPECT_TRUE(error.contains(QStringLiteral("run.json"))) << error.toStdString();
  const QString cut = dir.filePath(QStringLiteral("cut"));
  testing::copy_tiny_run(cut);
  QFile stats(cut + QStringLiteral("/stats.safetensors"));
  ASSERT_TRUE(stats.open(QIODevice::ReadWrite));
  ASSERT_TRUE(stats.resize(stats.size() / 2));
  stats.close();
  EXPECT_FALSE(load_run(cut, &run, &error));
  EXPECT_TRUE(error.contains(QStringLiteral("stats.safetensors"))) << error.toStdString();
}

TEST_F(RunViewsTest, LayerTableModelPassesTheModelTester) {
  RunData run;
  QString error;
  ASSERT_TRUE(load_run(testing::tiny_analyze_run(), &run, &error));
  LayerTableModel model;
  QSortFilterProxyModel proxy;
  proxy.setSourceModel(&model);
  proxy.setSortRole(LayerTableModel::kSortRole);
  QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
  QAbstractItemModelTester proxy_tester(&proxy,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
  EXPECT_EQ(model.rowCount(), 0);
  model.set_run(&run);
  EXPECT_EQ(model.rowCount(), run.layer_count());
  EXPECT_EQ(model.columnCount(), LayerTableModel::kCount);
  proxy.sort(LayerTableModel::kPearson, Qt::DescendingOrder);
  // Numeric sort: the top row holds the largest r.
  double largest = -2;
  for (const LayerInfo& layer : run.layers) {
    if (!std::isnan(layer.pearson)) largest = std::max(largest, layer.pearson);
  }
  EXPECT_NEAR(proxy.index(0, LayerTableModel::kPearson).data(LayerTableModel::kSortRole).toDouble(),
              largest, 1e-12);
  proxy.setFilterKeyColumn(LayerTableModel::kPath);
  proxy.setFilterFixedString(QStringLiteral("down_blocks.0"));
  EXPECT_GT(proxy.rowCount(), 0);
  EXPECT_LT(proxy.rowCount(), model.rowCount());
  model.set_run(nullptr);
  EXPECT_EQ(proxy.rowCount(), 0);
}

TEST_F(RunViewsTest, EveryViewHasDataForAnOpenRun) {
  MainWindow window;
  ASSERT_TRUE(window.open_run(testing::tiny_analyze_run()))
      << window.statusBar()->currentMessage().toStdString();
  EXPECT_EQ(window.documents()->count(), 1);
  EXPECT_EQ(window.run_browser()->open_runs()->count(), 1);
  EXPECT_EQ(window.run_browser()->recent()->count(), 1);
  EXPECT_GT(window.layer_table()->table()->model()->rowCount(), 5);
  window.layer_table()->filter()->setText(QStringLiteral("conv_shortcut"));
  EXPECT_LT(window.layer_table()->proxy()->rowCount(), window.layer_table()->model()->rowCount());
  window.layer_table()->filter()->clear();

  auto* map = qobject_cast<QCPColorMap*>(window.heatmap()->plot()->plottable(0));
  ASSERT_NE(map, nullptr);
  EXPECT_EQ(map->data()->keySize(), 5);
  EXPECT_EQ(map->data()->valueSize(), window.documents()->run(0)->layer_count());
  EXPECT_GE(window.heatmap()->metric_box()->count(), 10);
  // A quantizer layer is selected on open, so the curves show the FP envelope and the interval.
  EXPECT_GE(window.layer_curves()->plot()->graphCount(), 5);
  EXPECT_GT(window.pearson()->plot()->plottableCount(), 0);
  EXPECT_TRUE(window.pearson()->summary_text().contains(QStringLiteral("62.1%")));
  EXPECT_TRUE(window.pearson()->summary_text().contains(QStringLiteral("38.8%")));
  EXPECT_GE(window.error_view()->plot()->graphCount(), 4);
  for (QCustomPlot* plot : {window.heatmap()->plot(), window.layer_curves()->plot(),
                            window.pearson()->plot(), window.error_view()->plot()}) {
    EXPECT_FALSE(plot->xAxis->range().size() == 0) << plot->objectName().toStdString();
  }
}

TEST_F(RunViewsTest, SelectionIsLinkedAcrossViews) {
  MainWindow window;
  window.resize(1400, 900);
  window.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
  ASSERT_TRUE(window.open_run(testing::tiny_analyze_run()));
  Selection* selection = window.selection();

  // Choosing a row in the table selects that layer everywhere.
  QTableView* table = window.layer_table()->table();
  table->sortByColumn(LayerTableModel::kPath, Qt::DescendingOrder);
  table->setCurrentIndex(table->model()->index(2, 0));
  const int layer = window.layer_table()->proxy()->mapToSource(table->currentIndex()).row();
  EXPECT_EQ(selection->layer(), layer);
  const QString path = window.documents()->run(0)->layers[static_cast<std::size_t>(layer)].path;
  EXPECT_TRUE(window.layer_curves()->figures().constFirst().title.contains(path));

  // A layer chosen elsewhere moves the table's current row.
  selection->set_layer(1);
  EXPECT_EQ(window.layer_table()->proxy()->mapToSource(table->currentIndex()).row(), 1);

  // Clicking a heatmap cell selects its layer and step. Pending layout first: a resize handled
  // inside the click would move the cells after their pixels were computed.
  QCoreApplication::processEvents();
  QCustomPlot* plot = window.heatmap()->plot();
  plot->replot();
  const QPoint cell(static_cast<int>(std::lround(plot->xAxis->coordToPixel(3))),
                    static_cast<int>(std::lround(plot->yAxis->coordToPixel(4))));
  QTest::mouseClick(plot, Qt::LeftButton, Qt::NoModifier, cell);
  EXPECT_EQ(selection->layer(), 4);
  EXPECT_EQ(selection->step(), 3);
  EXPECT_EQ(window.layer_table()->proxy()->mapToSource(table->currentIndex()).row(), 4);
  // The chosen step is marked in the plots over t, at that step's t.
  const double t = window.documents()->run(0)->timesteps[3];
  for (QCustomPlot* over_t : {window.layer_curves()->plot(), window.error_view()->plot()}) {
    auto* marker = over_t->findChild<QCPItemStraightLine*>(QStringLiteral("selectedStep"));
    ASSERT_NE(marker, nullptr);
    EXPECT_EQ(marker->point1->coords().x(), t);
  }
  auto* frame = plot->findChild<QCPItemRect*>(QStringLiteral("selectedCell"));
  ASSERT_NE(frame, nullptr);
  EXPECT_EQ(frame->topLeft->coords(), QPointF(2.5, 3.5));
}

TEST_F(RunViewsTest, DroppedFolderOpensAsARun) {
  MainWindow window;
  QMimeData mime;
  mime.setUrls({QUrl::fromLocalFile(testing::tiny_analyze_run())});
  QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QCoreApplication::sendEvent(&window, &enter);
  EXPECT_TRUE(enter.isAccepted());
  QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QCoreApplication::sendEvent(&window, &drop);
  EXPECT_EQ(window.documents()->count(), 1);
  EXPECT_EQ(window.selection()->run(), 0);
}

TEST_F(RunViewsTest, SeveralRunsOpenAtOnce) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  const QString second = dir.filePath(QStringLiteral("second"));
  testing::copy_tiny_run(second);
  MainWindow window;
  ASSERT_TRUE(window.open_run(testing::tiny_analyze_run()));
  ASSERT_TRUE(window.open_run(second));
  ASSERT_TRUE(window.open_run(testing::tiny_analyze_run()));  // already open: not loaded twice
  EXPECT_EQ(window.documents()->count(), 2);
  EXPECT_EQ(window.selection()->run(), 0);
  window.run_browser()->open_runs()->setCurrentRow(1);
  EXPECT_EQ(window.selection()->run(), 1);
  EXPECT_EQ(window.selection()->current_run()->name, QStringLiteral("second"));
  window.documents()->close(1);
  EXPECT_EQ(window.selection()->run(), 0);
  EXPECT_EQ(window.run_browser()->open_runs()->count(), 1);
}

// Layer Range draws the bounds the run recorded, and shades the steps the run marks as clipped:
// a layer after a SiLU starts at the SiLU minimum, so it is not clipped at every step any more.
TEST_F(RunViewsTest, LayerRangeDrawsTheRecordedBoundsAndClippedSteps) {
  MainWindow window;
  ASSERT_TRUE(window.open_run(testing::tiny_analyze_run()));
  const RunData* run = window.selection()->current_run();
  int unsigned_layers = 0;
  for (int layer = 0; layer < run->layer_count(); ++layer) {
    const LayerInfo& info = run->layers[static_cast<std::size_t>(layer)];
    if (!info.quantizer) continue;
    window.selection()->set_layer(layer);
    int clipped = 0;
    for (int k = 0; k < run->step_count(); ++k) clipped += run->interval_clipped.at(layer, k) > 0;
    EXPECT_EQ(window.layer_curves()->clipped_steps(), clipped) << info.path.toStdString();
    EXPECT_EQ(window.layer_curves()->intervals(), 1);
    // The tiny run records histograms, so the oracle interval is drawn at every sampling step.
    EXPECT_EQ(window.layer_curves()->oracle_steps(), run->step_count()) << info.path.toStdString();
    // The interval's graphs hold the recorded lo(t) and hi(t) for every t, unchanged.
    QCustomPlot* plot = window.layer_curves()->plot();
    QCPGraph* lower = nullptr;
    for (int g = 0; g < plot->graphCount(); ++g) {
      if (plot->graph(g)->data()->size() == run->num_timesteps) {
        lower = plot->graph(g);
        break;
      }
    }
    ASSERT_NE(lower, nullptr) << info.path.toStdString();
    for (const int t : {0, 333, 999}) {
      EXPECT_EQ(lower->data()->at(t)->value, run->interval_curve_lo.at(layer, t));
    }
    if (info.grid == QLatin1String("unsigned")) {
      ++unsigned_layers;
      EXPECT_NEAR(run->interval_curve_lo.at(layer, 500), -0.2784645427610738, 1e-7);
      // The FP minimum is the SiLU minimum, at the lower bound (within float rounding), never
      // 0.28 below it as with the old interval [0, (2^b-1) s].
      const Matrix* fp_min = run->stat(QStringLiteral("fp.min"));
      ASSERT_NE(fp_min, nullptr);
      for (int k = 0; k < run->step_count(); ++k) {
        EXPECT_GE(fp_min->at(layer, k), run->interval_lo.at(layer, k) - 1e-6);
      }
    }
  }
  EXPECT_GT(unsigned_layers, 0);
}

// Several runs of one model: Layer Range overlays each run's interval at the selected layer;
// a run of another model is left out.
TEST_F(RunViewsTest, LayerRangeOverlaysTheIntervalsOfRunsOfTheSameModel) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  const QString second = dir.filePath(QStringLiteral("second"));
  const QString other = dir.filePath(QStringLiteral("other-model"));
  testing::copy_tiny_run(second);
  testing::copy_tiny_run(other);
  QFile json(other + QStringLiteral("/run.json"));
  ASSERT_TRUE(json.open(QIODevice::ReadOnly));
  const QByteArray text = json.readAll().replace("0123456789abcdef", "fedcba9876543210");
  json.close();
  ASSERT_TRUE(json.open(QIODevice::WriteOnly | QIODevice::Truncate));
  json.write(text);
  json.close();
  MainWindow window;
  ASSERT_TRUE(window.open_run(testing::tiny_analyze_run()));
  ASSERT_TRUE(window.open_run(second));
  ASSERT_TRUE(window.open_run(other));
  window.selection()->set_run(0);
  const RunData* run = window.selection()->current_run();
  ASSERT_GE(run->most_time_dependent, 0);
  window.selection()->set_layer(run->most_time_dependent);
  EXPECT_EQ(window.layer_curves()->intervals(), 2);
  QCustomPlot* plot = window.layer_curves()->plot();
  bool named = false;
  for (int g = 0; g < plot->graphCount(); ++g) {
    named = named || plot->graph(g)->name().startsWith(QStringLiteral("second: "));
  }
  EXPECT_TRUE(named);
}

}  // namespace
}  // namespace tdq::views
