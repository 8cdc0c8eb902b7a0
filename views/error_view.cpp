#include "views/error_view.h"

#include <qcustomplot.h>

#include <cmath>

#include "views/run_documents.h"

namespace tdq::views {
namespace {

// Log axes cannot show zero (step 0 of the local x_t error is exactly 0): those points are left
// out.
QVector<double> positive(const std::vector<double>& values) {
  QVector<double> out;
  for (const double v : values) out.append(v > 0 ? v : std::nan(""));
  return out;
}

}  // namespace

ErrorView::ErrorView(Selection* selection, QWidget* parent) : PlotView(selection, parent) {
  use_legend_below_and_title();
  plot_->yAxis->setScaleType(QCPAxis::stLogarithmic);
  plot_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
  plot_->yAxis->setNumberFormat(QStringLiteral("eb"));
  plot_->yAxis->setNumberPrecision(0);
  plot_->yAxis2->setVisible(true);
  plot_->xAxis->setRangeReversed(true);
}

QString ErrorView::figure_title() const { return tr("Quantization error vs sampling step"); }

void ErrorView::refresh() {
  plot_->clearGraphs();
  plot_->clearItems();
  plot_->xAxis->setLabel(tr("time step t"));
  plot_->yAxis->setLabel(tr("MSE vs FP"));
  plot_->yAxis2->setLabel(tr("layer SQNR (dB)"));
  const RunData* run = selection_->current_run();
  const int layer = selection_->layer();
  set_title(run != nullptr && layer >= 0
                ? tr("Output error and the input error of %1")
                      .arg(run->layers[static_cast<std::size_t>(layer)].path)
                : figure_title());
  if (run == nullptr || !run->has_quant) {
    plot_->replot();
    return;
  }
  const QVector<double> t(run->timesteps.begin(), run->timesteps.end());
  const auto add = [&](const std::vector<double>& values, const QColor& color, const QString& name,
                       Qt::PenStyle style, bool right) {
    QCPGraph* graph = plot_->addGraph(plot_->xAxis, right ? plot_->yAxis2 : plot_->yAxis);
    // t descends over the steps: QCustomPlot sorts by key.
    graph->setData(t, right ? QVector<double>(values.begin(), values.end()) : positive(values));
    graph->setPen(QPen(color, 1.8, style));
    graph->setName(name);
  };
  if (const auto* local = run->steps(QStringLiteral("step.eps_mse_local"))) {
    add(*local, QColor(31, 119, 180), tr("output, local"), Qt::SolidLine, false);
  }
  if (const auto* trajectory = run->steps(QStringLiteral("step.eps_mse_trajectory"))) {
    add(*trajectory, QColor(255, 127, 14), tr("output, trajectory"), Qt::SolidLine, false);
  }
  if (layer >= 0) {
    for (const auto& [key, color, label] :
         {std::tuple{QStringLiteral("local.mse_in"), QColor(31, 119, 180),
                     tr("layer input, local")},
          std::tuple{QStringLiteral("trajectory.mse_in"), QColor(255, 127, 14),
                     tr("layer input, trajectory")}}) {
      const Matrix* m = run->stat(key);
      if (m != nullptr && layer < m->rows) add(m->row(layer), color, label, Qt::DashLine, false);
    }
    const Matrix* sqnr = run->stat(QStringLiteral("local.sqnr_in_db"));
    if (sqnr != nullptr && layer < sqnr->rows) {
      add(sqnr->row(layer), QColor(44, 160, 44), tr("layer SQNR (right axis)"), Qt::DotLine, true);
    }
  }
  mark_selected_step();
  plot_->rescaleAxes();
  if (!t.isEmpty()) plot_->xAxis->setRange(0, std::max(t.front(), t.back()) + 10);
  plot_->replot();
}

}  // namespace tdq::views
