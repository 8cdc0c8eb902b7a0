#pragma once

#include <QAbstractTableModel>

#include <map>

namespace tdq {
struct QuantConfig;  // core/quant/quant_config.h: kept out of view headers (LibTorch)
}

namespace tdq::views {

struct RunData;

// One row per recorded layer of a run. DisplayRole is formatted text; SortRole is the raw number,
// so that sorting by r or MSE is numeric and NaN (undefined) sorts first. The W and A bits are
// editable (kMinBits..kMaxBits or "fp"), to start an experiment with other per-layer bits; the
// run itself is never changed.
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
  // Bits of an edited cell: kFp keeps that tensor in floating point.
  static constexpr int kFp = -1;

  explicit LayerTableModel(QObject* parent = nullptr);

  // The model keeps the pointer; the run stays alive while open (RunDocuments). Drops the edits.
  void set_run(const RunData* run);

  bool has_edits() const { return !edits_.empty(); }
  void clear_edits();
  // `base` (method, global bits, grids, skip list, its own overrides) with one override per layer
  // whose bits as shown here, edited or as placed, are not what `base`'s global bits give it: the
  // exact module path with both bits, "fp" as w_fp/a_fp (both: skip). Quantizing with it places
  // the bits of every row that shows bits.
  QuantConfig edited_config(const QuantConfig& base) const;

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;
  // EditRole on the W or A bits: an int or text, kMinBits..kMaxBits or "fp". Anything else is
  // refused (false) and edit_rejected() says why.
  bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

 signals:
  void edit_rejected(const QString& reason);

 private:
  struct Edit {
    int w = 0, a = 0;  // 0: as placed; kFp or bits otherwise
  };
  // The bits a row shows: edited, else as placed (0: not quantized).
  int shown_w(int row) const;
  int shown_a(int row) const;

  const RunData* run_ = nullptr;
  std::map<int, Edit> edits_;  // by row
};

}  // namespace tdq::views
