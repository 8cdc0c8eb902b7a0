// The Compare view on two tiny analyze runs of one model (per-step table and MinMax): it draws the
// core's pairing as it is, follows and drives the layer selection, joins the report, and shows one
// line for runs of another model.
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <qcustomplot.h>

#include <cmath>

#include "core/record/run_comparison.h"
#include "gui_test.h"
#include "tiny_run.h"
#include "views/compare_view.h"
#include "views/main_window.h"
#include "views/run_documents.h"

namespace tdq::views {
namespace {

using CompareViewTest = testing::GuiTest;

CompareView* compare_of(const MainWindow& window) {
  return window.findChild<CompareView*>(QStringLiteral("compareView"));
}

TEST_F(CompareViewTest, DrawsTheCorePairingOfTwoRunsOfOneModel) {
  MainWindow window;
  ASSERT_TRUE(window.open_run(testing::tiny_analyze_run()));
  ASSERT_TRUE(window.open_run(testing::tiny_minmax_analyze_run()));
  CompareView* view = compare_of(window);
  ASSERT_NE(view, nullptr);
  // The first run is A, the one opened last B.
  EXPECT_EQ(view->run_a(), 0);
  EXPECT_EQ(view->run_b(), 1);
  const RunComparison* c = view->comparison();
  ASSERT_NE(c, nullptr) << view->summary_text().toStdString();
  EXPECT_GT(c->paired(), 3);
  EXPECT_TRUE(view->summary_text().contains(
      QStringLiteral("better in %1 of %2 layers").arg(c->b_better).arg(c->paired())))
      << view->summary_text().toStdString();
  // The scatter holds one point per paired layer at (A's error, B's error), as core paired them.
  QCPGraph* points = view->scatter()->graph(0);
  ASSERT_EQ(points->dataCount(), c->paired());
  const RunData* a = window.documents()->run(0);
  const int row = c->row_a[0];
  EXPECT_EQ(c->a[0], a->layers[static_cast<std::size_t>(row)].mse);
  bool found = false;
  for (auto it = points->data()->constBegin(); it != points->data()->constEnd(); ++it) {
    found = found || (it->key == c->a[0] && it->value == c->b[0]);
  }
  EXPECT_TRUE(found);
  // The heatmap holds B's gain per paired layer and step.
  auto* map = qobject_cast<QCPColorMap*>(view->gain_heatmap()->plottable(0));
  ASSERT_NE(map, nullptr);
  EXPECT_EQ(map->data()->keySize(), static_cast<int>(c->timesteps.size()));
  EXPECT_EQ(map->data()->valueSize(), c->paired());
  for (int pair = 0; pair < c->paired(); ++pair) {
    for (int step = 0; step < static_cast<int>(c->timesteps.size()); ++step) {
      const double gain = c->step_gain(pair, step), cell = map->data()->cell(step, pair);
      EXPECT_TRUE(gain == cell || (std::isnan(gain) && std::isnan(cell)))
          << "pair " << pair << " step " << step << ": " << gain << " vs " << cell;
    }
  }

  // SQNR pairs the other arrays.
  view->error_box()->setCurrentIndex(1);
  ASSERT_NE(view->comparison(), nullptr);
  EXPECT_EQ(view->comparison()->error, ComparedError::InputSqnr);
  const RunComparison* sqnr = view->comparison();
  EXPECT_EQ(sqnr->a[0], a->layers[static_cast<std::size_t>(sqnr->row_a[0])].sqnr_db);
}

TEST_F(CompareViewTest, FollowsAndDrivesTheLayerSelection) {
  MainWindow window;
  window.resize(1400, 900);
  window.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
  ASSERT_TRUE(window.open_run(testing::tiny_analyze_run()));
  ASSERT_TRUE(window.open_run(testing::tiny_minmax_analyze_run()));
  CompareView* view = compare_of(window);
  ASSERT_NE(view->comparison(), nullptr);
  const RunComparison c = *view->comparison();
  // Selecting a paired layer rings it in the scatter.
  window.selection()->set_layer(c.row_b[1]);  // the current run is B, the last opened
  QCustomPlot* scatter = view->scatter();
  ASSERT_EQ(scatter->graphCount(), 3);  // layers, the selected one, the diagonal
  // The diagonal is A = B within the plotted range, which holds every drawable point.
  const QCPGraph* diagonal = scatter->graph(2);
  const QCPRange range = scatter->xAxis->range();
  EXPECT_EQ(scatter->yAxis->range(), range);
  EXPECT_EQ(diagonal->data()->at(0)->key, range.lower);
  EXPECT_EQ(diagonal->data()->at(0)->value, range.lower);
  EXPECT_GT(range.lower, 0);
  EXPECT_EQ(scatter->graph(1)->objectName(), QStringLiteral("selectedLayer"));
  EXPECT_EQ(scatter->graph(1)->data()->at(0)->key, view->comparison()->a[1]);
  // A click on a heatmap cell selects that layer and step everywhere.
  view->set_mode(CompareView::Mode::kGainHeatmap);
  window.findChild<QDockWidget*>(QStringLiteral("dockCompare"))->raise();
  QCoreApplication::processEvents();
  QCustomPlot* heatmap = view->gain_heatmap();
  ASSERT_TRUE(heatmap->isVisible());
  EXPECT_FALSE(scatter->isVisible());
  heatmap->replot();
  // The heatmap takes the scatter's place, as readable as the layout test wants every plot.
  EXPECT_GE(heatmap->axisRect()->rect().width(), 300);
  EXPECT_GE(heatmap->axisRect()->rect().height(), 150);
  const int pair = c.paired() - 1;
  const QPoint cell(static_cast<int>(heatmap->xAxis->coordToPixel(2)),
                    static_cast<int>(heatmap->yAxis->coordToPixel(pair)));
  QTest::mouseClick(heatmap, Qt::LeftButton, Qt::NoModifier, cell);
  const RunData* run = window.selection()->current_run();
  ASSERT_NE(run, nullptr);
  EXPECT_EQ(run->layers[static_cast<std::size_t>(window.selection()->layer())].path.toStdString(),
            view->comparison()->layers[static_cast<std::size_t>(pair)]);
  EXPECT_EQ(window.selection()->step(), 2);
}

TEST_F(CompareViewTest, JoinsTheReportWithBothFigures) {
  MainWindow window;
  ASSERT_TRUE(window.open_run(testing::tiny_analyze_run()));
  ASSERT_TRUE(window.open_run(testing::tiny_minmax_analyze_run()));
  QTemporaryDir out;
  ASSERT_TRUE(out.isValid());
  QString error;
  ASSERT_TRUE(window.export_report(out.path(), &error)) << error.toStdString();
  for (const char* file : {"figures/compare_scatter.png", "figures/compare_gain_heatmap.pdf"}) {
    EXPECT_TRUE(QFileInfo::exists(QDir(out.path()).filePath(QString::fromLatin1(file)))) << file;
  }
  QFile index(QDir(out.path()).filePath(QStringLiteral("index.md")));
  ASSERT_TRUE(index.open(QIODevice::ReadOnly));
  EXPECT_TRUE(QString::fromUtf8(index.readAll()).contains(QStringLiteral("better in")));
}

TEST_F(CompareViewTest, RunsOfAnotherModelGiveOneLineAndNoFigures) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  const QString other = dir.filePath(QStringLiteral("other-model"));
  testing::copy_tiny_run(other);
  QFile json(other + QStringLiteral("/run.json"));
  ASSERT_TRUE(json.open(QIODevice::ReadOnly));
  const QByteArray text = json.readAll().replace("0123456789abcdef", "fedcba9876543210");
  json.close();
  ASSERT_TRUE(json.open(QIODevice::WriteOnly | QIODevice::Truncate));
  json.write(text);
  json.close();
  MainWindow window;
  ASSERT_TRUE(window.open_run(testing::tiny_minmax_analyze_run()));
  ASSERT_TRUE(window.open_run(other));
  CompareView* view = compare_of(window);
  EXPECT_EQ(view->comparison(), nullptr);
  EXPECT_TRUE(view->summary_text().contains(QStringLiteral("different models")))
      << view->summary_text().toStdString();
  EXPECT_FALSE(view->summary_text().contains(QLatin1Char('\n')));
  EXPECT_TRUE(view->figures().isEmpty());
  EXPECT_EQ(view->scatter()->graphCount(), 0);
}

}  // namespace
}  // namespace tdq::views
