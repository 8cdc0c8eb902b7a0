#include "views/layer_curves_view.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <iterator>

#include "views/run_documents.h"

namespace tdq::views {
namespace {

QVector<double> row_of(const Matrix& m, int layer) {
  if (m.empty() || layer >= m.rows) return {};
  const std::vector<double> row = m.row(layer);
  return QVector<double>(row.begin(), row.end());
}

QVector<double> row_of(const RunData& run, const QString& key, int layer) {
  const Matrix* m = run.stat(key);
  return m == nullptr ? QVector<double>() : row_of(*m, layer);
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

// One colour per run's interval; the current run's first (the shading's red).
const QColor kIntervalColours[] = {QColor(214, 39, 40),  QColor(148, 103, 189),
                                   QColor(255, 127, 14), QColor(23, 190, 207),
                                   QColor(140, 86, 75),  QColor(227, 119, 194)};

// lo(t) and hi(t) of one run's quantizer at `layer` over every t, as recorded; false when it has
// none (no quantizer, a dynamic method, an FP-only record). NaN leaves a gap.
bool add_interval(QCustomPlot* plot, const RunData& run, int layer, const QColor& colour,
                  const QString& run_name) {
  const LayerInfo& info = run.layers[static_cast<std::size_t>(layer)];
  const QVector<double> lo = row_of(run.interval_curve_lo, layer);
  const QVector<double> hi = row_of(run.interval_curve_hi, layer);
  const auto finite = [](double v) { return std::isfinite(v); };
  if (!info.quantizer || std::none_of(lo.begin(), lo.end(), finite)) return false;
  QVector<double> all_t(lo.size());
  for (int k = 0; k < all_t.size(); ++k) all_t[k] = k;
  QString name =
      LayerCurvesView::tr("%1 interval (%2, A%3)").arg(run.method, info.grid).arg(info.a_bits);
  if (!run_name.isEmpty()) name = run_name + QStringLiteral(": ") + name;
  add_line(plot, all_t, lo, colour, name);
  add_line(plot, all_t, hi, colour)->removeFromLegend();
  return true;
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
  intervals_ = 0;
  oracle_steps_ = 0;
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

  // The quantizer's clamp bounds over every t, so that a per-step method shows its steps between
  // the sampled ones; then those of the other open runs of the same model at this layer, to
  // compare methods on one plot.
  if (add_interval(plot_, *run, layer, kIntervalColours[0], QString())) ++intervals_;
  const RunDocuments* documents = selection_->documents();
  for (int other = 0; other < documents->count(); ++other) {
    const RunData* them = documents->run(other);
    if (other == selection_->run() || them->model_sha256 != run->model_sha256) continue;
    const int their_layer = them->layer_index(info.path);
    const QColor colour =
        kIntervalColours[static_cast<std::size_t>(intervals_) % std::size(kIntervalColours)];
    if (their_layer >= 0 && add_interval(plot_, *them, their_layer, colour, them->name)) {
      ++intervals_;
    }
  }
  // The oracle bound (tdq analyze with histograms): the clamp bounds of the MSE-optimal interval
  // of each sampling step, s*(t), beside what the method does; how far a time-dependent interval
  // could follow the data.
  const QVector<double> oracle_lo = row_of(*run, QStringLiteral("oracle.lo"), layer);
  const QVector<double> oracle_hi = row_of(*run, QStringLiteral("oracle.hi"), layer);
  oracle_steps_ = static_cast<int>(
      std::count_if(oracle_lo.begin(), oracle_lo.end(), [](double v) { return std::isfinite(v); }));
  if (oracle_steps_ > 0 && oracle_hi.size() == oracle_lo.size()) {
    const QColor ink(40, 40, 40);
    QCPGraph* lower = add_line(plot_, t, oracle_lo, ink,
                               tr("oracle interval s*(t) (MSE-optimal per step)"), Qt::DotLine);
    QCPGraph* upper = add_line(plot_, t, oracle_hi, ink, QString(), Qt::DotLine);
    upper->removeFromLegend();
    for (QCPGraph* graph : {lower, upper})
      graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, ink, 4));
  }
  // Shade the steps the run marks as clipped.
  const QVector<double> clipped = row_of(run->interval_clipped, layer);
  for (int k = 0; k < t.size() && k < clipped.size(); ++k) {
    if (!(clipped[k] > 0)) continue;
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
  // The whole schedule: a quantize run has no sampling steps, only its bounds over t.
  const double t_max =
      t.isEmpty() ? static_cast<double>(run->num_timesteps - 1) : std::max(t.front(), t.back());
  plot_->xAxis->setRange(0, t_max + 10);
  plot_->replot();
}

}  // namespace tdq::views
