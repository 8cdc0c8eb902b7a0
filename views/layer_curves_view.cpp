#include "views/layer_curves_view.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

#include "views/run_documents.h"

namespace tdq::views {
namespace {

QVector<double> row_of(const RunData& run, const QString& key, int layer) {
  const Matrix* m = run.stat(key);
  if (m == nullptr || layer >= m->rows) return {};
  const std::vector<double> row = m->row(layer);
  return QVector<double>(row.begin(), row.end());
}

QCPGraph* add_line(QCustomPlot* plot, const QVector<double>& x, const QVector<double>& y,
                   const QColor& color, const QString& name = QString(),
                   Qt::PenStyle style = Qt::SolidLine) {
  QCPGraph* graph = plot->addGraph();
  graph->setData(x, y);  // t descends: let QCustomPlot sort
  graph->setPen(QPen(color, 1.6, style));
  graph->setName(name);
  return graph;
}

}  // namespace

LayerCurvesView::LayerCurvesView(Selection* selection, QWidget* parent)
    : PlotView(selection, parent) {
  use_legend_below_and_title();
  plot_->xAxis->setRangeReversed(true);  // sampling runs from t = T-1 down to 0
}

QString LayerCurvesView::figure_title() const {
  const RunData* run = selection_->current_run();
  const int layer = selection_->layer();
  if (run == nullptr || layer < 0) return tr("Activation range of the selected layer");
  return tr("Activation range of %1").arg(run->layers[static_cast<std::size_t>(layer)].path);
}

void LayerCurvesView::refresh() {
  plot_->clearGraphs();
  plot_->clearItems();
  clipped_steps_ = 0;
  const RunData* run = selection_->current_run();
  const int layer = selection_->layer();
  plot_->xAxis->setLabel(tr("time step t"));
  plot_->yAxis->setLabel(tr("activation value"));
  set_title(figure_title());
  if (run == nullptr || layer < 0) {
    plot_->replot();
    return;
  }
  const LayerInfo& info = run->layers[static_cast<std::size_t>(layer)];
  const QVector<double> t(run->timesteps.begin(), run->timesteps.end());
  const QVector<double> lo = row_of(*run, QStringLiteral("fp.min"), layer);
  const QVector<double> hi = row_of(*run, QStringLiteral("fp.max"), layer);
  if (!lo.isEmpty() && !hi.isEmpty()) {
    QCPGraph* min_graph = add_line(plot_, t, lo, QColor(31, 119, 180), tr("FP min / max"));
    QCPGraph* max_graph = add_line(plot_, t, hi, QColor(31, 119, 180));
    max_graph->removeFromLegend();
    max_graph->setBrush(QColor(31, 119, 180, 50));
    max_graph->setChannelFillGraph(min_graph);
  }
  const QVector<double> p_lo = row_of(*run, QStringLiteral("fp.p0.1"), layer);
  const QVector<double> p_hi = row_of(*run, QStringLiteral("fp.p99.9"), layer);
  if (!p_lo.isEmpty()) {
    add_line(plot_, t, p_lo, QColor(44, 160, 44), tr("p0.1 / p99.9"), Qt::DashLine);
    add_line(plot_, t, p_hi, QColor(44, 160, 44), QString(), Qt::DashLine)->removeFromLegend();
  }

  // The quantizer's interval from s(t), drawn over every t so that a per-step method shows its
  // steps between the sampled ones.
  const Matrix& s = run->scale_curve;
  if (run->has_quant && info.quantizer && info.a_bits > 0 && layer < s.rows && s.cols > 0) {
    const double levels = std::ldexp(1.0, info.a_bits);
    double q_lo = 0, q_hi = levels - 1;  // unsigned
    double offset = 0;
    if (info.grid == QLatin1String("symmetric")) {
      q_lo = -levels / 2;
      q_hi = levels / 2 - 1;
    } else if (info.grid != QLatin1String("unsigned") && !lo.isEmpty()) {
      offset = *std::min_element(lo.begin(), lo.end());
    }
    QVector<double> all_t, lower, upper;
    for (int k = 0; k < s.cols; ++k) {
      const double step = s.at(layer, k);
      if (!(step > 0)) continue;
      all_t.append(k);
      lower.append(offset + q_lo * step);
      upper.append(offset + q_hi * step);
    }
    if (!all_t.isEmpty()) {
      const QString name = tr("%1 interval (%2, A%3)").arg(run->method, info.grid).arg(info.a_bits);
      add_line(plot_, all_t, lower, QColor(214, 39, 40), name);
      add_line(plot_, all_t, upper, QColor(214, 39, 40))->removeFromLegend();
      // Shade the steps where the FP envelope leaves the interval at that t.
      for (int k = 0; k < t.size() && k < hi.size(); ++k) {
        const int ti = static_cast<int>(t[k]);
        if (ti < 0 || ti >= s.cols) continue;
        const double step = s.at(layer, ti);
        if (!(step > 0) || (hi[k] <= offset + q_hi * step && lo[k] >= offset + q_lo * step)) {
          continue;
        }
        const double half = t.size() > 1 ? std::abs(t[1] - t[0]) / 2 : 5;
        auto* band = new QCPItemRect(plot_);
        band->topLeft->setTypeX(QCPItemPosition::ptPlotCoords);
        band->topLeft->setTypeY(QCPItemPosition::ptAxisRectRatio);
        band->bottomRight->setTypeX(QCPItemPosition::ptPlotCoords);
        band->bottomRight->setTypeY(QCPItemPosition::ptAxisRectRatio);
        band->topLeft->setCoords(t[k] + half, 0);
        band->bottomRight->setCoords(t[k] - half, 1);
        band->setPen(Qt::NoPen);
        band->setBrush(QColor(214, 39, 40, 40));
        band->setLayer(QStringLiteral("background"));
        ++clipped_steps_;
      }
    }
  }
  if (clipped_steps_ > 0) {
    // A legend entry for the shading: an empty graph with the same brush.
    QCPGraph* key = plot_->addGraph();
    key->setPen(Qt::NoPen);
    key->setBrush(QColor(214, 39, 40, 40));
    key->setName(tr("clipped (%n steps)", nullptr, clipped_steps_));
  }
  mark_selected_step();
  plot_->rescaleAxes();
  plot_->yAxis->scaleRange(1.1);
  if (!t.isEmpty()) plot_->xAxis->setRange(0, std::max(t.front(), t.back()) + 10);
  plot_->replot();
}

}  // namespace tdq::views
