#pragma once

#include <QWidget>

class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace tdq::views {

class LayerTableModel;
class Selection;

// The layer table with a filter box (matches the module path, case-insensitive) in front of a
// sortable view. Selecting a row selects that layer everywhere, and the selection's layer is
// followed here.
class LayerTableView : public QWidget {
  Q_OBJECT

 public:
  explicit LayerTableView(Selection* selection, QWidget* parent = nullptr);

  LayerTableModel* model() const { return model_; }
  QSortFilterProxyModel* proxy() const { return proxy_; }
  QTableView* table() const { return table_; }
  QLineEdit* filter() const { return filter_; }

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void show_layer(int layer);

  Selection* selection_;
  LayerTableModel* model_;
  QSortFilterProxyModel* proxy_;
  QLineEdit* filter_;
  QTableView* table_;
};

}  // namespace tdq::views
