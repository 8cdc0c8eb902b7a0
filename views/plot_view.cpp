#include "views/plot_view.h"

#include <QAction>
#include <QEvent>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include "views/figure_export_dialog.h"
#include "views/run_documents.h"

namespace tdq::views {

PlotView::PlotView(Selection* selection, QWidget* parent)
    : QWidget(parent), selection_(selection), plot_(new QCustomPlot(this)) {
  layout_ = new QVBoxLayout(this);
  layout_->setContentsMargins(2, 2, 2, 2);
  layout_->addWidget(plot_, 1);
  // Below this the tick labels of a plot with two y axes (Error vs Step) run into each other.
  plot_->setMinimumSize(360, 240);
  plot_->setContextMenuPolicy(Qt::ActionsContextMenu);
  auto* export_action = new QAction(tr("Export figure..."), plot_);
  export_action->setObjectName(QStringLiteral("actionExportFigure"));
  plot_->addAction(export_action);
  connect(export_action, &QAction::triggered, this, &PlotView::export_figure_dialog);
  // Views are created before any run is open, so the first refresh comes from a selection change.
  const auto redraw = [this] { refresh(); };
  connect(selection_, &Selection::run_changed, this, redraw);
  connect(selection_, &Selection::layer_changed, this, redraw);
  connect(selection_, &Selection::step_changed, this, redraw);
}

QList<Figure> PlotView::figures() {
  refresh();
  return {Figure{figure_name(), figure_title(), plot_}};
}

void PlotView::export_figure_dialog() {
  FigureExportDialog dialog(plot_, figure_name(), this);
  dialog.exec();
}

void PlotView::use_legend_below_and_title() {
  plot_->legend->setVisible(true);
  plot_->legend->setFont(QFont(font().family(), 8));
  plot_->axisRect()->insetLayout()->take(plot_->legend);
  plot_->plotLayout()->addElement(1, 0, plot_->legend);
  plot_->legend->setFillOrder(QCPLegend::foColumnsFirst);
  plot_->legend->setWrap(2);
  plot_->legend->setBorderPen(Qt::NoPen);
  plot_->plotLayout()->setRowStretchFactor(1, 0.001);
  plot_->plotLayout()->insertRow(0);
  title_ = new QCPTextElement(plot_, QString(), QFont(font().family(), 9, QFont::Bold));
  plot_->plotLayout()->addElement(0, 0, title_);
}

void PlotView::set_title(const QString& text) {
  if (title_ != nullptr) title_->setText(text);
}

void PlotView::mark_selected_step() {
  const RunData* run = selection_->current_run();
  const int step = selection_->step();
  if (run == nullptr || step < 0 || step >= run->step_count()) return;
  auto* line = new QCPItemStraightLine(plot_);
  line->setObjectName(QStringLiteral("selectedStep"));
  const double t = run->timesteps[static_cast<std::size_t>(step)];
  line->point1->setCoords(t, 0);
  line->point2->setCoords(t, 1);
  line->setPen(QPen(QColor(90, 90, 90), 1, Qt::DashDotLine));
}

void PlotView::changeEvent(QEvent* event) {
  if (event->type() == QEvent::LanguageChange && selection_->current_run() != nullptr) refresh();
  QWidget::changeEvent(event);
}

}  // namespace tdq::views
