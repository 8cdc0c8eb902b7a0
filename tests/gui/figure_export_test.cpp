// Figure export (PNG, vector SVG and PDF, atomically), the report writer and the headless
// --export-report of the workbench binary.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>

#include <qcustomplot.h>

#include "gui_test.h"
#include "tiny_run.h"
#include "views/figure_export.h"
#include "views/main_window.h"
#include "views/report_writer.h"
#include "views/run_documents.h"

namespace tdq::views {
namespace {

using FigureExportTest = testing::GuiTest;

QByteArray head(const QString& file, int bytes) {
  QFile f(file);
  if (!f.open(QIODevice::ReadOnly)) return {};
  return f.read(bytes);
}

void expect_valid_figures(const QString& stem) {
  EXPECT_TRUE(head(stem + QStringLiteral(".png"), 8).startsWith("\x89PNG\r\n\x1a\n"))
      << stem.toStdString();
  const QByteArray svg = head(stem + QStringLiteral(".svg"), 1 << 20);
  EXPECT_TRUE(svg.startsWith("<?xml")) << stem.toStdString();
  EXPECT_TRUE(svg.contains("<svg")) << stem.toStdString();
  // Vector: the curves are polylines or paths, not one embedded bitmap.
  EXPECT_TRUE(svg.contains("<polyline") || svg.contains("<path")) << stem.toStdString();
  EXPECT_TRUE(head(stem + QStringLiteral(".pdf"), 5).startsWith("%PDF-")) << stem.toStdString();
}

TEST_F(FigureExportTest, WritesPngSvgAndPdfAtTheChosenSize) {
  QCustomPlot plot;
  plot.addGraph()->setData({0, 1, 2}, {1, 3, 2});
  plot.rescaleAxes();
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  const QString stem = dir.filePath(QStringLiteral("figure"));
  QString error;
  for (const FigureFormat format : {FigureFormat::kPng, FigureFormat::kSvg, FigureFormat::kPdf}) {
    EXPECT_TRUE(export_figure(&plot, stem + QLatin1Char('.') + figure_suffix(format), format,
                              {400, 300, 192}, &error))
        << error.toStdString();
  }
  expect_valid_figures(stem);
  // 192 dpi doubles the 96-dpi raster.
  EXPECT_EQ(QImage(stem + QStringLiteral(".png")).size(), QSize(800, 600));
  // No temporary file is left next to the figures.
  EXPECT_EQ(QDir(dir.path()).entryList(QDir::Files).size(), 3);

  EXPECT_FALSE(export_figure(&plot, dir.filePath(QStringLiteral("no/such/dir/f.png")),
                             FigureFormat::kPng, {}, &error));
  EXPECT_TRUE(error.contains(QStringLiteral("f.png"))) << error.toStdString();
  EXPECT_EQ(QDir(dir.path()).entryList(QDir::Files).size(), 3);
  FigureFormat format;
  EXPECT_TRUE(figure_format_of(QStringLiteral("a.SVG"), &format));
  EXPECT_EQ(format, FigureFormat::kSvg);
  EXPECT_FALSE(figure_format_of(QStringLiteral("a.gif"), &format));
}

TEST_F(FigureExportTest, ReportHasEveryFigureTableAndAnIndex) {
  MainWindow window;
  ASSERT_TRUE(window.open_run(testing::tiny_analyze_run()));
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  const QString out = dir.filePath(QStringLiteral("report"));
  QString error;
  ASSERT_TRUE(window.export_report(out, &error)) << error.toStdString();
  for (const QString& name :
       {QStringLiteral("heatmap_fp_max"), QStringLiteral("layer_curves"),
        QStringLiteral("pearson_histogram"), QStringLiteral("error_vs_step")}) {
    expect_valid_figures(out + QStringLiteral("/figures/") + name);
  }
  const QByteArray index = head(out + QStringLiteral("/index.md"), 1 << 20);
  EXPECT_TRUE(index.contains("figures/layer_curves.png")) << index.toStdString();
  EXPECT_TRUE(index.contains("62.1%"));
  EXPECT_TRUE(index.contains("tables/layers_summary.csv"));
  const QByteArray csv = head(out + QStringLiteral("/tables/layers_summary.csv"), 1 << 20);
  EXPECT_TRUE(csv.startsWith("Module path,Kind,W bits,A bits")) << csv.left(80).toStdString();
  EXPECT_EQ(csv.count('\n'), window.documents()->run(0)->layer_count() + 1);
  EXPECT_TRUE(QFileInfo::exists(out + QStringLiteral("/tables/layer_steps.csv")));

  // Nothing open: a clear error, no folder.
  MainWindow empty;
  EXPECT_FALSE(empty.export_report(dir.filePath(QStringLiteral("none")), &error));
  EXPECT_FALSE(error.isEmpty());
  EXPECT_FALSE(QFileInfo::exists(dir.filePath(QStringLiteral("none"))));
}

TEST_F(FigureExportTest, HeadlessExportReportAndItsErrors) {
  const QString bin_dir = qEnvironmentVariable("TDQ_BIN_DIR");
  const QString program = bin_dir + QStringLiteral("/tdq-workbench");
  if (bin_dir.isEmpty() || !QFileInfo(program).isExecutable()) {
    GTEST_SKIP() << "tdq-workbench not built next to test_gui";
  }
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  const auto run = [&](const QStringList& arguments, QByteArray* out) {
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("QT_QPA_PLATFORM"));  // the binary picks offscreen itself
    environment.remove(QStringLiteral("DISPLAY"));
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config")));
    process.setProcessEnvironment(environment);
    process.start(program, arguments);
    EXPECT_TRUE(process.waitForFinished(120000));
    *out = process.readAllStandardOutput() + process.readAllStandardError();
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
  };
  QByteArray out;
  const QString report = dir.filePath(QStringLiteral("report"));
  EXPECT_EQ(run({QStringLiteral("--export-report"), testing::tiny_analyze_run(),
                 QStringLiteral("--out"), report},
                &out),
            0)
      << out.toStdString();
  EXPECT_TRUE(QFileInfo::exists(report + QStringLiteral("/index.md")));
  expect_valid_figures(report + QStringLiteral("/figures/pearson_histogram"));

  // A missing and a corrupt run: exit 1, a message naming it, no report.
  const QString corrupt = dir.filePath(QStringLiteral("corrupt"));
  ASSERT_TRUE(QDir().mkpath(corrupt));
  QFile json(corrupt + QStringLiteral("/run.json"));
  ASSERT_TRUE(json.open(QIODevice::WriteOnly));
  json.write("{ not json");
  json.close();
  for (const QString& bad : {dir.filePath(QStringLiteral("missing")), corrupt}) {
    const QString target = dir.filePath(QStringLiteral("bad-report"));
    EXPECT_EQ(run({QStringLiteral("--export-report"), bad, QStringLiteral("--out"), target}, &out),
              1)
        << out.toStdString();
    EXPECT_TRUE(out.contains(QFileInfo(bad).fileName().toUtf8())) << out.toStdString();
    EXPECT_FALSE(QFileInfo::exists(target));
  }
  // --out is required.
  EXPECT_EQ(run({QStringLiteral("--export-report"), testing::tiny_analyze_run()}, &out), 2);
  EXPECT_TRUE(out.contains("--out")) << out.toStdString();
}

}  // namespace
}  // namespace tdq::views
