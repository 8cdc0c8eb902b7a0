// LibTorch before Qt: Qt's `slots` keyword macro breaks LibTorch headers (IValue::slots()).
#include "core/sensitivity/sensitivity_run.h"

#include "views/sensitivity_view.h"

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

#include "views/figure_export_dialog.h"
#include "views/run_data.h"
#include "views/run_documents.h"

namespace tdq::views {
namespace {

// The matrix of `kind` at `bits`, nullptr when the run did not measure it.
const SensitivityMatrix* find_matrix(const SensitivitySummary& s, const char* kind, int bits) {
  for (const auto& m : s.matrices) {
    if (m.kind == kind && m.bits == bits) return &m;
  }
  return nullptr;
}

// Ticks on whole rows only, at 1, 2, 5, 10, ... apart as the rows grow.
QSharedPointer<QCPAxisTicker> integer_ticker() {
  auto ticker = QSharedPointer<QCPAxisTickerFixed>::create();
  ticker->setTickStep(1);
  ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
  return ticker;
}

QVector<double> to_vector(const std::vector<double>& v) {
  return QVector<double>(v.begin(), v.end());
}

}  // namespace

SensitivityView::SensitivityView(Selection* selection, QWidget* parent)
    : PlotView(selection, parent),
      matrix_(new QComboBox(this)),
      scale_(new QComboBox(this)),
      bars_plot_(new QCustomPlot(this)) {
  setObjectName(QStringLiteral("SensitivityView"));
  matrix_->setObjectName(QStringLiteral("sensitivityMatrix"));
  scale_->setObjectName(QStringLiteral("sensitivityScale"));
  matrix_->setMinimumContentsLength(14);
  matrix_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  auto* controls = new QHBoxLayout;
  auto* matrix_label = new QLabel(this);
  auto* scale_label = new QLabel(this);
  matrix_label->setObjectName(QStringLiteral("matrixLabel"));
  scale_label->setObjectName(QStringLiteral("scaleLabel"));
  controls->addWidget(matrix_label);
  controls->addWidget(matrix_, 1);
  controls->addWidget(scale_label);
  controls->addWidget(scale_);
  layout_->insertLayout(0, controls);

  // Heatmap: windows along x, layers down y (row 0 at the top, as in the layer table).
  plot_->setObjectName(QStringLiteral("sensitivityHeatmap"));
  // Taller than PlotView's minimum: title, rotated window labels and the map share the height,
  // and the dock scrolls rather than squeezing it.
  plot_->setMinimumHeight(330);
  plot_->plotLayout()->insertRow(0);
  title_ = new QCPTextElement(plot_, QString(), QFont(font().family(), 9, QFont::Bold));
  plot_->plotLayout()->addElement(0, 0, title_);
  color_scale_ = new QCPColorScale(plot_);
  plot_->plotLayout()->addElement(1, 1, color_scale_);
  map_ = new QCPColorMap(plot_->xAxis, plot_->yAxis);
  map_->setColorScale(color_scale_);
  map_->setInterpolate(false);
  map_->setGradient(QCPColorGradient(QCPColorGradient::gpThermal));
  auto* margins = new QCPMarginGroup(plot_);
  plot_->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
  color_scale_->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
  plot_->xAxis->setTicker(QSharedPointer<QCPAxisTickerText>::create());
  plot_->xAxis->setTickLabelRotation(-35);  // ten "999-900" labels fit side by side this way
  plot_->yAxis->setRangeReversed(true);
  plot_->yAxis->setTicker(integer_ticker());  // rows are whole numbers

  // Bars: weight against input damage per layer, side by side.
  bars_plot_->setObjectName(QStringLiteral("sensitivityBars"));
  bars_plot_->setMinimumSize(360, 240);
  weight_bars_ = new QCPBars(bars_plot_->xAxis, bars_plot_->yAxis);
  input_bars_ = new QCPBars(bars_plot_->xAxis, bars_plot_->yAxis);
  auto* group = new QCPBarsGroup(bars_plot_);
  for (QCPBars* bars : {weight_bars_, input_bars_}) {
    bars->setWidth(0.4);
    bars->setBarsGroup(group);
  }
  weight_bars_->setBrush(QColor(31, 119, 180));
  weight_bars_->setPen(Qt::NoPen);
  input_bars_->setBrush(QColor(255, 127, 14));
  input_bars_->setPen(Qt::NoPen);
  bars_plot_->xAxis->setTicker(integer_ticker());
  // The legend in a row below the axes, where it cannot cover the bars of the last layers.
  bars_plot_->legend->setVisible(true);
  bars_plot_->legend->setFont(QFont(font().family(), 8));
  bars_plot_->axisRect()->insetLayout()->take(bars_plot_->legend);
  bars_plot_->plotLayout()->addElement(1, 0, bars_plot_->legend);
  bars_plot_->legend->setFillOrder(QCPLegend::foColumnsFirst);
  bars_plot_->legend->setBorderPen(Qt::NoPen);
  bars_plot_->plotLayout()->setRowStretchFactor(1, 0.001);
  bars_plot_->setContextMenuPolicy(Qt::ActionsContextMenu);
  auto* export_bars = new QAction(tr("Export figure..."), bars_plot_);
  export_bars->setObjectName(QStringLiteral("actionExportFigure"));
  bars_plot_->addAction(export_bars);
  connect(export_bars, &QAction::triggered, this, [this] {
    FigureExportDialog dialog(bars_plot_, figure_name() + QStringLiteral("_bars"), this);
    dialog.exec();
  });
  layout_->addWidget(bars_plot_, 1);

  scale_->addItem(QString(), false);
  scale_->addItem(QString(), true);
  const auto redraw = [this] { refresh(); };
  connect(matrix_, &QComboBox::currentIndexChanged, this, redraw);
  connect(scale_, &QComboBox::currentIndexChanged, this, redraw);
  connect(plot_, &QCustomPlot::mousePress, this, &SensitivityView::clicked);
  changeEvent(nullptr);  // the texts
}

SensitivityView::~SensitivityView() = default;

bool SensitivityView::open_run(const QString& folder, QString* error) {
  try {
    auto summary = std::make_unique<const SensitivitySummary>(
        summarize_sensitivity(read_sensitivity_run(folder.toStdString())));
    if (summary->matrices.empty()) {
      *error = tr("Cannot open %1: a sensitivity run of whole-model errors only (--whole) has no "
                  "per-layer matrices to show")
                   .arg(QDir::toNativeSeparators(folder));
      return false;
    }
    summary_ = std::move(summary);
  } catch (const std::exception& e) {
    *error = tr("Cannot open %1: %2")
                 .arg(QDir::toNativeSeparators(folder), QString::fromStdString(e.what()))
                 .simplified();
    return false;
  }
  folder_ = QDir::cleanPath(folder);
  selected_row_ = -1;
  synced_run_ = synced_layer_ = -2;  // take the selection's layer on the first draw
  bar_bits_ = 0;
  bar_final_ = false;
  fill_matrices();
  refresh();
  return true;
}

QString SensitivityView::matrix_label(int index) const {
  const SensitivityMatrix& m = summary_->matrices[static_cast<std::size_t>(index)];
  if (m.kind == "weight") return tr("weight %1 bits").arg(m.bits);
  if (m.kind == "input") return tr("input %1 bits").arg(m.bits);
  if (m.kind == "weight_final") return tr("weight %1 bits, at the final sample").arg(m.bits);
  if (m.kind == "input_final") return tr("input %1 bits, at the final sample").arg(m.bits);
  return tr("keep FP gain");
}

void SensitivityView::fill_matrices() {
  const int previous = matrix_->currentIndex();
  const QSignalBlocker blocker(matrix_);
  matrix_->clear();
  if (summary_ == nullptr) return;
  for (int i = 0; i < static_cast<int>(summary_->matrices.size()); ++i)
    matrix_->addItem(matrix_label(i), i);
  matrix_->setCurrentIndex(std::clamp(previous, 0, matrix_->count() - 1));
}

void SensitivityView::changeEvent(QEvent* event) {
  if (event == nullptr || event->type() == QEvent::LanguageChange) {
    findChild<QLabel*>(QStringLiteral("matrixLabel"))->setText(tr("Matrix:"));
    findChild<QLabel*>(QStringLiteral("scaleLabel"))->setText(tr("Colours:"));
    scale_->setItemText(0, tr("Linear"));
    scale_->setItemText(1, tr("Logarithmic"));
    plot_->xAxis->setLabel(tr("time window (t from-to)"));
    plot_->yAxis->setLabel(tr("layer (row of the run)"));
    bars_plot_->xAxis->setLabel(tr("layer (row of the run)"));
    bars_plot_->yAxis->setLabel(tr("mean damage (MSE)"));
    if (summary_ != nullptr) {
      for (int i = 0; i < matrix_->count(); ++i) matrix_->setItemText(i, matrix_label(i));
      refresh();
    }
  }
  if (event != nullptr) PlotView::changeEvent(event);
}

void SensitivityView::refresh() {
  map_->data()->clear();
  plot_->clearItems();
  if (summary_ == nullptr || matrix_->currentIndex() < 0) {
    map_->data()->setSize(0, 0);
    title_->setText(QString());
    plot_->replot();
    draw_bars(0);
    return;
  }
  const SensitivitySummary& s = *summary_;
  const SensitivityMatrix& m = s.matrices[static_cast<std::size_t>(matrix_->currentData().toInt())];
  const int rows = static_cast<int>(s.layer_paths.size());
  const int windows = static_cast<int>(s.windows.size());
  const bool log = scale_->currentData().toBool();
  // Cell centres at integer window (x) and row (y) indices.
  map_->data()->setSize(windows, rows);
  map_->data()->setRange(QCPRange(0, std::max(windows - 1, 1)), QCPRange(0, std::max(rows - 1, 1)));
  for (int row = 0; row < rows; ++row) {
    for (int w = 0; w < windows; ++w) {
      double v = m.mean[static_cast<std::size_t>(row) * static_cast<std::size_t>(windows) +
                        static_cast<std::size_t>(w)];
      // Log scale: non-positive cells (a gain can be negative) show as missing.
      if (log && !(v > 0)) v = std::nan("");
      map_->data()->setCell(w, row, v);
    }
  }
  map_->setDataScaleType(log ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
  // Decades on a log colour scale: linear ticks crowd into its top end.
  color_scale_->axis()->setTicker(log ? QSharedPointer<QCPAxisTicker>(new QCPAxisTickerLog)
                                      : QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
  map_->rescaleDataRange(true);
  color_scale_->axis()->setLabel(matrix_->currentText() + tr(" (MSE, mean over seeds)"));
  auto ticker = qSharedPointerCast<QCPAxisTickerText>(plot_->xAxis->ticker());
  ticker->clear();
  for (int w = 0; w < windows; ++w) {
    const TimeWindow& win = s.windows[static_cast<std::size_t>(w)];
    ticker->addTick(w, QStringLiteral("%1-%2").arg(win.t_first).arg(win.t_last));
  }
  plot_->xAxis->setRange(-0.5, windows - 0.5);
  plot_->yAxis->setRange(-0.5, rows - 0.5);

  // The selected row follows a layer chosen elsewhere when its path is a row here; a clicked row
  // the open run lacks stays selected until then.
  const RunData* run = selection_->current_run();
  const bool moved = selection_->run() != synced_run_ || selection_->layer() != synced_layer_;
  synced_run_ = selection_->run();
  synced_layer_ = selection_->layer();
  if (moved && run != nullptr && selection_->layer() >= 0) {
    const QString& path = run->layers[static_cast<std::size_t>(selection_->layer())].path;
    for (int row = 0; row < rows; ++row) {
      if (QString::fromStdString(s.layer_paths[static_cast<std::size_t>(row)]) == path)
        selected_row_ = row;
    }
  }
  QString selected;
  if (selected_row_ >= 0 && selected_row_ < rows) {
    auto* frame = new QCPItemRect(plot_);
    frame->setObjectName(QStringLiteral("selectedRow"));
    frame->topLeft->setCoords(-0.5, selected_row_ - 0.5);
    frame->bottomRight->setCoords(windows - 0.5, selected_row_ + 0.5);
    frame->setPen(QPen(QColor(0, 200, 255), 2));
    selected = QString::fromStdString(s.layer_paths[static_cast<std::size_t>(selected_row_)]);
  }
  title_->setText(
      selected.isEmpty()
          ? matrix_->currentText()
          : tr("%1, layer %2 (row %3)").arg(matrix_->currentText(), selected).arg(selected_row_));
  plot_->replot();
  if (m.kind != "keep_fp_gain") {
    bar_bits_ = m.bits;
    bar_final_ = m.kind == "weight_final" || m.kind == "input_final";
  }
  if (bar_bits_ == 0) bar_bits_ = s.matrices.front().bits;
  draw_bars(bar_bits_);
}

void SensitivityView::draw_bars(int bits) {
  // The damage the heatmap shows: local, or at the final sample.
  const SensitivityMatrix* weight =
      summary_ ? find_matrix(*summary_, bar_final_ ? "weight_final" : "weight", bits) : nullptr;
  const SensitivityMatrix* input =
      summary_ ? find_matrix(*summary_, bar_final_ ? "input_final" : "input", bits) : nullptr;
  const bool log = scale_->currentData().toBool();
  const int rows = summary_ ? static_cast<int>(summary_->layer_paths.size()) : 0;
  QVector<double> keys(rows);
  for (int row = 0; row < rows; ++row) keys[row] = row;
  weight_bars_->setData(keys, weight ? to_vector(weight->layer_mean) : QVector<double>(rows, 0));
  input_bars_->setData(keys, input ? to_vector(input->layer_mean) : QVector<double>(rows, 0));
  weight_bars_->setName(bar_final_ ? tr("weight %1 bits, at the final sample").arg(bits)
                                   : tr("weight %1 bits").arg(bits));
  input_bars_->setName(bar_final_ ? tr("input %1 bits, at the final sample").arg(bits)
                                  : tr("input %1 bits").arg(bits));
  weight_bars_->setVisible(weight != nullptr);
  input_bars_->setVisible(input != nullptr);
  bars_plot_->yAxis->setScaleType(log ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
  if (log) {
    bars_plot_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
  } else {
    bars_plot_->yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
  }
  bars_plot_->rescaleAxes();
  bars_plot_->xAxis->setRange(-0.7, std::max(rows, 1) - 0.3);
  if (log) {
    // QCustomPlot's rescale leaves the smallest bars below a log axis; start under the least.
    double least = bars_plot_->yAxis->range().lower;
    for (const QCPBars* bars : {weight_bars_, input_bars_}) {
      for (auto it = bars->data()->constBegin(); bars->visible() && it != bars->data()->constEnd();
           ++it) {
        if (it->value > 0) least = std::min(least, it->value);
      }
    }
    bars_plot_->yAxis->setRangeLower(least / 2);
  } else {
    bars_plot_->yAxis->setRangeLower(0);
  }
  bars_plot_->replot();
}

bool SensitivityView::cell_at(const QPoint& position, int* row, int* window) const {
  if (summary_ == nullptr || !plot_->axisRect()->rect().contains(position)) return false;
  *window = static_cast<int>(std::lround(plot_->xAxis->pixelToCoord(position.x())));
  *row = static_cast<int>(std::lround(plot_->yAxis->pixelToCoord(position.y())));
  return *window >= 0 && *window < static_cast<int>(summary_->windows.size()) && *row >= 0 &&
         *row < static_cast<int>(summary_->layer_paths.size());
}

void SensitivityView::clicked(QMouseEvent* event) {
  int row = 0, window = 0;
  if (!cell_at(event->pos(), &row, &window)) return;
  selected_row_ = row;
  const QString path = QString::fromStdString(summary_->layer_paths[static_cast<std::size_t>(row)]);
  // The other views follow when the open run has this layer (runs of the same model do).
  const RunData* run = selection_->current_run();
  const int layer = run != nullptr ? run->layer_index(path) : -1;
  if (layer >= 0 && layer != selection_->layer()) {
    selection_->set_layer(layer);  // redraws through the selection
  } else {
    refresh();
  }
  emit layer_clicked(path);
}

QList<Figure> SensitivityView::figures() {
  if (summary_ == nullptr) return {};
  refresh();
  return {
      Figure{figure_name(), figure_title(), plot_},
      Figure{figure_name() + QStringLiteral("_bars"),
             tr("Weight against input damage per layer at %1 bits").arg(bar_bits_), bars_plot_}};
}

QString SensitivityView::figure_name() const {
  // Named by kind and bits, not by the translated combo text, so files keep their names.
  if (summary_ == nullptr || matrix_->currentIndex() < 0) return QStringLiteral("sensitivity");
  const SensitivityMatrix& m =
      summary_->matrices[static_cast<std::size_t>(matrix_->currentData().toInt())];
  return QStringLiteral("sensitivity_%1%2")
      .arg(QString::fromStdString(m.kind), m.bits > 0 ? QString::number(m.bits) : QString());
}

QString SensitivityView::figure_title() const {
  return tr("Layer x time-window sensitivity: %1").arg(matrix_->currentText());
}

}  // namespace tdq::views
