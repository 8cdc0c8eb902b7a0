#include "views/layer_table_model.h"

#include <cmath>

#include "views/run_data.h"

namespace tdq::views {
namespace {

QString number(double value, int precision, char format = 'f') {
  return std::isnan(value) ? QStringLiteral("-") : QString::number(value, format, precision);
}

}  // namespace

LayerTableModel::LayerTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void LayerTableModel::set_run(const RunData* run) {
  beginResetModel();
  run_ = run;
  endResetModel();
}

int LayerTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() || run_ == nullptr ? 0 : run_->layer_count();
}

int LayerTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kCount;
}

QVariant LayerTableModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) ||
      run_ == nullptr) {
    return {};
  }
  const LayerInfo& l = run_->layers[static_cast<std::size_t>(index.row())];
  if (role == Qt::TextAlignmentRole) {
    return index.column() >= kWBits && index.column() != kMethod && index.column() != kGrid
               ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
               : QVariant();
  }
  if (role == Qt::ToolTipRole && index.column() == kPath) return l.path;
  if (role != Qt::DisplayRole && role != kSortRole) return {};
  const bool sort = role == kSortRole;
  const auto bits = [&](int b) -> QVariant {
    if (sort) return b;
    return b > 0 ? QString::number(b) : QStringLiteral("-");
  };
  // NaN sorts as -inf, so undefined values gather at one end.
  const auto value = [&](double v, int precision, char format) -> QVariant {
    if (sort) return std::isnan(v) ? -HUGE_VAL : v;
    return number(v, precision, format);
  };
  switch (index.column()) {
    case kPath:
      return l.path;
    case kKind:
      return l.kind;
    case kWBits:
      return bits(l.w_bits);
    case kABits:
      return bits(l.quantizer ? l.a_bits : 0);
    case kGrid:
      return l.quantizer ? l.grid : QString();
    case kMethod:
      return l.quantizer ? run_->method : QString();
    case kPearson:
      return value(l.pearson, 3, 'f');
    case kRange:
      return value(l.mean_range, 3, 'g');
    case kMse:
      return value(l.mse, 3, 'e');
    case kSqnr:
      return value(l.sqnr_db, 1, 'f');
    case kClip:
      return value(l.clip_percent, 2, 'f');
    case kWStep:
      return value(l.weight_step, 3, 'e');
    default:
      return {};
  }
}

QVariant LayerTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
    return QAbstractTableModel::headerData(section, orientation, role);
  }
  switch (section) {
    case kPath:
      return tr("Module path");
    case kKind:
      return tr("Kind");
    case kWBits:
      return tr("W bits");
    case kABits:
      return tr("A bits");
    case kGrid:
      return tr("Grid");
    case kMethod:
      return tr("Method");
    case kPearson:
      return tr("Pearson r");
    case kRange:
      return tr("Mean range");
    case kMse:
      return tr("MSE");
    case kSqnr:
      return tr("SQNR (dB)");
    case kClip:
      return tr("Clip %");
    case kWStep:
      return tr("W step");
    default:
      return {};
  }
}

}  // namespace tdq::views
