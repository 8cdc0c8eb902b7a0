// The experiment panel: every method offered, overrides become QuantConfig overrides (bad ones a
// clear message), and Start runs quantize + analyze in the background to a readable run.
// LibTorch first: Qt defines `slots` as a macro.
#include "core/common/errors.h"
#include "core/record/analysis_io.h"
#include "tests/support/tiny_runs.h"

#include <QComboBox>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTest>

#include "gui_test.h"
#include "views/experiment_panel.h"
#include "views/job_runner.h"

namespace tdq::views {
namespace {

using ExperimentPanelTest = testing::GuiTest;

TEST_F(ExperimentPanelTest, OffersEveryMethodAndReadsOverrides) {
  ExperimentPanel panel;
  auto* method = panel.findChild<QComboBox*>();
  ASSERT_NE(method, nullptr);
  ASSERT_EQ(method->count(), 9);
  for (int i = 0; i < method->count(); ++i) {
    EXPECT_EQ(method->itemText(i).toStdString(), quant_method_names()[static_cast<std::size_t>(i)]);
  }
  panel.add_override(QStringLiteral("up_blocks.*"), 0, 6);
  panel.add_override(QStringLiteral("mid_block.*"), -1, -1);
  const ExperimentJob job = panel.experiment();
  ASSERT_EQ(job.quantize.quant.overrides.size(), 2u);
  EXPECT_EQ(job.quantize.quant.overrides[0].pattern, "up_blocks.*");
  EXPECT_FALSE(job.quantize.quant.overrides[0].w_bits.has_value());
  EXPECT_EQ(job.quantize.quant.overrides[0].a_bits, 6);
  EXPECT_TRUE(job.quantize.quant.overrides[1].skip);
  EXPECT_EQ(job.quantize.quant.w_bits, 8);
  EXPECT_EQ(job.quantize.quant.a_bits, 4);
  EXPECT_EQ(job.analyze.n, 16);
  EXPECT_EQ(job.analyze.steps, 20);
  EXPECT_EQ(job.quantize.calib_steps, job.analyze.steps);
  // A QAT method gets QAT steps instead of an immediate error.
  method->setCurrentText(QStringLiteral("lsq"));
  EXPECT_GT(panel.experiment().quantize.qat_steps, 0);
}

// A config with bits per time window (tdq search-bits --input-windows) opens in the panel and
// comes back whole; a malformed window list is named by row.
TEST_F(ExperimentPanelTest, WindowBitsSurviveTheOverrideTable) {
  QuantConfig config;
  LayerOverride o;
  o.pattern = "up_blocks.*.conv1";
  o.a_bits_windows = {{600, 8, false}, {200, 8, true}, {0, 4, false}};
  config.overrides = {o};
  ExperimentPanel panel;
  panel.set_config(config);
  const ExperimentJob job = panel.experiment();
  ASSERT_EQ(job.quantize.quant.overrides.size(), 1u);
  EXPECT_EQ(to_json(job.quantize.quant.overrides[0].a_bits_windows), to_json(o.a_bits_windows));
  EXPECT_FALSE(job.quantize.quant.overrides[0].a_bits.has_value());
  EXPECT_EQ(format_window_bits(o.a_bits_windows), "600:8 200:fp 0:4");

  auto* table = panel.findChild<QTableWidget*>();
  ASSERT_NE(table, nullptr);
  table->item(0, 2)->setText(QStringLiteral("600:8 0:x"));
  try {
    panel.experiment();
    FAIL() << "a malformed window list was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("row 1"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("0:x"), std::string::npos) << e.what();
  }
}

TEST_F(ExperimentPanelTest, BadOverrideIsNamedAndNothingStarts) {
  test::TempDir dir;
  ExperimentPanel panel;
  panel.set_runs_dir(QString::fromStdString(dir.path().string()));
  panel.add_override(QStringLiteral("up_blocks.*"), 0, 0);
  panel.add_override(QStringLiteral("down_blocks.*"), 9, 0);  // 9 bits: out of range
  EXPECT_THROW(panel.experiment(), ConfigError);
  EXPECT_FALSE(panel.start());
  EXPECT_TRUE(panel.status_text().contains(QStringLiteral("row 2")))
      << panel.status_text().toStdString();
  EXPECT_FALSE(panel.runner()->running());
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST_F(ExperimentPanelTest, StartRunsQuantizeThenAnalyzeAndReportsTheRun) {
  test::TempDir dir;
  const test::TinyRuns tiny = test::make_tiny_model(dir);
  ExperimentPanel panel;
  panel.set_model_dir(QString::fromStdString(tiny.model.string()));
  panel.set_runs_dir(QString::fromStdString((dir / "runs").string()));
  const auto spins = panel.findChildren<QSpinBox*>();
  ASSERT_EQ(spins.size(), 6);  // W, A, calibration, QAT steps, samples, steps (in form order)
  spins[2]->setValue(2);
  spins[4]->setValue(2);
  spins[5]->setValue(4);
  QSignalSpy finished(&panel, &ExperimentPanel::run_finished);
  QSignalSpy progressed(panel.runner(), &JobRunner::progressed);
  auto* start = panel.findChild<QPushButton*>(QStringLiteral("start"));
  auto* cancel = panel.findChild<QPushButton*>(QStringLiteral("cancel"));
  EXPECT_FALSE(cancel->isEnabled());
  ASSERT_TRUE(panel.start());
  EXPECT_FALSE(start->isEnabled());
  EXPECT_TRUE(cancel->isEnabled());
  EXPECT_FALSE(panel.start());  // one experiment at a time
  ASSERT_TRUE(finished.wait(60000)) << panel.status_text().toStdString();
  const QString run = finished.at(0).at(0).toString();
  const Analysis analysis = read_analysis(run.toStdString());
  EXPECT_TRUE(analysis.has_quant());
  EXPECT_EQ(analysis.info.quant_method, "minmax");
  EXPECT_EQ(analysis.info.n, 2);
  EXPECT_TRUE(std::filesystem::exists(run.toStdString() + "-quant"));
  EXPECT_GE(progressed.count(), 1);
  EXPECT_EQ(panel.findChild<QProgressBar*>()->value(), panel.findChild<QProgressBar*>()->maximum());
  EXPECT_TRUE(start->isEnabled());
}

TEST_F(ExperimentPanelTest, FailureShowsTheCoreMessageAndLeavesNoRun) {
  test::TempDir dir;
  ExperimentPanel panel;
  panel.set_model_dir(QString::fromStdString((dir / "missing-model").string()));
  panel.set_runs_dir(QString::fromStdString((dir / "runs").string()));
  QSignalSpy failed(panel.runner(), &JobRunner::failed);
  ASSERT_TRUE(panel.start());
  ASSERT_TRUE(failed.wait(30000));
  EXPECT_TRUE(panel.status_text().contains(QStringLiteral("missing-model")))
      << panel.status_text().toStdString();
  EXPECT_TRUE(std::filesystem::is_empty(dir / "runs"));
}

TEST_F(ExperimentPanelTest, CancelLeavesNoRunFolder) {
  test::TempDir dir;
  const test::TinyRuns tiny = test::make_tiny_model(dir);
  ExperimentPanel panel;
  panel.set_model_dir(QString::fromStdString(tiny.model.string()));
  panel.set_runs_dir(QString::fromStdString((dir / "runs").string()));
  const auto spins = panel.findChildren<QSpinBox*>();
  spins[2]->setValue(2);
  spins[4]->setValue(4);
  spins[5]->setValue(400);
  QSignalSpy cancelled(panel.runner(), &JobRunner::cancelled);
  // Cancel once the analyze stage runs: the quantize run is then complete and must go too.
  QObject::connect(panel.runner(), &JobRunner::progressed, &panel,
                   [&panel](double, double, const QString& message) {
                     if (message.startsWith(QStringLiteral("analyze")))
                       panel.findChild<QPushButton*>(QStringLiteral("cancel"))->click();
                   });
  ASSERT_TRUE(panel.start());
  ASSERT_TRUE(cancelled.wait(60000)) << panel.status_text().toStdString();
  EXPECT_TRUE(std::filesystem::is_empty(dir / "runs"));
  EXPECT_TRUE(panel.status_text().contains(QStringLiteral("Cancelled")));
}

}  // namespace
}  // namespace tdq::views
