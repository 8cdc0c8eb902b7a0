#include "views/layer_table_view.h"

#include <QEvent>
#include <QHeaderView>
#include <QLineEdit>
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
      table_(new QTableView(this)) {
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

  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& current) {
            if (current.isValid()) selection_->set_layer(proxy_->mapToSource(current).row());
          });
  connect(selection_, &Selection::run_changed, this,
          [this] { model_->set_run(selection_->current_run()); });
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
  }
  if (event != nullptr) QWidget::changeEvent(event);
}

}  // namespace tdq::views
