#pragma once
// FID runs: a sortable table (FidRunsModel) and FID against sampling steps, one graph per run with
// error bars of one standard deviation over seeds.
#include <QList>
#include <QString>
#include <QWidget>

class QCustomPlot;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace tdq::views {

class FidRunsModel;

class FidView : public QWidget {
  Q_OBJECT

 public:
  explicit FidView(QWidget* parent = nullptr);

  // Adds a `tdq fid` run folder; false, and the reason in the status line, when unreadable.
  bool add_run(const QString& run_folder);
  // Adds every FID run directly under `folder`; returns how many were added.
  int add_runs_in(const QString& folder);
  void clear();

  FidRunsModel* model() const { return model_; }
  QTableView* table() const { return table_; }
  // For figure export (PNG/SVG/PDF) after the merge with the export layer.
  QList<QCustomPlot*> plots() const { return {plot_}; }
  QString status_text() const;

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void retranslate();
  void replot();

  FidRunsModel* model_ = nullptr;
  QSortFilterProxyModel* proxy_ = nullptr;
  QTableView* table_ = nullptr;
  QCustomPlot* plot_ = nullptr;
  QPushButton* add_ = nullptr;
  QPushButton* scan_ = nullptr;
  QPushButton* clear_ = nullptr;
  QLabel* status_ = nullptr;
};

}  // namespace tdq::views
