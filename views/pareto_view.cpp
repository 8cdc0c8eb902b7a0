// LibTorch before Qt: Qt's `slots` keyword macro breaks LibTorch headers (IValue::slots()).
#include "core/sensitivity/sensitivity_run.h"

#include "views/pareto_view.h"

#include <QComboBox>
#include <QDir>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <algorithm>

namespace tdq::views {

ParetoView::ParetoView(Selection* selection, QWidget* parent)
    : PlotView(selection, parent), front_(new QComboBox(this)), scale_(new QComboBox(this)) {
  setObjectName(QStringLiteral("ParetoView"));
  front_->setObjectName(QStringLiteral("paretoFront"));
  scale_->setObjectName(QStringLiteral("paretoScale"));
  auto* controls = new QHBoxLayout;
  auto* front_label = new QLabel(this);
  auto* scale_label = new QLabel(this);
  front_label->setObjectName(QStringLiteral("frontLabel"));
  scale_label->setObjectName(QStringLiteral("scaleLabel"));
  controls->addWidget(front_label);
  controls->addWidget(front_, 1);
  controls->addWidget(scale_label);
  controls->addWidget(scale_);
  layout_->insertLayout(0, controls);

  plot_->setObjectName(QStringLiteral("paretoPlot"));
  use_legend_below_and_title();
  front_graph_ = plot_->addGraph();
  front_graph_->setPen(QPen(QColor(31, 119, 180), 2));
  front_graph_->setScatterStyle(
      QCPScatterStyle(QCPScatterStyle::ssCircle, QColor(31, 119, 180), Qt::white, 6));
  measured_graph_ = plot_->addGraph();
  measured_graph_->setLineStyle(QCPGraph::lsNone);
  measured_graph_->setScatterStyle(
      QCPScatterStyle(QCPScatterStyle::ssDiamond, QColor(214, 39, 40), QColor(214, 39, 40), 9));

  scale_->addItem(QString(), false);
  scale_->addItem(QString(), true);
  const auto redraw = [this] { refresh(); };
  connect(front_, &QComboBox::currentIndexChanged, this, redraw);
  connect(scale_, &QComboBox::currentIndexChanged, this, redraw);
  changeEvent(nullptr);  // the texts
}

ParetoView::~ParetoView() = default;

bool ParetoView::open_run(const QString& folder, QString* error) {
  try {
    run_ = std::make_unique<const BitSearchRun>(read_bit_search_run(folder.toStdString()));
  } catch (const std::exception& e) {
    *error = tr("Cannot open %1: %2")
                 .arg(QDir::toNativeSeparators(folder), QString::fromStdString(e.what()))
                 .simplified();
    return false;
  }
  folder_ = QDir::cleanPath(folder);
  fill_fronts();
  refresh();
  return true;
}

void ParetoView::fill_fronts() {
  const QSignalBlocker blocker(front_);
  front_->clear();
  if (run_ == nullptr) return;
  // Only the kinds that were searched have a front.
  if (!run_->weight_front.empty()) front_->addItem(tr("weight bits"), true);
  if (!run_->input_front.empty()) front_->addItem(tr("input bits"), false);
  front_->setCurrentIndex(0);
}

bool ParetoView::weights() const {
  return front_->currentIndex() < 0 || front_->currentData().toBool();
}

void ParetoView::changeEvent(QEvent* event) {
  if (event == nullptr || event->type() == QEvent::LanguageChange) {
    findChild<QLabel*>(QStringLiteral("frontLabel"))->setText(tr("Front:"));
    findChild<QLabel*>(QStringLiteral("scaleLabel"))->setText(tr("Error axis:"));
    scale_->setItemText(0, tr("Linear"));
    scale_->setItemText(1, tr("Logarithmic"));
    if (run_ != nullptr) {
      const int index = front_->currentIndex();
      fill_fronts();
      front_->setCurrentIndex(index);
      refresh();
    }
  }
  if (event != nullptr) PlotView::changeEvent(event);
}

void ParetoView::refresh() {
  plot_->clearItems();
  front_graph_->data()->clear();
  measured_graph_->data()->clear();
  const bool log = scale_->currentData().toBool();
  plot_->yAxis->setScaleType(log ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
  if (log) {
    plot_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
  } else {
    plot_->yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
  }
  if (run_ == nullptr) {
    set_title(QString());
    plot_->replot();
    return;
  }
  const BitSearchRun& r = *run_;
  const bool w = weights();
  front_graph_->setName(w ? tr("predicted, best weight mix") : tr("predicted, best input mix"));
  for (const ParetoPoint& p : w ? r.weight_front : r.input_front)
    front_graph_->addData(p.mean_bits, p.predicted);
  measured_graph_->setName(tr("validated configs, measured"));
  measured_graph_->setVisible(!r.validation.empty());
  measured_graph_->removeFromLegend();
  if (!r.validation.empty()) measured_graph_->addToLegend();
  for (const ValidatedConfig& c : r.validation) {
    const double bits = w ? c.weight_mean_bits : c.input_mean_bits;
    measured_graph_->addData(bits, c.measured);
    auto* label = new QCPItemText(plot_);
    label->setObjectName(QStringLiteral("configLabel"));
    label->position->setCoords(bits, c.measured);
    label->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
    label->setPadding(QMargins(6, 0, 0, 2));
    label->setFont(QFont(font().family(), 8));
    label->setText(QString::fromStdString(c.name));
  }
  // The budget the searched config was chosen under.
  auto* searched = new QCPItemStraightLine(plot_);
  searched->setObjectName(QStringLiteral("searchedBits"));
  const double bits = w ? r.weight_mean_bits : r.input_mean_bits;
  searched->point1->setCoords(bits, 0);
  searched->point2->setCoords(bits, 1);
  searched->setPen(QPen(QColor(90, 90, 90), 1, Qt::DashLine));

  plot_->xAxis->setLabel(w ? tr("mean weight bits (parameter-weighted)")
                           : tr("mean input bits (element-weighted)"));
  plot_->yAxis->setLabel(tr("error (MSE of the predicted noise)"));
  set_title(r.spearman ? tr("Searched at %1 mean bits\nSpearman rank correlation of predicted and "
                            "measured: %2")
                             .arg(bits, 0, 'g', 3)
                             .arg(*r.spearman, 0, 'f', 2)
                       : tr("Searched at %1 mean bits").arg(bits, 0, 'g', 3));
  plot_->rescaleAxes();
  // Room for the labels right of the points and above the highest one.
  const QCPRange x = plot_->xAxis->range();
  plot_->xAxis->setRange(x.lower - 0.25, x.upper + 0.75);
  const QCPRange y = plot_->yAxis->range();
  if (log) {
    plot_->yAxis->setRange(y.lower / 1.5, y.upper * 2);
  } else {
    plot_->yAxis->setRange(0, y.upper * 1.15);
  }
  plot_->replot();
}

QList<Figure> ParetoView::figures() {
  if (run_ == nullptr) return {};
  return PlotView::figures();
}

QString ParetoView::figure_name() const {
  return weights() ? QStringLiteral("pareto_weight") : QStringLiteral("pareto_input");
}

QString ParetoView::figure_title() const {
  return weights() ? tr("Predicted and measured error against mean weight bits")
                   : tr("Predicted and measured error against mean input bits");
}

}  // namespace tdq::views
