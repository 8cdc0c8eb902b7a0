// Not a check: renders the README's screenshots of the sensitivity and bit-search views from real
// runs when asked to.
//   TDQ_SCREENSHOT_DIR=docs/screenshots TDQ_SENSITIVITY_RUN=<tdq sensitivity --out>
//   TDQ_BIT_SEARCH_RUN=<tdq search-bits --out> xvfb-run -a -s "-screen 0 1600x1000x24"
//   build/bin/test_gui --gtest_filter='SensitivityScreenshots.*'
// Skipped otherwise, so ctest stays fast and needs no shipped runs.
// Core before Qt: Qt's `slots` keyword breaks LibTorch headers included after it.
#include "core/sensitivity/sensitivity_run.h"

#include <QComboBox>
#include <QDir>
#include <QTest>

#include <algorithm>
#include <cstdlib>

#include "gui_test.h"
#include "views/pareto_view.h"
#include "views/run_documents.h"
#include "views/sensitivity_view.h"

namespace tdq::views {
namespace {

using SensitivityScreenshots = testing::GuiTest;

using testing::env;

TEST_F(SensitivityScreenshots, Render) {
  const QString sensitivity = env("TDQ_SENSITIVITY_RUN");
  const QString search = env("TDQ_BIT_SEARCH_RUN");
  if (env("TDQ_SCREENSHOT_DIR").isEmpty() || (sensitivity.isEmpty() && search.isEmpty()))
    GTEST_SKIP() << "not asked for";
  RunDocuments documents;
  Selection selection(&documents);
  QString error;
  if (!sensitivity.isEmpty()) {
    SensitivityView view(&selection);
    view.resize(900, 900);
    ASSERT_TRUE(view.open_run(sensitivity, &error)) << error.toStdString();
    // The weight damage at the fewest bits, on a log scale: where quantizing hurts most.
    view.scale_box()->setCurrentIndex(1);
    testing::save_screenshot(view, QStringLiteral("sensitivity-heatmap.png"));
    // With final-sample errors: the input damage at the fewest bits as it reaches the sample.
    const auto& matrices = view.summary()->matrices;
    const auto final = std::find_if(matrices.begin(), matrices.end(),
                                    [](const auto& m) { return m.kind == "input_final"; });
    if (final != matrices.end()) {
      view.matrix_box()->setCurrentIndex(
          view.matrix_box()->findData(static_cast<int>(final - matrices.begin())));
      testing::save_screenshot(view, QStringLiteral("sensitivity-final-heatmap.png"));
    }
  }
  if (!search.isEmpty()) {
    ParetoView view(&selection);
    view.resize(900, 600);
    ASSERT_TRUE(view.open_run(search, &error)) << error.toStdString();
    view.scale_box()->setCurrentIndex(1);
    testing::save_screenshot(view, QStringLiteral("pareto.png"));
  }
}

}  // namespace
}  // namespace tdq::views
