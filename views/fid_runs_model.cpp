#include "views/fid_runs_model.h"

#include <QDir>
#include <QFileInfo>

namespace tdq::views {

FidRunsModel::FidRunsModel(QObject* parent) : QAbstractTableModel(parent) {}

bool FidRunsModel::add_run(const FidRunSummary& run) {
  const auto folder = std::filesystem::weakly_canonical(run.run);
  for (const auto& r : runs_) {
    if (std::filesystem::weakly_canonical(r.run) == folder) return false;
  }
  if (run.summaries.empty()) {
    runs_.push_back(run);  // listed for the plot's legend, but no rows
    return true;
  }
  const int first = static_cast<int>(rows_.size());
  beginInsertRows({}, first, first + static_cast<int>(run.summaries.size()) - 1);
  runs_.push_back(run);
  for (std::size_t s = 0; s < run.summaries.size(); ++s) rows_.push_back({runs_.size() - 1, s});
  endInsertRows();
  return true;
}

void FidRunsModel::clear() {
  beginResetModel();
  runs_.clear();
  rows_.clear();
  endResetModel();
}

int FidRunsModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int FidRunsModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

QVariant FidRunsModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
    return {};
  }
  const Row& row = rows_[static_cast<std::size_t>(index.row())];
  const FidRunSummary& run = runs_[row.run];
  const FidStepSummary& s = run.summaries[row.summary];
  const QString folder = QString::fromStdString(run.run.string());
  if (role == RunFolderRole) return folder;
  if (role == Qt::ToolTipRole) return QDir::toNativeSeparators(folder);
  if (role == Qt::TextAlignmentRole) {
    return index.column() >= kSteps ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
  }
  if (role != Qt::DisplayRole && role != SortRole) return {};
  const bool sort = role == SortRole;
  switch (index.column()) {
    case kRun:
      return QFileInfo(folder).fileName();
    case kModel:
      return QString::fromStdString(run.label);
    case kSteps:
      return static_cast<qlonglong>(s.steps);
    case kSamples:
      return static_cast<qlonglong>(run.n);
    case kSeeds:
      return static_cast<qlonglong>(run.seeds);
    case kFid:
      if (sort) return s.fid_mean;
      return run.seeds > 1 ? QStringLiteral("%1 \u00b1 %2")
                                 .arg(s.fid_mean, 0, 'f', 2)
                                 .arg(s.fid_std, 0, 'f', 2)
                           : QString::number(s.fid_mean, 'f', 2);
    case kIs:
      if (sort) return s.is_mean;
      if (s.is_mean <= 0) return QStringLiteral("-");
      return QStringLiteral("%1 \u00b1 %2").arg(s.is_mean, 0, 'f', 2).arg(s.is_std, 0, 'f', 2);
    default:
      return {};
  }
}

QVariant FidRunsModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
    return QAbstractTableModel::headerData(section, orientation, role);
  }
  switch (section) {
    case kRun:
      return tr("Run");
    case kModel:
      return tr("Model");
    case kSteps:
      return tr("Steps");
    case kSamples:
      return tr("Samples");
    case kSeeds:
      return tr("Seeds");
    case kFid:
      return tr("FID");
    case kIs:
      return tr("IS");
    default:
      return {};
  }
}

}  // namespace tdq::views
