// Not a check: renders the README's screenshots of the job views from real runs when asked to.
//   TDQ_SCREENSHOT_DIR=docs/screenshots TDQ_DEMO_DIR=<tdq demo --out> [TDQ_FID_DIR=<fid runs>]
//   xvfb-run -a -s "-screen 0 1600x1000x24" build/bin/test_gui
//   --gtest_filter='JobViewsScreenshots.*'
// Skipped otherwise, so ctest stays fast and needs no shipped runs.
#include "core/jobs/experiment_job.h"  // LibTorch first: Qt defines `slots` as a macro

#include <QComboBox>
#include <QDir>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

#include <cstdlib>

#include "gui_test.h"
#include "views/experiment_panel.h"
#include "views/fid_view.h"
#include "views/image_pair_canvas.h"
#include "views/job_runner.h"
#include "views/sample_compare_view.h"

namespace tdq::views {
namespace {

using JobViewsScreenshots = testing::GuiTest;

using testing::env;

TEST_F(JobViewsScreenshots, Render) {
  const QString demo = env("TDQ_DEMO_DIR");
  if (env("TDQ_SCREENSHOT_DIR").isEmpty() || demo.isEmpty()) GTEST_SKIP() << "not asked for";
  QString analyze;
  for (const QString& name : QDir(demo).entryList({QStringLiteral("*-analyze")}, QDir::Dirs)) {
    if (name != QStringLiteral("fp-analyze")) analyze = QDir(demo).filePath(name);
  }
  ASSERT_FALSE(analyze.isEmpty());

  SampleCompareView samples;
  samples.resize(900, 560);
  ASSERT_TRUE(samples.show_run(analyze)) << samples.status_text().toStdString();
  testing::save_screenshot(samples, QStringLiteral("sample-compare.png"));
  samples.select_step(10);
  samples.set_show_x0(true);
  testing::save_screenshot(samples, QStringLiteral("sample-compare-step.png"));
  samples.set_position(samples.positions() - 1);
  samples.set_mode(ImagePairCanvas::Mode::Difference);
  testing::save_screenshot(samples, QStringLiteral("sample-compare-difference.png"));

  FidView fid;
  fid.resize(900, 640);
  const QString fid_dir = env("TDQ_FID_DIR").isEmpty() ? demo : env("TDQ_FID_DIR");
  ASSERT_GT(fid.add_runs_in(fid_dir), 0);
  testing::save_screenshot(fid, QStringLiteral("fid-runs.png"));

  // Mid-job: a real MinMax W8A4 experiment on the default model, grabbed at about a third.
  QTemporaryDir runs(QDir::temp().filePath(QStringLiteral("runs-XXXXXX")));
  ExperimentPanel panel;
  panel.resize(520, 640);
  panel.set_runs_dir(runs.path());
  panel.add_override(QStringLiteral("up_blocks.*"), 0, 8);
  panel.findChildren<QSpinBox*>()[2]->setValue(32);
  QSignalSpy progressed(panel.runner(), &JobRunner::progressed);
  ASSERT_TRUE(panel.start());
  while (panel.runner()->running() &&
         (progressed.isEmpty() || progressed.last().at(0).toDouble() < 0.3 ||
          progressed.last().at(1).toDouble() < 0)) {
    QTest::qWait(50);
  }
  testing::save_screenshot(panel, QStringLiteral("experiment-panel.png"));
  panel.runner()->cancel();
  QSignalSpy finished(panel.runner(), &JobRunner::finished);
  if (panel.runner()->running()) finished.wait(60000);
}

}  // namespace
}  // namespace tdq::views
