#include "views/compare_plots.h"

#include <QCoreApplication>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

#include "core/record/run_comparison.h"

namespace tdq::views {
namespace {

QString translated(const char* text) {
  return QCoreApplication::translate("tdq::views::CompareView", text);
}

void set_axis_scale(QCPAxis* axis, bool log) {
  axis->setScaleType(log ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
  if (log) {
    axis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    axis->setNumberFormat(QStringLiteral("eb"));
    axis->setNumberPrecision(0);
  } else {
    axis->setTicker(QSharedPointer<QCPAxisTicker>::create());
    axis->setNumberFormat(QStringLiteral("g"));
    axis->setNumberPrecision(4);
  }
}

}  // namespace

void draw_comparison_scatter(QCustomPlot* plot, const RunComparison* comparison,
                             const ComparePlotLabels& labels, int selected_pair) {
  plot->clearGraphs();
  plot->clearItems();
  plot->xAxis->setLabel(labels.a_axis);
  plot->yAxis->setLabel(labels.b_axis);
  for (QCPAxis* axis : {plot->xAxis, plot->yAxis}) set_axis_scale(axis, labels.log_axes);
  if (comparison == nullptr) {
    plot->replot();
    return;
  }
  const RunComparison& c = *comparison;
  QCPGraph* points = plot->addGraph();
  points->setObjectName(QStringLiteral("layers"));
  points->setLineStyle(QCPGraph::lsNone);
  points->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QColor(31, 119, 180), 6));
  points->setData(QVector<double>(c.a.begin(), c.a.end()), QVector<double>(c.b.begin(), c.b.end()));
  if (selected_pair >= 0 && selected_pair < c.paired()) {
    QCPGraph* mark = plot->addGraph();
    mark->setObjectName(QStringLiteral("selectedLayer"));
    mark->setLineStyle(QCPGraph::lsNone);
    mark->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(QColor(214, 39, 40), 2), Qt::NoBrush, 13));
    const auto i = static_cast<std::size_t>(selected_pair);
    mark->addData(c.a[i], c.b[i]);
  }
  // Both axes over one range, so that the diagonal (A = B) runs corner to corner. On log axes over
  // the positive values only: a layer both runs quantize exactly (MSE 0) cannot be drawn there, and
  // a range from 0 put the diagonal's end at -inf (2026-12-03).
  const QCP::SignDomain domain = labels.log_axes ? QCP::sdPositive : QCP::sdBoth;
  bool found = false;
  QCPRange range = points->getKeyRange(found, domain);
  range.expand(points->getValueRange(found, domain));
  if (labels.log_axes) {
    range.lower /= 1.5;
    range.upper *= 1.5;
  } else {
    const double pad = std::max(0.05 * range.size(), 0.5);
    range.lower -= pad;
    range.upper += pad;
  }
  for (QCPAxis* axis : {plot->xAxis, plot->yAxis}) axis->setRange(range);
  // The diagonal A = B, a two-point graph over the shared range.
  QCPGraph* diagonal = plot->addGraph();
  diagonal->setObjectName(QStringLiteral("diagonal"));
  diagonal->setData({range.lower, range.upper}, {range.lower, range.upper});
  diagonal->setPen(QPen(QColor(120, 120, 120), 1, Qt::DashLine));
  // B errs less below the diagonal (an error) or above it (SQNR).
  auto* hint = new QCPItemText(plot);
  hint->position->setType(QCPItemPosition::ptAxisRectRatio);
  hint->setPositionAlignment(labels.lower_is_better ? (Qt::AlignRight | Qt::AlignBottom)
                                                    : (Qt::AlignLeft | Qt::AlignTop));
  hint->position->setCoords(labels.lower_is_better ? 0.97 : 0.03,
                            labels.lower_is_better ? 0.97 : 0.03);
  hint->setText(translated(QT_TRANSLATE_NOOP("tdq::views::CompareView", "B better on this side")));
  hint->setColor(QColor(44, 120, 44));
  plot->replot();
}

void draw_gain_heatmap(QCustomPlot* plot, QCPColorMap* map, QCPColorScale* scale,
                       const RunComparison* comparison, int selected_pair, int selected_step) {
  map->data()->clear();
  plot->clearItems();
  plot->xAxis->setLabel(translated(QT_TRANSLATE_NOOP("tdq::views::CompareView", "sampling step")));
  plot->yAxis->setLabel(translated(
      QT_TRANSLATE_NOOP("tdq::views::CompareView", "layer quantized in both (A's order)")));
  scale->axis()->setLabel(
      translated(QT_TRANSLATE_NOOP("tdq::views::CompareView", "B's gain over A (dB)")));
  if (comparison == nullptr) {
    map->data()->setSize(0, 0);
    plot->replot();
    return;
  }
  const RunComparison& c = *comparison;
  const int pairs = c.paired(), steps = static_cast<int>(c.timesteps.size());
  map->data()->setSize(steps, pairs);
  map->data()->setRange(QCPRange(0, std::max(steps - 1, 1)), QCPRange(0, std::max(pairs - 1, 1)));
  double largest = 0;
  for (int pair = 0; pair < pairs; ++pair) {
    for (int step = 0; step < steps; ++step) {
      const double gain = c.step_gain(pair, step);
      map->data()->setCell(step, pair, gain);
      if (std::isfinite(gain)) largest = std::max(largest, std::abs(gain));
    }
  }
  // Centred on 0 dB: one colour is "B better", the other "A better", whatever the extremes.
  largest = std::max(largest, 0.1);
  map->setDataRange(QCPRange(-largest, largest));
  if (selected_pair >= 0 && selected_pair < pairs) {
    auto* frame = new QCPItemRect(plot);
    frame->setObjectName(QStringLiteral("selectedLayer"));
    const bool cell = selected_step >= 0 && selected_step < steps;
    frame->topLeft->setCoords(cell ? selected_step - 0.5 : -0.5, selected_pair - 0.5);
    frame->bottomRight->setCoords(cell ? selected_step + 0.5 : steps - 0.5, selected_pair + 0.5);
    frame->setPen(QPen(QColor(0, 160, 0), 2));
  }
  plot->xAxis->setRange(-0.5, steps - 0.5);
  plot->yAxis->setRange(-0.5, pairs - 0.5);
  plot->replot();
}

}  // namespace tdq::views
