// FID runs recorded here (FP and quantized, two step counts, two seeds): the table model passes
// QAbstractItemModelTester, rows and numbers match run.json, and the plot has a graph with error
// bars per run.
// LibTorch first: Qt defines `slots` as a macro.
#include "core/common/errors.h"
#include "tests/support/tiny_runs.h"

#include <qcustomplot.h>
#include <QAbstractItemModelTester>
#include <QTableView>

#include "core/eval/fid_run_summary.h"
#include "gui_test.h"
#include "views/fid_runs_model.h"
#include "views/fid_view.h"

namespace tdq::views {
namespace {

using FidViewTest = testing::GuiTest;

QString qstr(const std::filesystem::path& p) { return QString::fromStdString(p.string()); }

class FidRuns : public FidViewTest {
 protected:
  void SetUp() override {
    FidViewTest::SetUp();
    tiny = test::make_tiny_model(dir);
    quant = run_quantize_job(test::tiny_quantize_job(tiny), dir / "quant");
    run_fid_job(test::tiny_fid_job(tiny), dir / "fids" / "fid-fp");
    run_fid_job(test::tiny_fid_job(tiny, quant), dir / "fids" / "fid-q");
  }
  test::TempDir dir;
  test::TinyRuns tiny;
  std::filesystem::path quant;
};

TEST_F(FidRuns, SummaryReadsRunJson) {
  const FidRunSummary fp = read_fid_run_summary(dir / "fids" / "fid-fp");
  EXPECT_EQ(fp.label, "FP");
  EXPECT_EQ(fp.n, 8);
  EXPECT_EQ(fp.seeds, 2);
  ASSERT_EQ(fp.summaries.size(), 2u);
  EXPECT_EQ(fp.summaries[0].steps, 4);
  EXPECT_GT(fp.summaries[0].fid_mean, 0);
  EXPECT_GE(fp.summaries[0].fid_std, 0);
  const FidRunSummary q = read_fid_run_summary(dir / "fids" / "fid-q");
  EXPECT_EQ(q.label, "minmax W8A4");
  EXPECT_THROW(read_fid_run_summary(quant), FormatError);  // a quantize run, not a FID run
  EXPECT_EQ(find_fid_runs(dir.path()).size(), 0u);  // quant/ is skipped, fids/ has no run.json
  EXPECT_EQ(find_fid_runs(dir / "fids").size(), 2u);
}

TEST_F(FidRuns, TableModelAndPlot) {
  FidView view;
  auto* model = view.model();
  QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::Fatal);
  EXPECT_EQ(view.add_runs_in(qstr(dir / "fids")), 2);
  EXPECT_EQ(model->rowCount(), 4);  // 2 runs x 2 step counts
  EXPECT_EQ(model->columnCount(), FidRunsModel::kColumnCount);
  EXPECT_FALSE(view.add_run(qstr(dir / "fids" / "fid-fp")));  // listed already
  EXPECT_FALSE(view.add_run(qstr(quant)));
  EXPECT_TRUE(view.status_text().contains(QStringLiteral("fid")))
      << view.status_text().toStdString();

  const FidRunSummary fp = read_fid_run_summary(dir / "fids" / "fid-fp");
  const QModelIndex fid = model->index(0, FidRunsModel::kFid);
  EXPECT_DOUBLE_EQ(model->data(fid, FidRunsModel::SortRole).toDouble(), fp.summaries[0].fid_mean);
  EXPECT_TRUE(model->data(fid).toString().contains(QStringLiteral("\u00b1")));
  EXPECT_EQ(model->data(model->index(0, FidRunsModel::kModel)).toString(), QStringLiteral("FP"));
  EXPECT_EQ(model->data(model->index(2, FidRunsModel::kModel)).toString(),
            QStringLiteral("minmax W8A4"));
  EXPECT_EQ(model->data(model->index(1, FidRunsModel::kSteps)).toLongLong(), 2);
  EXPECT_EQ(model->headerData(FidRunsModel::kFid, Qt::Horizontal).toString(),
            QStringLiteral("FID"));

  // Sorting the view by FID goes through the proxy's SortRole.
  view.table()->sortByColumn(FidRunsModel::kFid, Qt::AscendingOrder);
  const auto* proxy = view.table()->model();
  for (int r = 1; r < proxy->rowCount(); ++r) {
    EXPECT_LE(proxy->index(r - 1, FidRunsModel::kFid).data(FidRunsModel::SortRole).toDouble(),
              proxy->index(r, FidRunsModel::kFid).data(FidRunsModel::SortRole).toDouble());
  }

  ASSERT_EQ(view.plots().size(), 1);
  QCustomPlot* plot = view.plots().front();
  ASSERT_EQ(plot->graphCount(), 2);
  EXPECT_EQ(plot->graph(0)->data()->size(), 2);
  EXPECT_DOUBLE_EQ(plot->graph(0)->data()->at(0)->key, 2.0);  // sorted by steps
  int error_bars = 0;
  for (int i = 0; i < plot->plottableCount(); ++i)
    error_bars += qobject_cast<QCPErrorBars*>(plot->plottable(i)) ? 1 : 0;
  EXPECT_EQ(error_bars, 2);

  view.clear();
  EXPECT_EQ(model->rowCount(), 0);
  EXPECT_EQ(plot->graphCount(), 0);
}

}  // namespace
}  // namespace tdq::views
