#pragma once

#include <QList>
#include <QString>

class QCustomPlot;

namespace tdq::views {

enum class FigureFormat { kPng, kSvg, kPdf };

struct FigureSize {
  int width = 900, height = 560;  // logical pixels (PDF and SVG: points)
  int dpi = 150;                  // PNG only: the raster is width * dpi / 96 wide
};

// The format a file name asks for; false for another suffix.
bool figure_format_of(const QString& file, FigureFormat* format);
QString figure_suffix(FigureFormat format);

// Exports `plot` as it is drawn now. PNG is raster; SVG (QSvgGenerator) and PDF are vector. Written
// to a temporary file renamed over `file`, so a reader never sees half a figure. Returns false
// with `error` naming the file on failure.
bool export_figure(QCustomPlot* plot, const QString& file, FigureFormat format,
                   const FigureSize& size, QString* error);

// One plot a view offers to the report, named for the file (no suffix) and titled for index.md.
struct Figure {
  QString name, title;
  QCustomPlot* plot = nullptr;
};

// A view with figures. Views register with the report writer through this interface, so that a
// new plot (sample compare, FID) joins File > Export report without the writer knowing it.
class FigureSource {
 public:
  virtual ~FigureSource() = default;
  // The figures for the current selection, replotted and ready to export.
  virtual QList<Figure> figures() = 0;
};

}  // namespace tdq::views
