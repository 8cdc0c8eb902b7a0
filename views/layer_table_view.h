#pragma once

#include <QWidget>

class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace tdq::views {

class LayerTableModel;
class Selection;

// The layer table with a filter box (matches the module path, case-insensitive) in front of a
// sortable view. Selecting a row selects that layer everywhere, and the selection's layer is
// followed here. W/A bits are edited in place (double-click); "Start experiment with these bits"
// asks for an experiment with the bits the table shows (views/layer_bits_experiment.h).
class LayerTableView : public QWidget {
  Q_OBJECT

 public:
  explicit LayerTableView(Selection* selection, QWidget* parent = nullptr);

  LayerTableModel* model() const { return model_; }
  QSortFilterProxyModel* proxy() const { return proxy_; }
  QTableView* table() const { return table_; }
  QLineEdit* filter() const { return filter_; }
  QPushButton* start_experiment_button() const { return start_experiment_; }

 signals:
  void start_experiment_requested();

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void show_layer(int layer);

  Selection* selection_;
  LayerTableModel* model_;
  QSortFilterProxyModel* proxy_;
  QLineEdit* filter_;
  QTableView* table_;
  QPushButton* start_experiment_;
  QPushButton* reset_bits_;
};

}  // namespace tdq::views
