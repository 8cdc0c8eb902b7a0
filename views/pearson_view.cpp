#include "views/pearson_view.h"

#include <qcustomplot.h>

#include <cmath>

#include "core/record/time_dependence.h"
#include "views/number_format.h"
#include "views/run_documents.h"

namespace tdq::views {

PearsonView::PearsonView(Selection* selection, QWidget* parent) : PlotView(selection, parent) {}

QString PearsonView::figure_title() const { return tr("Time dependence of the activation ranges"); }

QString PearsonView::summary_text() const {
  const RunData* run = selection_->current_run();
  if (run == nullptr) return QString();
  return tr("|r| > 0.5: %1 (paper %2)\n|r| > 0.7: %3 (paper %4)\n%n layers", nullptr,
            static_cast<int>(run->considered_layers))
      .arg(percent(run->fraction_05), percent(kPaperFractionAbove05), percent(run->fraction_07),
           percent(kPaperFractionAbove07));
}

void PearsonView::refresh() {
  plot_->clearPlottables();
  plot_->clearItems();
  plot_->xAxis->setLabel(tr("Pearson r (t, max - min)"));
  plot_->yAxis->setLabel(tr("layers"));
  const RunData* run = selection_->current_run();
  if (run == nullptr) {
    plot_->replot();
    return;
  }
  // The run's own histogram of r over the quantizer inputs (core/record/layer_summary.h).
  const std::vector<double>& edges = run->pearson_histogram_edges;
  const std::vector<double>& histogram = run->pearson_histogram;
  QVector<double> centres, counts;
  for (std::size_t b = 0; b < histogram.size() && b + 1 < edges.size(); ++b) {
    centres.append((edges[b] + edges[b + 1]) / 2);
    counts.append(histogram[b]);
  }
  auto* bars = new QCPBars(plot_->xAxis, plot_->yAxis);
  bars->setData(centres, counts, true);
  if (edges.size() > 1) bars->setWidth((edges[1] - edges[0]) * 0.9);
  bars->setPen(QPen(QColor(31, 119, 180)));
  bars->setBrush(QColor(31, 119, 180, 150));
  double top = 1;
  for (double c : counts) top = std::max(top, c);
  plot_->xAxis->setRange(-1.05, 1.05);
  plot_->yAxis->setRange(0, top * 1.35);

  for (const double x : {-0.7, -0.5, 0.5, 0.7}) {
    auto* line = new QCPItemStraightLine(plot_);
    line->point1->setCoords(x, 0);
    line->point2->setCoords(x, 1);
    line->setPen(QPen(QColor(120, 120, 120), 1, std::abs(x) > 0.6 ? Qt::DashLine : Qt::DotLine));
  }
  const int layer = selection_->layer();
  if (layer >= 0 && !std::isnan(run->layers[static_cast<std::size_t>(layer)].pearson)) {
    auto* line = new QCPItemStraightLine(plot_);
    const double r = run->layers[static_cast<std::size_t>(layer)].pearson;
    line->point1->setCoords(r, 0);
    line->point2->setCoords(r, 1);
    line->setPen(QPen(QColor(214, 39, 40), 2));
  }
  auto* text = new QCPItemText(plot_);
  text->setObjectName(QStringLiteral("pearsonSummary"));
  text->position->setType(QCPItemPosition::ptAxisRectRatio);
  text->position->setCoords(0.02, 0.03);
  text->setPositionAlignment(Qt::AlignTop | Qt::AlignLeft);
  text->setTextAlignment(Qt::AlignLeft);
  text->setPadding(QMargins(6, 4, 6, 4));
  text->setBrush(QColor(255, 255, 255, 220));
  text->setPen(QPen(QColor(160, 160, 160)));
  text->setText(summary_text());
  plot_->replot();
}

}  // namespace tdq::views
