#include "views/layer_table_view.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include "views/layer_table_model.h"
#include "views/run_documents.h"

namespace tdq::views {

LayerTableView::LayerTableView(Selection* selection, QWidget* parent)
    : QWidget(parent),
      selection_(selection),
      model_(new LayerTableModel(this)),
      proxy_(new QSortFilterProxyModel(this)),
      filter_(new QLineEdit(this)),
      table_(new QTableView(this)),
      start_experiment_(new QPushButton(this)),
      reset_bits_(new QPushButton(this)) {
  proxy_->setSourceModel(model_);
  proxy_->setSortRole(LayerTableModel::kSortRole);
  proxy_->setFilterKeyColumn(LayerTableModel::kPath);
  proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
  filter_->setObjectName(QStringLiteral("layerFilter"));
  filter_->setClearButtonEnabled(true);
  connect(filter_, &QLineEdit::textChanged, proxy_, &QSortFilterProxyModel::setFilterFixedString);
  table_->setObjectName(QStringLiteral("layerTable"));
  table_->setModel(proxy_);
  table_->setSortingEnabled(true);
  table_->sortByColumn(-1, Qt::AscendingOrder);  // recorded order until a header is clicked
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->verticalHeader()->setVisible(false);
  table_->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  layout->addWidget(filter_);
  layout->addWidget(table_, 1);
  start_experiment_->setObjectName(QStringLiteral("startExperimentWithBits"));
  reset_bits_->setObjectName(QStringLiteral("resetLayerBits"));
  // The left column is kept narrow for the plots: the long label may be cut rather than widen it.
  start_experiment_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(start_experiment_, 1);
  buttons->addWidget(reset_bits_);
  layout->addLayout(buttons);
  connect(start_experiment_, &QPushButton::clicked, this,
          &LayerTableView::start_experiment_requested);
  connect(reset_bits_, &QPushButton::clicked, model_, &LayerTableModel::clear_edits);

  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& current) {
            if (current.isValid()) selection_->set_layer(proxy_->mapToSource(current).row());
          });
  connect(selection_, &Selection::run_changed, this, [this] {
    model_->set_run(selection_->current_run());
    start_experiment_->setEnabled(selection_->current_run() != nullptr);
  });
  start_experiment_->setEnabled(false);
  connect(selection_, &Selection::layer_changed, this, &LayerTableView::show_layer);
  changeEvent(nullptr);
}

void LayerTableView::show_layer(int layer) {
  const QModelIndex index = proxy_->mapFromSource(model_->index(layer, 0));
  if (!index.isValid() || table_->currentIndex().row() == index.row()) return;
  table_->setCurrentIndex(index);
  table_->scrollTo(index);
}

void LayerTableView::changeEvent(QEvent* event) {
  if (event == nullptr || event->type() == QEvent::LanguageChange) {
    filter_->setPlaceholderText(tr("Filter layers by module path"));
    start_experiment_->setText(tr("Start Experiment With These Bits"));
    start_experiment_->setToolTip(
        tr("Quantize and analyze with the W/A bits shown (double-click a bits cell to edit it)"));
    reset_bits_->setText(tr("Reset Bits"));
  }
  if (event != nullptr) QWidget::changeEvent(event);
}

}  // namespace tdq::views
