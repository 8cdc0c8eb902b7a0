#include "views/figure_export.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSvgGenerator>

#include <qcustomplot.h>

#include <exception>
#include <filesystem>
#include <system_error>

namespace tdq::views {
bool figure_format_of(const QString& file, FigureFormat* format) {
  const QString suffix = QFileInfo(file).suffix().toLower();
  if (suffix == QLatin1String("png")) {
    *format = FigureFormat::kPng;
  } else if (suffix == QLatin1String("svg")) {
    *format = FigureFormat::kSvg;
  } else if (suffix == QLatin1String("pdf")) {
    *format = FigureFormat::kPdf;
  } else {
    return false;
  }
  return true;
}

QString figure_suffix(FigureFormat format) {
  switch (format) {
    case FigureFormat::kPng:
      return QStringLiteral("png");
    case FigureFormat::kSvg:
      return QStringLiteral("svg");
    case FigureFormat::kPdf:
      break;
  }
  return QStringLiteral("pdf");
}

bool export_figure(QCustomPlot* plot, const QString& file, FigureFormat format,
                   const FigureSize& size, QString* error) {
  const QString native = QDir::toNativeSeparators(file);
  if (plot == nullptr || size.width <= 0 || size.height <= 0 || size.dpi <= 0) {
    *error = QCoreApplication::translate("tdq::views::FigureExport",
                                         "Cannot export %1: no plot or an empty size")
                 .arg(native);
    return false;
  }
  // Same pattern as core/common/file_io.h: a temp file in the target folder, renamed when done.
  const QString temp =
      file + QStringLiteral(".tmp.") + QString::number(QCoreApplication::applicationPid());
  bool written = false;
  switch (format) {
    case FigureFormat::kPng:
      // scale renders at dpi instead of stretching a 96-dpi raster; the file records the dpi.
      written = plot->savePng(temp, size.width, size.height, size.dpi / 96.0, -1, size.dpi);
      break;
    case FigureFormat::kPdf:
      written = plot->savePdf(temp, size.width, size.height, QCP::epNoCosmetic);
      break;
    case FigureFormat::kSvg: {
      QSvgGenerator generator;
      generator.setFileName(temp);
      generator.setSize(QSize(size.width, size.height));
      generator.setViewBox(QRect(0, 0, size.width, size.height));
      generator.setTitle(plot->objectName());
      QCPPainter painter;
      written = painter.begin(&generator);
      if (written) {
        plot->toPainter(&painter, size.width, size.height);
        written = painter.end();
      }
      break;
    }
  }
  std::error_code code;
  if (written && QFileInfo(temp).size() > 0) {
    std::filesystem::rename(temp.toStdString(), file.toStdString(), code);
    if (!code) return true;
  }
  std::filesystem::remove(temp.toStdString(), code);
  *error = QCoreApplication::translate("tdq::views::FigureExport", "Cannot write the figure %1")
               .arg(native);
  return false;
}

}  // namespace tdq::views
