#include "views/compare_view.h"

#include <QAction>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <exception>

#include "core/record/run_comparison.h"
#include "views/compare_plots.h"
#include "views/figure_export_dialog.h"
#include "views/run_documents.h"

namespace tdq::views {
namespace {

// One run's side of the comparison, copied from what the run wrote.
ComparisonInput comparison_input(const RunData& run, ComparedError error) {
  ComparisonInput in;
  in.name = run.name.toStdString();
  in.model_sha256 = run.model_sha256.toStdString();
  for (const double t : run.timesteps) in.timesteps.push_back(static_cast<std::int64_t>(t));
  for (const LayerInfo& layer : run.layers) in.layer_paths.push_back(layer.path.toStdString());
  const Matrix* steps = run.stat(QString::fromLatin1(per_layer_step_key(error)));
  if (!run.has_quant || steps == nullptr) return in;
  for (const LayerInfo& layer : run.layers) {
    in.per_layer.push_back(error == ComparedError::InputMse ? layer.mse : layer.sqnr_db);
  }
  in.per_layer_step = steps->values;
  return in;
}

bool comparable(const RunData* run) {
  return run != nullptr && run->kind == RunKind::Analyze && run->has_quant;
}

// The pair of the layer selected in the current run, -1 when it is not paired.
int selected_pair(const Selection& selection, const RunComparison& comparison) {
  const RunData* run = selection.current_run();
  if (run == nullptr || selection.layer() < 0 || selection.layer() >= run->layer_count()) return -1;
  const LayerInfo& layer = run->layers[static_cast<std::size_t>(selection.layer())];
  return comparison.pair_of(layer.path.toStdString());
}

}  // namespace

CompareView::CompareView(Selection* selection, QWidget* parent)
    : QWidget(parent),
      selection_(selection),
      a_(new QComboBox(this)),
      b_(new QComboBox(this)),
      error_(new QComboBox(this)),
      mode_(new QComboBox(this)),
      summary_(new QLabel(this)),
      scatter_(new QCustomPlot(this)),
      heatmap_(new QCustomPlot(this)) {
  setObjectName(QStringLiteral("compareView"));
  a_->setObjectName(QStringLiteral("compareRunA"));
  b_->setObjectName(QStringLiteral("compareRunB"));
  error_->setObjectName(QStringLiteral("compareError"));
  mode_->setObjectName(QStringLiteral("compareMode"));
  summary_->setObjectName(QStringLiteral("compareSummary"));
  scatter_->setObjectName(QStringLiteral("compareScatter"));
  heatmap_->setObjectName(QStringLiteral("compareGainHeatmap"));
  // Short minimum widths: the dock is tabbed with the Pearson histogram and must not widen it.
  for (QComboBox* box : {a_, b_, error_, mode_}) {
    box->setMinimumContentsLength(6);
    box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  }
  error_->addItems({QString(), QString()});
  mode_->addItems({QString(), QString()});
  summary_->setWordWrap(true);
  // The dock shares its tab group with the Pearson histogram: nothing here may make it wider than
  // the plot needs (a long run name or summary wraps or elides instead).
  summary_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  a_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
  b_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
  summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  auto* runs = new QHBoxLayout;
  runs->addWidget(new QLabel(QStringLiteral("A:"), this));
  runs->addWidget(a_, 1);
  runs->addWidget(new QLabel(QStringLiteral("B:"), this));
  runs->addWidget(b_, 1);
  auto* options = new QHBoxLayout;
  options->addWidget(error_);
  options->addWidget(mode_);
  options->addStretch();
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  layout->addLayout(runs);
  layout->addLayout(options);
  layout->addWidget(summary_);
  // One plot at a time in the same place, so each gets the whole dock.
  for (QCustomPlot* plot : {scatter_, heatmap_}) {
    plot->setMinimumSize(360, 240);
    layout->addWidget(plot, 1);
  }
  heatmap_->hide();

  color_scale_ = new QCPColorScale(heatmap_);
  heatmap_->plotLayout()->addElement(0, 1, color_scale_);
  map_ = new QCPColorMap(heatmap_->xAxis, heatmap_->yAxis);
  map_->setColorScale(color_scale_);
  map_->setInterpolate(false);
  // Diverging, white at 0 dB: teal where B errs less, brown where A does (readable without red and
  // green); grey where a run has no value.
  QCPColorGradient gain;
  gain.setColorStopAt(0, QColor(140, 81, 10));
  gain.setColorStopAt(0.5, QColor(245, 245, 245));
  gain.setColorStopAt(1, QColor(1, 102, 94));
  gain.setNanHandling(QCPColorGradient::nhNanColor);
  gain.setNanColor(QColor(200, 200, 200));
  map_->setGradient(gain);
  auto* margins = new QCPMarginGroup(heatmap_);
  heatmap_->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
  color_scale_->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
  heatmap_->yAxis->setRangeReversed(true);  // A's first layer at the top, as in the layer table
  add_export_action(scatter_, QStringLiteral("compare_scatter"));
  add_export_action(heatmap_, QStringLiteral("compare_gain_heatmap"));

  const auto redraw = [this] { refresh(); };
  connect(a_, &QComboBox::currentIndexChanged, this, redraw);
  connect(b_, &QComboBox::currentIndexChanged, this, redraw);
  connect(error_, &QComboBox::currentIndexChanged, this, redraw);
  connect(mode_, &QComboBox::currentIndexChanged, this, [this](int mode) {
    scatter_->setVisible(mode == 0);
    heatmap_->setVisible(mode == 1);
  });
  connect(selection_->documents(), &RunDocuments::run_opened, this, &CompareView::fill_runs);
  connect(selection_->documents(), &RunDocuments::run_closed, this, &CompareView::fill_runs);
  // The selected layer (and step) is marked in both plots.
  const auto mark = [this] { draw(); };
  connect(selection_, &Selection::run_changed, this, mark);
  connect(selection_, &Selection::layer_changed, this, mark);
  connect(selection_, &Selection::step_changed, this, mark);
  connect(scatter_, &QCustomPlot::mousePress, this, &CompareView::scatter_clicked);
  connect(heatmap_, &QCustomPlot::mousePress, this, &CompareView::heatmap_clicked);
  retranslate();
}

CompareView::~CompareView() = default;

void CompareView::add_export_action(QCustomPlot* plot, const QString& name) {
  plot->setContextMenuPolicy(Qt::ActionsContextMenu);
  auto* action = new QAction(tr("Export figure..."), plot);
  action->setObjectName(QStringLiteral("actionExportFigure"));
  plot->addAction(action);
  connect(action, &QAction::triggered, this, [this, plot, name] {
    FigureExportDialog dialog(plot, name, this);
    dialog.exec();
  });
}

void CompareView::retranslate() {
  error_->setItemText(0, tr("Input MSE (local)"));
  error_->setItemText(1, tr("Input SQNR (local)"));
  mode_->setItemText(0, tr("Scatter: A vs B"));
  mode_->setItemText(1, tr("Heatmap: B's gain per step"));
  for (QCustomPlot* plot : {scatter_, heatmap_}) {
    for (QAction* action : plot->actions()) action->setText(tr("Export figure..."));
  }
  refresh();  // the summary and the axis labels are text
}

void CompareView::changeEvent(QEvent* event) {
  if (event->type() == QEvent::LanguageChange) retranslate();
  QWidget::changeEvent(event);
}

int CompareView::run_a() const { return a_->currentIndex() < 0 ? -1 : a_->currentData().toInt(); }
int CompareView::run_b() const { return b_->currentIndex() < 0 ? -1 : b_->currentData().toInt(); }

void CompareView::set_runs(int a, int b) {
  {
    const QSignalBlocker block_a(a_), block_b(b_);
    a_->setCurrentIndex(a_->findData(a));
    b_->setCurrentIndex(b_->findData(b));
  }
  refresh();
}

void CompareView::set_mode(Mode mode) { mode_->setCurrentIndex(mode == Mode::kScatter ? 0 : 1); }

QString CompareView::summary_text() const { return summary_->text(); }

void CompareView::fill_runs() {
  // Runs keep their choice across the refill by folder; new ones fill an empty side, A first.
  const RunDocuments* documents = selection_->documents();
  const auto folder_of = [&](int index) {
    const RunData* run = documents->run(index);
    return run != nullptr ? run->folder : QString();
  };
  const QString folder_a = folder_of(run_a()), folder_b = folder_of(run_b());
  {
    const QSignalBlocker block_a(a_), block_b(b_);
    a_->clear();
    b_->clear();
    for (int i = 0; i < documents->count(); ++i) {
      const RunData* run = documents->run(i);
      if (!comparable(run)) continue;
      const QString label =
          run->method.isEmpty() ? run->name : QStringLiteral("%1 [%2]").arg(run->name, run->method);
      a_->addItem(label, i);
      b_->addItem(label, i);
      if (run->folder == folder_a) a_->setCurrentIndex(a_->count() - 1);
      if (run->folder == folder_b) b_->setCurrentIndex(b_->count() - 1);
    }
    if (folder_a.isEmpty() || a_->currentIndex() < 0) a_->setCurrentIndex(a_->count() > 0 ? 0 : -1);
    if (folder_b.isEmpty() || b_->currentIndex() < 0) b_->setCurrentIndex(b_->count() - 1);
    // Two runs open: compare them, the one opened last as B.
    if (b_->currentIndex() == a_->currentIndex() && b_->count() > 1) {
      b_->setCurrentIndex(a_->currentIndex() == b_->count() - 1 ? 0 : b_->count() - 1);
    }
  }
  refresh();
}

void CompareView::refresh() {
  comparison_.reset();
  const RunData* a = selection_->documents()->run(run_a());
  const RunData* b = selection_->documents()->run(run_b());
  a_name_ = a != nullptr ? a->name : QString();
  b_name_ = b != nullptr ? b->name : QString();
  const ComparedError error =
      error_->currentIndex() == 1 ? ComparedError::InputSqnr : ComparedError::InputMse;
  if (a == nullptr || b == nullptr || run_a() == run_b()) {
    summary_->setText(
        tr("Open two analyze runs of one model (with a quantized twin) and choose "
           "them as A and B."));
  } else {
    try {
      comparison_ = std::make_unique<RunComparison>(
          compare_runs(comparison_input(*a, error), comparison_input(*b, error), error));
      const RunComparison& c = *comparison_;
      summary_->setText(
          tr("B (%1) better in %2 of %3 layers, A (%4) in %5; B better in %6 of %7 layer x step "
             "cells.")
              .arg(b_name_, QString::number(c.b_better), QString::number(c.paired()), a_name_,
                   QString::number(c.a_better), QString::number(c.b_better_cells),
                   QString::number(c.compared_cells)));
    } catch (const std::exception& e) {
      summary_->setText(QString::fromStdString(e.what()));
    }
  }
  draw();
}

void CompareView::draw() {
  const bool mse = error_->currentIndex() != 1;
  const QString metric = error_->currentText();
  const int pair = comparison_ ? selected_pair(*selection_, *comparison_) : -1;
  draw_comparison_scatter(
      scatter_, comparison_.get(),
      {tr("A: %1, %2").arg(a_name_, metric), tr("B: %1, %2").arg(b_name_, metric), mse, mse}, pair);
  draw_gain_heatmap(heatmap_, map_, color_scale_, comparison_.get(), pair, selection_->step());
}

QList<Figure> CompareView::figures() {
  refresh();
  if (comparison_ == nullptr) return {};
  const QString metric = error_->currentText();
  return {Figure{QStringLiteral("compare_scatter"),
                 tr("%1 of %2 (A) and %3 (B) per layer: %4")
                     .arg(metric, a_name_, b_name_, summary_->text()),
                 scatter_},
          Figure{QStringLiteral("compare_gain_heatmap"),
                 tr("Gain of %1 (B) over %2 (A) per layer and step, dB").arg(b_name_, a_name_),
                 heatmap_}};
}

void CompareView::select_pair(int pair, int step) {
  if (comparison_ == nullptr || pair < 0 || pair >= comparison_->paired()) return;
  const QString path = QString::fromStdString(comparison_->layers[static_cast<std::size_t>(pair)]);
  // The layer in the current run when it has it (runs of one model do), else in run A.
  const RunData* current = selection_->current_run();
  if (current == nullptr || current->layer_index(path) < 0) selection_->set_run(run_a());
  const RunData* run = selection_->current_run();
  if (run == nullptr) return;
  selection_->set_layer(run->layer_index(path));
  if (step >= 0 && step < run->step_count()) selection_->set_step(step);
}

void CompareView::scatter_clicked(QMouseEvent* event) {
  if (comparison_ == nullptr || scatter_->graphCount() == 0) return;
  // The nearest point within a few pixels.
  int best = -1;
  double best_distance = 10;
  for (int pair = 0; pair < comparison_->paired(); ++pair) {
    const double x = scatter_->xAxis->coordToPixel(comparison_->a[static_cast<std::size_t>(pair)]);
    const double y = scatter_->yAxis->coordToPixel(comparison_->b[static_cast<std::size_t>(pair)]);
    const double distance = std::hypot(x - event->pos().x(), y - event->pos().y());
    if (distance < best_distance) {
      best_distance = distance;
      best = pair;
    }
  }
  select_pair(best, -1);
}

void CompareView::heatmap_clicked(QMouseEvent* event) {
  if (comparison_ == nullptr || !heatmap_->axisRect()->rect().contains(event->pos())) return;
  const int step = static_cast<int>(std::lround(heatmap_->xAxis->pixelToCoord(event->pos().x())));
  const int pair = static_cast<int>(std::lround(heatmap_->yAxis->pixelToCoord(event->pos().y())));
  if (step < 0 || step >= static_cast<int>(comparison_->timesteps.size())) return;
  select_pair(pair, step);
}

}  // namespace tdq::views
