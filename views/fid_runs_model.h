#pragma once
// FID runs as a table, one row per (run, step count): model, steps, n, seeds, FID mean +- std
// over seeds, Inception Score. Runs are values read once (core/eval/fid_run_summary.h).
#include <QAbstractTableModel>

#include <vector>

#include "core/eval/fid_run_summary.h"  // plain values, no LibTorch

namespace tdq::views {

class FidRunsModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { kRun, kModel, kSteps, kSamples, kSeeds, kFid, kIs, kColumnCount };
  enum Role { SortRole = Qt::UserRole + 1, RunFolderRole };

  explicit FidRunsModel(QObject* parent = nullptr);

  // Adds the run (replacing one with the same folder); false for a folder already listed.
  bool add_run(const FidRunSummary& run);
  void clear();
  const std::vector<FidRunSummary>& runs() const { return runs_; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

 private:
  struct Row {
    std::size_t run, summary;
  };
  std::vector<FidRunSummary> runs_;
  std::vector<Row> rows_;
};

}  // namespace tdq::views
