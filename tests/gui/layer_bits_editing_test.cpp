// W/A bits edited in the layer table: validated against kMinBits..kMaxBits or "fp", checked by
// QAbstractItemModelTester, and handed to the experiment panel as per-layer overrides that start
// an experiment.
// LibTorch first: Qt defines `slots` as a macro.
#include "core/jobs/experiment_job.h"
#include "core/quant/quant_config.h"

#include <QAbstractItemModelTester>
#include <QDockWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTemporaryDir>

#include "gui_test.h"
#include "tiny_run.h"
#include "views/experiment_panel.h"
#include "views/job_runner.h"
#include "views/layer_table_model.h"
#include "views/layer_table_view.h"
#include "views/main_window.h"
#include "views/run_data.h"
#include "views/run_documents.h"

namespace tdq::views {
namespace {

using LayerBitsEditing = testing::GuiTest;

// The first two rows with an activation quantizer.
std::pair<int, int> quantized_rows(const RunData& run) {
  int first = -1;
  for (int i = 0; i < run.layer_count(); ++i) {
    if (!run.layers[static_cast<std::size_t>(i)].quantizer) continue;
    if (first >= 0) return {first, i};
    first = i;
  }
  return {-1, -1};
}

const LayerOverride* override_for(const QuantConfig& config, const QString& path) {
  for (const LayerOverride& o : config.overrides) {
    if (o.pattern == path.toStdString()) return &o;
  }
  return nullptr;
}

TEST_F(LayerBitsEditing, BitsAreValidatedAndTheConfigCarriesTheEdits) {
  RunData run;
  QString error;
  ASSERT_TRUE(load_run(testing::tiny_analyze_run(), &run, &error)) << error.toStdString();
  LayerTableModel model;
  QSortFilterProxyModel proxy;
  proxy.setSourceModel(&model);
  QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
  QAbstractItemModelTester proxy_tester(&proxy,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
  model.set_run(&run);
  const auto [r1, r2] = quantized_rows(run);
  ASSERT_GE(r2, 0);
  const QModelIndex w1 = model.index(r1, LayerTableModel::kWBits);
  const QModelIndex a2 = model.index(r2, LayerTableModel::kABits);
  EXPECT_TRUE(model.flags(w1) & Qt::ItemIsEditable);
  EXPECT_FALSE(model.flags(model.index(r1, LayerTableModel::kMse)) & Qt::ItemIsEditable);
  QSignalSpy rejected(&model, &LayerTableModel::edit_rejected);
  // Outside kMinBits..kMaxBits, or no number: refused with a reason, nothing changes.
  for (const QVariant& bad : {QVariant(kMinBits - 1), QVariant(kMaxBits + 1), QVariant("six")}) {
    EXPECT_FALSE(model.setData(w1, bad)) << bad.toString().toStdString();
  }
  EXPECT_EQ(rejected.count(), 3);
  EXPECT_FALSE(model.has_edits());
  EXPECT_EQ(w1.data().toString(), QString::number(run.layers[static_cast<std::size_t>(r1)].w_bits));
  // Through the proxy, as the view edits.
  ASSERT_TRUE(proxy.setData(proxy.mapFromSource(w1), 5));
  ASSERT_TRUE(model.setData(a2, QStringLiteral(" FP ")));
  EXPECT_EQ(w1.data().toString(), QStringLiteral("5"));
  EXPECT_EQ(a2.data().toString(), QStringLiteral("fp"));
  EXPECT_EQ(w1.data(Qt::EditRole).toString(), QStringLiteral("5"));
  EXPECT_TRUE(w1.data(Qt::FontRole).value<QFont>().bold());

  // The tiny run places W8A4 everywhere: with that base, only the edited layers get overrides.
  QuantConfig base;
  base.method = QuantMethod::Table;
  base.w_bits = 8;
  base.a_bits = 4;
  const QuantConfig config = model.edited_config(base);
  ASSERT_EQ(config.overrides.size(), 2u);
  const LayerOverride* o1 = override_for(config, run.layers[static_cast<std::size_t>(r1)].path);
  const LayerOverride* o2 = override_for(config, run.layers[static_cast<std::size_t>(r2)].path);
  ASSERT_NE(o1, nullptr);
  ASSERT_NE(o2, nullptr);
  EXPECT_EQ(o1->w_bits, 5);
  EXPECT_EQ(o1->a_bits, 4);
  EXPECT_TRUE(o2->a_fp);
  EXPECT_FALSE(o2->a_bits.has_value());
  EXPECT_EQ(o2->w_bits, 8);
  // Another base: every quantized layer pins the bits the table shows.
  base.a_bits = 6;
  EXPECT_GT(model.edited_config(base).overrides.size(), 2u);
  model.clear_edits();
  EXPECT_FALSE(model.has_edits());
  base.a_bits = 4;
  EXPECT_TRUE(model.edited_config(base).overrides.empty());
}

TEST_F(LayerBitsEditing, StartExperimentHandsTheBitsToThePanelAndStarts) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  MainWindow window;
  ExperimentPanel* panel = window.job_docks().experiment;
  // A model that is not there: the job starts and fails at once, without a long quantization.
  panel->set_model_dir(dir.filePath(QStringLiteral("missing-model")));
  panel->set_runs_dir(dir.filePath(QStringLiteral("runs")));
  ASSERT_TRUE(window.open_run(testing::tiny_analyze_run()));
  const RunData* run = window.selection()->current_run();
  const auto [r1, r2] = quantized_rows(*run);
  LayerTableModel* model = window.layer_table()->model();
  ASSERT_TRUE(model->setData(model->index(r1, LayerTableModel::kABits), 6));
  QSignalSpy failed(panel->runner(), &JobRunner::failed);
  auto* start =
      window.layer_table()->findChild<QPushButton*>(QStringLiteral("startExperimentWithBits"));
  ASSERT_NE(start, nullptr);
  ASSERT_TRUE(start->isEnabled());
  start->click();
  const QuantConfig config = panel->experiment().quantize.quant;
  EXPECT_EQ(config.method, QuantMethod::Table);  // the run's method
  const LayerOverride* o = override_for(config, run->layers[static_cast<std::size_t>(r1)].path);
  ASSERT_NE(o, nullptr) << panel->status_text().toStdString();
  EXPECT_EQ(o->a_bits, 6);
  EXPECT_TRUE(panel->runner()->running() || failed.count() > 0);
  ASSERT_TRUE(failed.count() > 0 || failed.wait(30000));
  EXPECT_TRUE(panel->status_text().contains(QStringLiteral("missing-model")))
      << panel->status_text().toStdString();
}

}  // namespace
}  // namespace tdq::views
