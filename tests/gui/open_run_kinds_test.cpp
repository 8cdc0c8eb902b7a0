// Every run kind opens every way (File > Open, command line, drop, recent runs): analyze and
// quantize runs into the run views, FID runs into the FID dock; anything else, or a damaged run,
// gives one line and leaves the open runs as they were.
// LibTorch first: Qt defines `slots` as a macro.
#include "tests/support/tiny_runs.h"

#include <qcustomplot.h>
#include <QAction>
#include <QApplication>
#include <QDropEvent>
#include <QFile>
#include <QMenu>
#include <QMimeData>
#include <QProcess>
#include <QSettings>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QUrl>

#include <cmath>
#include <functional>

#include "gui_test.h"
#include "tiny_run.h"
#include "views/fid_runs_model.h"
#include "views/fid_view.h"
#include "views/layer_curves_view.h"
#include "views/layer_table_model.h"
#include "views/layer_table_view.h"
#include "views/main_window.h"
#include "views/run_documents.h"

namespace tdq::views {
namespace {

QString qstr(const std::filesystem::path& p) { return QString::fromStdString(p.string()); }

// One tiny model with a quantize run (W bits overridden on every conv1) and a FID run, made once.
struct KindsFixture {
  test::TempDir dir;
  test::TinyRuns tiny;
  QString quant, fid;
  KindsFixture() {
    tiny = test::make_tiny_model(dir);
    QuantizeJob job = test::tiny_quantize_job(tiny, QuantMethod::Table);
    job.quant.overrides = {{"*.conv1", 6, std::nullopt, false}};
    quant = qstr(run_quantize_job(job, dir / "quant"));
    FidJob fid_job = test::tiny_fid_job(tiny);
    fid_job.steps = {2};
    fid_job.seeds = {0};
    fid = qstr(run_fid_job(fid_job, dir / "fid"));
  }
};

const KindsFixture& kinds() {
  static const KindsFixture fixture;
  return fixture;
}

class OpenRunKinds : public testing::GuiTest {};

int fid_rows(const MainWindow& window) { return window.job_docks().fid->model()->rowCount(); }

// The ways a user opens a folder, each driving the real UI path.
void open_by_drop(MainWindow& window, const QString& folder) {
  QMimeData mime;
  mime.setUrls({QUrl::fromLocalFile(folder)});
  // As a real drag: the window accepts the drag first, then receives the drop.
  QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QCoreApplication::sendEvent(&window, &enter);
  QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QCoreApplication::sendEvent(&window, &drop);
}

void open_by_recent_runs(MainWindow& window, const QString& folder) {
  QSettings().setValue(QStringLiteral("recentRuns"), QStringList{folder});
  auto* menu = window.findChild<QMenu*>(QStringLiteral("menuRecentRuns"));
  emit menu->aboutToShow();  // the menu re-reads the list when shown
  menu->actions().constFirst()->trigger();
}

TEST_F(OpenRunKinds, QuantizeRunShowsBitsGridsIntervalsAndWeightSteps) {
  MainWindow window;
  ASSERT_TRUE(window.open_run(kinds().quant)) << window.statusBar()->currentMessage().toStdString();
  const RunData* run = window.selection()->current_run();
  ASSERT_NE(run, nullptr);
  EXPECT_EQ(run->kind, RunKind::Quantize);
  EXPECT_EQ(run->method, QStringLiteral("table"));
  EXPECT_TRUE(run->config_text.contains(QStringLiteral("overrides")));
  EXPECT_EQ(run->interval_curve_lo.cols, 1000);
  EXPECT_EQ(run->step_count(), 0);
  int conv1 = 0, quantized = -1;
  for (int i = 0; i < run->layer_count(); ++i) {
    const LayerInfo& layer = run->layers[static_cast<std::size_t>(i)];
    if (!layer.quantizer) continue;
    if (quantized < 0) quantized = i;
    EXPECT_GT(layer.weight_step, 0) << layer.path.toStdString();
    if (layer.path.endsWith(QStringLiteral("conv1"))) {
      EXPECT_EQ(layer.w_bits, 6);
      ++conv1;
    } else {
      EXPECT_EQ(layer.w_bits, 8) << layer.path.toStdString();
    }
  }
  EXPECT_GT(conv1, 0);
  ASSERT_GE(quantized, 0);
  // The table shows the bits as placed and the weight step; the curves show the bounds over t.
  window.selection()->set_layer(quantized);
  QAbstractItemModel* table = window.layer_table()->model();
  EXPECT_NE(table->index(quantized, LayerTableModel::kWStep).data().toString(),
            QStringLiteral("-"));
  EXPECT_EQ(table->index(quantized, LayerTableModel::kGrid).data().toString(),
            run->layers[static_cast<std::size_t>(quantized)].grid);
  QCustomPlot* curves = window.layer_curves()->plot();
  ASSERT_GE(curves->graphCount(), 2);
  EXPECT_EQ(curves->graph(0)->data()->size(), 1000);
  EXPECT_EQ(curves->graph(0)->data()->at(500)->value, run->interval_curve_lo.at(quantized, 500));
}

TEST_F(OpenRunKinds, FidRunGoesToTheFidDockOnce) {
  MainWindow window;
  ASSERT_TRUE(window.open_run(kinds().fid)) << window.statusBar()->currentMessage().toStdString();
  EXPECT_EQ(window.documents()->count(), 0);
  EXPECT_EQ(fid_rows(window), 1);
  ASSERT_TRUE(window.open_run(kinds().fid));  // already listed: still fine, not twice
  EXPECT_EQ(fid_rows(window), 1);
  EXPECT_EQ(QSettings().value(QStringLiteral("recentRuns")).toStringList().size(), 1);
}

TEST_F(OpenRunKinds, EveryWayOpensEveryKind) {
  using Opener = void (*)(MainWindow&, const QString&);
  const struct {
    const char* name;
    Opener open;
  } ways[] = {{"drop", open_by_drop}, {"recent runs", open_by_recent_runs}};
  // File > Open is left out: driving the modal QFileDialog from a timer did
  // not pick the folder on the offscreen platform (2026-12-02); the action calls the same
  // open_run as the ways above.
  for (const auto& way : ways) {
    MainWindow window;
    way.open(window, testing::tiny_analyze_run());
    way.open(window, kinds().quant);
    way.open(window, kinds().fid);
    EXPECT_EQ(window.documents()->count(), 2) << way.name;
    ASSERT_NE(window.selection()->current_run(), nullptr) << way.name;
    EXPECT_EQ(window.selection()->current_run()->kind, RunKind::Quantize) << way.name;
    EXPECT_EQ(fid_rows(window), 1) << way.name;
  }
}

// The command line: run folders given to the binary are opened (and so become recent runs).
TEST_F(OpenRunKinds, CommandLineOpensEveryKind) {
  const QString program = qEnvironmentVariable("TDQ_BIN_DIR") + QStringLiteral("/tdq-workbench");
  if (!QFileInfo(program).isExecutable()) GTEST_SKIP() << "tdq-workbench not built";
  QTemporaryDir config;
  ASSERT_TRUE(config.isValid());
  QProcess process;
  QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
  environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
  environment.insert(QStringLiteral("XDG_CONFIG_HOME"), config.path());
  process.setProcessEnvironment(environment);
  const QString shot = config.filePath(QStringLiteral("shot.png"));
  const QString nothing = config.filePath(QStringLiteral("nothing"));
  QDir().mkpath(nothing);
  process.start(program, {QStringLiteral("--screenshot"), shot, testing::tiny_analyze_run(),
                          kinds().quant, kinds().fid, nothing});
  ASSERT_TRUE(process.waitForFinished(60000));
  const QString err = QString::fromLocal8Bit(process.readAllStandardError());
  EXPECT_EQ(process.exitCode(), 0) << err.toStdString();
  // Only the folder that is no run is reported.
  EXPECT_EQ(err.count(QStringLiteral("Cannot open")), 1) << err.toStdString();
  EXPECT_TRUE(err.contains(QStringLiteral("nothing"))) << err.toStdString();
  const QSettings saved(config.filePath(QStringLiteral("TDQ/TDQ Workbench.conf")),
                        QSettings::IniFormat);
  const QStringList recent = saved.value(QStringLiteral("recentRuns")).toStringList();
  EXPECT_EQ(recent.size(), 3) << recent.join(QLatin1Char(' ')).toStdString();
}

TEST_F(OpenRunKinds, OtherOrDamagedFoldersGiveOneLineAndChangeNothing) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  const auto copy = [&](const QString& from, const char* name) {
    const QString to = dir.filePath(QString::fromLatin1(name));
    std::filesystem::copy(from.toStdString(), to.toStdString(),
                          std::filesystem::copy_options::recursive);
    return to;
  };
  const auto truncate = [](const QString& file) {
    QFile f(file);
    ASSERT_TRUE(f.open(QIODevice::ReadWrite));
    ASSERT_TRUE(f.resize(f.size() / 2));
  };
  const QString empty = dir.filePath(QStringLiteral("empty"));
  QDir().mkpath(empty);
  const QString quant = copy(kinds().quant, "quant");
  truncate(quant + QStringLiteral("/quant.safetensors"));
  const QString fid = copy(kinds().fid, "fid");
  truncate(fid + QStringLiteral("/run.json"));
  const QString other = copy(kinds().quant, "other");
  QFile json(other + QStringLiteral("/run.json"));
  ASSERT_TRUE(json.open(QIODevice::ReadOnly));
  const QByteArray text = json.readAll().replace("\"quantize\"", "\"sample\"");
  json.close();
  ASSERT_TRUE(json.open(QIODevice::WriteOnly | QIODevice::Truncate));
  json.write(text);
  json.close();

  MainWindow window;
  ASSERT_TRUE(window.open_run(testing::tiny_analyze_run()));
  window.selection()->set_layer(2);
  for (const QString& folder : {empty, quant, fid, other, dir.filePath(QStringLiteral("none"))}) {
    EXPECT_FALSE(window.open_run(folder)) << folder.toStdString();
    const QString message = window.statusBar()->currentMessage();
    EXPECT_FALSE(message.isEmpty()) << folder.toStdString();
    EXPECT_FALSE(message.contains(QLatin1Char('\n'))) << message.toStdString();
    EXPECT_TRUE(message.contains(QDir::toNativeSeparators(folder))) << message.toStdString();
    EXPECT_EQ(window.documents()->count(), 1);
    EXPECT_EQ(window.selection()->run(), 0);
    EXPECT_EQ(window.selection()->layer(), 2);
    EXPECT_EQ(fid_rows(window), 0);
  }
  EXPECT_EQ(QSettings().value(QStringLiteral("recentRuns")).toStringList().size(), 1);
}
}  // namespace
}  // namespace tdq::views
