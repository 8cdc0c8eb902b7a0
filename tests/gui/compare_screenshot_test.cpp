// Not a check: renders the README's screenshots of issue 14 from real analyze runs when asked to:
// Layer Range with three methods overlaid, and the Compare view (scatter and gain heatmap) of the
// last two runs.
//   TDQ_SCREENSHOT_DIR=docs/screenshots TDQ_COMPARE_RUNS="<minmax> <table> <tdq-ptq>"
//   [TDQ_COMPARE_LAYER=<module path>] xvfb-run -a -s "-screen 0 1600x1000x24"
//   build/bin/test_gui --gtest_filter='CompareScreenshots.*'
// Skipped otherwise, so ctest stays fast and needs no recorded runs.
#include <QDockWidget>

#include "gui_test.h"
#include "views/compare_view.h"
#include "views/layer_curves_view.h"
#include "views/main_window.h"
#include "views/run_documents.h"

namespace tdq::views {
namespace {

using CompareScreenshots = testing::GuiTest;
using testing::env;

TEST_F(CompareScreenshots, Render) {
  const QStringList runs = env("TDQ_COMPARE_RUNS").split(QLatin1Char(' '), Qt::SkipEmptyParts);
  if (env("TDQ_SCREENSHOT_DIR").isEmpty() || runs.size() < 2) GTEST_SKIP() << "not asked for";
  MainWindow window;
  for (const QString& run : runs) ASSERT_TRUE(window.open_run(run, /*remember=*/false));
  const RunData* run = window.selection()->current_run();
  ASSERT_NE(run, nullptr);
  const QString layer = env("TDQ_COMPARE_LAYER");
  window.selection()->set_layer(layer.isEmpty() ? run->most_time_dependent
                                                : run->layer_index(layer));
  const int count = window.documents()->count();
  CompareView* compare = window.compare_view();
  compare->set_runs(count - 2, count - 1);
  ASSERT_NE(compare->comparison(), nullptr) << compare->summary_text().toStdString();
  // The docks alone, at a size a reader sees them in the window.
  auto* curves = window.findChild<QDockWidget*>(QStringLiteral("dockLayerCurves"));
  curves->setFloating(true);
  curves->resize(900, 560);
  testing::save_screenshot(*curves, QStringLiteral("layer-range-three-methods.png"));
  auto* dock = window.findChild<QDockWidget*>(QStringLiteral("dockCompare"));
  dock->setFloating(true);
  dock->resize(900, 640);
  testing::save_screenshot(*dock, QStringLiteral("compare-scatter.png"));
  compare->set_mode(CompareView::Mode::kGainHeatmap);
  testing::save_screenshot(*dock, QStringLiteral("compare-gain-heatmap.png"));
}

}  // namespace
}  // namespace tdq::views
