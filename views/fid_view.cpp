#include "views/fid_view.h"

#include <qcustomplot.h>
#include <QEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

#include "views/fid_runs_model.h"

namespace tdq::views {

FidView::FidView(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("FidView"));
  model_ = new FidRunsModel(this);
  proxy_ = new QSortFilterProxyModel(this);
  proxy_->setSourceModel(model_);
  proxy_->setSortRole(FidRunsModel::SortRole);
  table_ = new QTableView(this);
  table_->setModel(proxy_);
  table_->setSortingEnabled(true);
  table_->sortByColumn(FidRunsModel::kRun, Qt::AscendingOrder);
  table_->setWordWrap(false);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->verticalHeader()->hide();
  plot_ = new QCustomPlot(this);
  plot_->setObjectName(QStringLiteral("fid_vs_steps"));
  plot_->setMinimumHeight(220);
  plot_->legend->setVisible(true);
  plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  add_ = new QPushButton(this);
  scan_ = new QPushButton(this);
  clear_ = new QPushButton(this);
  status_ = new QLabel(this);
  status_->setWordWrap(true);

  auto* buttons = new QHBoxLayout;
  buttons->addWidget(add_);
  buttons->addWidget(scan_);
  buttons->addWidget(clear_);
  buttons->addStretch();
  auto* splitter = new QSplitter(Qt::Vertical, this);
  splitter->addWidget(table_);
  splitter->addWidget(plot_);
  splitter->setStretchFactor(1, 2);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(buttons);
  layout->addWidget(splitter, 1);
  layout->addWidget(status_);

  connect(add_, &QPushButton::clicked, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Add a FID run"));
    if (!dir.isEmpty()) add_run(dir);
  });
  connect(scan_, &QPushButton::clicked, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Add every FID run in"));
    if (!dir.isEmpty()) add_runs_in(dir);
  });
  connect(clear_, &QPushButton::clicked, this, &FidView::clear);
  retranslate();
  replot();
}

void FidView::retranslate() {
  add_->setText(tr("Add FID run..."));
  scan_->setText(tr("Add all in folder..."));
  clear_->setText(tr("Clear"));
  plot_->xAxis->setLabel(tr("sampling steps"));
  plot_->yAxis->setLabel(tr("FID (mean \u00b1 std over seeds)"));
  plot_->replot();
}

void FidView::changeEvent(QEvent* event) {
  if (event->type() == QEvent::LanguageChange) retranslate();
  QWidget::changeEvent(event);
}

QString FidView::status_text() const { return status_->text(); }

bool FidView::add_run(const QString& run_folder) {
  try {
    if (!model_->add_run(read_fid_run_summary(run_folder.toStdString()))) {
      status_->setText(tr("%1 is listed already.").arg(run_folder));
      return false;
    }
  } catch (const std::exception& e) {
    status_->setText(tr("Cannot add %1: %2").arg(run_folder, QString::fromStdString(e.what())));
    return false;
  }
  status_->setText(tr("%n FID run(s).", nullptr, static_cast<int>(model_->runs().size())));
  replot();
  return true;
}

int FidView::add_runs_in(const QString& folder) {
  int added = 0;
  try {
    for (const auto& run : find_fid_runs(folder.toStdString()))
      added += model_->add_run(run) ? 1 : 0;
  } catch (const std::exception& e) {
    status_->setText(tr("Cannot scan %1: %2").arg(folder, QString::fromStdString(e.what())));
    return 0;
  }
  status_->setText(tr("Added %n FID run(s) from %1.", nullptr, added).arg(folder));
  replot();
  return added;
}

void FidView::clear() {
  model_->clear();
  status_->clear();
  replot();
}

void FidView::replot() {
  table_->resizeColumnsToContents();
  plot_->clearPlottables();
  // Qt's default categorical colours, so that runs stay apart on screen and in print.
  static const QColor kColors[] = {
      QColor(31, 119, 180),  QColor(255, 127, 14), QColor(44, 160, 44),   QColor(214, 39, 40),
      QColor(148, 103, 189), QColor(140, 86, 75),  QColor(227, 119, 194), QColor(127, 127, 127)};
  int index = 0;
  for (const auto& run : model_->runs()) {
    auto summaries = run.summaries;
    std::sort(summaries.begin(), summaries.end(),
              [](const FidStepSummary& a, const FidStepSummary& b) { return a.steps < b.steps; });
    QVector<double> x, y, err;
    for (const auto& s : summaries) {
      x << static_cast<double>(s.steps);
      y << s.fid_mean;
      err << s.fid_std;
    }
    const QColor color = kColors[index++ % std::size(kColors)];
    QCPGraph* graph = plot_->addGraph();
    graph->setName(QStringLiteral("%1 (%2)").arg(
        QString::fromStdString(run.label), QString::fromStdString(run.run.filename().string())));
    graph->setPen(QPen(color, 2));
    graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, color, color, 6));
    graph->setData(x, y, true);
    auto* bars = new QCPErrorBars(plot_->xAxis, plot_->yAxis);
    bars->removeFromLegend();
    bars->setDataPlottable(graph);
    bars->setData(err);
    bars->setPen(QPen(color, 1.5));
  }
  plot_->rescaleAxes();
  // Room around the points, and FID axes that start at 0 so differences are not exaggerated.
  const QCPRange xr = plot_->xAxis->range();
  plot_->xAxis->setRange(std::max(0.0, xr.lower - 0.1 * xr.size() - 1),
                         xr.upper + 0.1 * xr.size() + 1);
  plot_->yAxis->setRange(0, std::max(1.0, plot_->yAxis->range().upper * 1.15));
  plot_->replot();
}

}  // namespace tdq::views
