#include "views/heatmap_view.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <cmath>

#include "views/run_documents.h"

namespace tdq::views {

HeatmapView::HeatmapView(Selection* selection, QWidget* parent)
    : PlotView(selection, parent),
      metric_(new QComboBox(this)),
      gradient_(new QComboBox(this)),
      scale_(new QComboBox(this)) {
  metric_->setObjectName(QStringLiteral("heatmapMetric"));
  metric_->setMinimumContentsLength(10);
  metric_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  gradient_->setObjectName(QStringLiteral("heatmapGradient"));
  scale_->setObjectName(QStringLiteral("heatmapScale"));
  gradient_->addItem(tr("Thermal"), QCPColorGradient::gpThermal);
  gradient_->addItem(tr("Polar"), QCPColorGradient::gpPolar);
  gradient_->addItem(tr("Grayscale"), QCPColorGradient::gpGrayscale);
  gradient_->addItem(tr("Jet"), QCPColorGradient::gpJet);
  gradient_->addItem(tr("Hot"), QCPColorGradient::gpHot);
  scale_->addItem(tr("Linear"), false);
  scale_->addItem(tr("Logarithmic"), true);
  auto* controls = new QHBoxLayout;
  controls->addWidget(new QLabel(tr("Metric:"), this));
  controls->addWidget(metric_, 1);
  controls->addWidget(new QLabel(tr("Colours:"), this));
  controls->addWidget(gradient_);
  controls->addWidget(scale_);
  layout_->insertLayout(0, controls);

  color_scale_ = new QCPColorScale(plot_);
  plot_->plotLayout()->addElement(0, 1, color_scale_);
  map_ = new QCPColorMap(plot_->xAxis, plot_->yAxis);
  map_->setColorScale(color_scale_);
  map_->setInterpolate(false);
  auto* margins = new QCPMarginGroup(plot_);
  plot_->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
  color_scale_->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
  plot_->xAxis->setLabel(tr("sampling step"));
  plot_->yAxis->setLabel(tr("layer"));
  plot_->yAxis->setRangeReversed(true);  // layer 0 at the top, as in the layer table

  const auto redraw = [this] { refresh(); };
  connect(metric_, &QComboBox::currentIndexChanged, this, redraw);
  connect(gradient_, &QComboBox::currentIndexChanged, this, redraw);
  connect(scale_, &QComboBox::currentIndexChanged, this, redraw);
  connect(plot_, &QCustomPlot::mousePress, this, &HeatmapView::clicked);
}

void HeatmapView::fill_metrics() {
  const RunData* run = selection_->current_run();
  if (run == metrics_of_) return;
  metrics_of_ = run;
  const QString previous = metric_->currentText();
  const QSignalBlocker blocker(metric_);
  metric_->clear();
  if (run == nullptr) return;
  for (const auto& [key, matrix] : run->stats) metric_->addItem(key);
  // The most telling default: how far each layer's range moves over the steps.
  int index = metric_->findText(previous);
  if (index < 0) index = metric_->findText(QStringLiteral("fp.max"));
  metric_->setCurrentIndex(std::max(index, 0));
}

void HeatmapView::refresh() {
  fill_metrics();
  const RunData* run = selection_->current_run();
  const Matrix* m = run != nullptr ? run->stat(metric_->currentText()) : nullptr;
  const bool log = scale_->currentData().toBool();
  map_->data()->clear();
  if (m == nullptr || m->empty()) {
    map_->data()->setSize(0, 0);
    plot_->replot();
    return;
  }
  // Cell centres at integer step (x) and layer (y) indices.
  map_->data()->setSize(m->cols, m->rows);
  map_->data()->setRange(QCPRange(0, std::max(m->cols - 1, 1)),
                         QCPRange(0, std::max(m->rows - 1, 1)));
  for (int layer = 0; layer < m->rows; ++layer) {
    for (int step = 0; step < m->cols; ++step) {
      double v = m->at(layer, step);
      // Log scale: non-positive cells would be -inf, so they show as missing (NaN).
      if (log && !(v > 0)) v = std::nan("");
      map_->data()->setCell(step, layer, v);
    }
  }
  map_->setGradient(QCPColorGradient(
      static_cast<QCPColorGradient::GradientPreset>(gradient_->currentData().toInt())));
  map_->setDataScaleType(log ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
  map_->rescaleDataRange(true);
  color_scale_->axis()->setLabel(metric_->currentText());
  plot_->clearItems();
  if (selection_->layer() >= 0 && selection_->step() >= 0) {
    auto* frame = new QCPItemRect(plot_);
    frame->setObjectName(QStringLiteral("selectedCell"));
    frame->topLeft->setCoords(selection_->step() - 0.5, selection_->layer() - 0.5);
    frame->bottomRight->setCoords(selection_->step() + 0.5, selection_->layer() + 0.5);
    frame->setPen(QPen(QColor(0, 200, 255), 2));
  }
  plot_->xAxis->setRange(-0.5, m->cols - 0.5);
  plot_->yAxis->setRange(-0.5, m->rows - 0.5);
  plot_->replot();
}

bool HeatmapView::cell_at(const QPoint& position, int* layer, int* step) const {
  const RunData* run = selection_->current_run();
  if (run == nullptr || !plot_->axisRect()->rect().contains(position)) return false;
  *step = static_cast<int>(std::lround(plot_->xAxis->pixelToCoord(position.x())));
  *layer = static_cast<int>(std::lround(plot_->yAxis->pixelToCoord(position.y())));
  return *step >= 0 && *step < run->step_count() && *layer >= 0 && *layer < run->layer_count();
}

void HeatmapView::clicked(QMouseEvent* event) {
  int layer = 0, step = 0;
  if (!cell_at(event->pos(), &layer, &step)) return;
  selection_->set_layer(layer);
  selection_->set_step(step);
}

QString HeatmapView::figure_name() const {
  return QStringLiteral("heatmap_") +
         QString(metric_->currentText()).replace(QLatin1Char('.'), QLatin1Char('_'));
}

QString HeatmapView::figure_title() const {
  return tr("Layer x step heatmap of %1").arg(metric_->currentText());
}

}  // namespace tdq::views
