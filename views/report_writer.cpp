#include "views/report_writer.h"

#include <QAbstractItemModel>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>

#include <cmath>
#include <exception>

#include "core/common/file_io.h"
#include "core/record/time_dependence.h"
#include "views/layer_table_model.h"
#include "views/number_format.h"
#include "views/run_data.h"

namespace tdq::views {
namespace {

// Gives the free functions below a translation context.
struct Report {
  Q_DECLARE_TR_FUNCTIONS(tdq::views::Report)
};

bool write_text(const QString& file, const QString& text, QString* error) {
  try {
    write_file_atomic(file.toStdString(), text.toUtf8().toStdString());
  } catch (const std::exception& e) {
    *error = QString::fromStdString(e.what());
    return false;
  }
  return true;
}

}  // namespace

QString model_to_csv(const QAbstractItemModel& model) {
  const auto quote = [](QString text) {
    if (text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"'))) {
      text = QLatin1Char('"') + text.replace(QLatin1Char('"'), QStringLiteral("\"\"")) +
             QLatin1Char('"');
    }
    return text;
  };
  QString csv;
  for (int c = 0; c < model.columnCount(); ++c) {
    if (c > 0) csv += QLatin1Char(',');
    csv += quote(model.headerData(c, Qt::Horizontal).toString());
  }
  csv += QLatin1Char('\n');
  for (int r = 0; r < model.rowCount(); ++r) {
    for (int c = 0; c < model.columnCount(); ++c) {
      if (c > 0) csv += QLatin1Char(',');
      csv += quote(model.index(r, c).data().toString());
    }
    csv += QLatin1Char('\n');
  }
  return csv;
}

bool write_report(const RunData& run, const QList<FigureSource*>& sources, const QString& out,
                  QString* error, QStringList* written) {
  QStringList files;
  const QDir dir(out);
  if (!dir.mkpath(QStringLiteral("figures")) || !dir.mkpath(QStringLiteral("tables"))) {
    *error = Report::tr("Cannot create the report folder %1").arg(QDir::toNativeSeparators(out));
    return false;
  }
  QString md = QStringLiteral("# %1\n\n").arg(Report::tr("TDQ Workbench report: %1").arg(run.name));
  md += QStringLiteral("- %1: `%2`\n- %3: %4\n- %5: %6, %7\n- %8: %9\n\n")
            .arg(Report::tr("Run folder"), QDir::toNativeSeparators(run.folder),
                 Report::tr("Method"), run.has_quant ? run.method : Report::tr("FP only"),
                 Report::tr("Sampler"), run.sampler)
            .arg(Report::tr("%n steps", nullptr, run.step_count()), Report::tr("Layers"),
                 QString::number(run.layer_count()));
  md += QStringLiteral(
            "## %1\n\n| | %2 | %3 |\n|---|---|---|\n| \\|r\\| > 0.5 | %4 | %5 |\n"
            "| \\|r\\| > 0.7 | %6 | %7 |\n\n")
            .arg(Report::tr("Time dependence"), Report::tr("this run"), Report::tr("paper"),
                 percent(run.fraction_05), percent(kPaperFractionAbove05), percent(run.fraction_07),
                 percent(kPaperFractionAbove07));

  md += QStringLiteral("## %1\n\n").arg(Report::tr("Figures"));
  const FigureSize size;
  for (FigureSource* source : sources) {
    for (const Figure& figure : source->figures()) {
      for (const FigureFormat format :
           {FigureFormat::kPng, FigureFormat::kSvg, FigureFormat::kPdf}) {
        const QString file =
            QStringLiteral("figures/%1.%2").arg(figure.name, figure_suffix(format));
        if (!export_figure(figure.plot, dir.filePath(file), format, size, error)) return false;
        files.append(file);
      }
      md += QStringLiteral(
                "### %1\n\n![%1](figures/%2.png)\n\n[SVG](figures/%2.svg) · "
                "[PDF](figures/%2.pdf)\n\n")
                .arg(figure.title, figure.name);
    }
  }

  md += QStringLiteral("## %1\n\n").arg(Report::tr("Tables"));
  LayerTableModel layers;
  layers.set_run(&run);
  const QString summary = QStringLiteral("tables/layers_summary.csv");
  if (!write_text(dir.filePath(summary), model_to_csv(layers), error)) return false;
  files.append(summary);
  md += QStringLiteral("- [%1](%1): %2\n").arg(summary, Report::tr("the layer table"));
  // The run's own tables carry every number the recorder kept; copied as they are.
  const QDir tables(QDir(run.folder).filePath(QStringLiteral("tables")));
  for (const QFileInfo& csv :
       tables.entryInfoList({QStringLiteral("*.csv")}, QDir::Files, QDir::Name)) {
    const QString file = QStringLiteral("tables/") + csv.fileName();
    try {
      write_file_atomic(dir.filePath(file).toStdString(),
                        read_file_bytes(csv.absoluteFilePath().toStdString()));
    } catch (const std::exception& e) {
      *error = QString::fromStdString(e.what());
      return false;
    }
    files.append(file);
    md += QStringLiteral("- [%1](%1)\n").arg(file);
  }
  md +=
      QStringLiteral("\n%1\n").arg(Report::tr("Written by TDQ Workbench on %1.")
                                       .arg(QDateTime::currentDateTimeUtc().toString(Qt::ISODate)));
  if (!write_text(dir.filePath(QStringLiteral("index.md")), md, error)) return false;
  files.append(QStringLiteral("index.md"));
  if (written != nullptr) *written = files;
  return true;
}

}  // namespace tdq::views
