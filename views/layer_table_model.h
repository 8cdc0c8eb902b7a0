#pragma once

#include <QAbstractTableModel>

namespace tdq::views {

struct RunData;

// One row per recorded layer of a run. DisplayRole is formatted text; SortRole is the raw number,
// so that sorting by r or MSE is numeric and NaN (undefined) sorts first.
class LayerTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column {
    kPath,
    kKind,
    kWBits,
    kABits,
    kGrid,
    kMethod,
    kPearson,
    kRange,
    kMse,
    kSqnr,
    kClip,
    kWStep,
    kCount
  };
  static constexpr int kSortRole = Qt::UserRole + 1;

  explicit LayerTableModel(QObject* parent = nullptr);

  // The model keeps the pointer; the run stays alive while open (RunDocuments).
  void set_run(const RunData* run);

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

 private:
  const RunData* run_ = nullptr;
};

}  // namespace tdq::views
