// LibTorch before Qt: Qt's `slots` keyword macro breaks LibTorch headers.
#include "core/quant/quant_config.h"

#include "views/layer_table_model.h"

#include <QFont>

#include <cmath>

#include "views/run_data.h"

namespace tdq::views {
namespace {

QString number(double value, int precision, char format = 'f') {
  return std::isnan(value) ? QStringLiteral("-") : QString::number(value, format, precision);
}

QString bits_text(int bits) {
  if (bits == LayerTableModel::kFp) return QStringLiteral("fp");
  return bits > 0 ? QString::number(bits) : QStringLiteral("-");
}

// The exact path as a glob: module paths hold no glob characters, but a bracket would match others.
std::string exact_pattern(const QString& path) {
  std::string out;
  for (const char c : path.toStdString()) {
    if (c == '*' || c == '?' || c == '[') {
      out += '[';
      out += c;
      out += ']';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

LayerTableModel::LayerTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void LayerTableModel::set_run(const RunData* run) {
  beginResetModel();
  run_ = run;
  edits_.clear();
  endResetModel();
}

void LayerTableModel::clear_edits() {
  if (edits_.empty()) return;
  edits_.clear();
  emit dataChanged(index(0, kWBits), index(rowCount() - 1, kABits));
}

int LayerTableModel::shown_w(int row) const {
  const auto it = edits_.find(row);
  if (it != edits_.end() && it->second.w != 0) return it->second.w;
  return run_->layers[static_cast<std::size_t>(row)].w_bits;
}

int LayerTableModel::shown_a(int row) const {
  const auto it = edits_.find(row);
  if (it != edits_.end() && it->second.a != 0) return it->second.a;
  const LayerInfo& l = run_->layers[static_cast<std::size_t>(row)];
  return l.quantizer ? l.a_bits : 0;
}

Qt::ItemFlags LayerTableModel::flags(const QModelIndex& index) const {
  Qt::ItemFlags flags = QAbstractTableModel::flags(index);
  if (index.isValid() && (index.column() == kWBits || index.column() == kABits)) {
    flags |= Qt::ItemIsEditable;
  }
  return flags;
}

bool LayerTableModel::setData(const QModelIndex& index, const QVariant& value, int role) {
  if (role != Qt::EditRole || run_ == nullptr ||
      !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) ||
      (index.column() != kWBits && index.column() != kABits)) {
    return false;
  }
  const QString text = value.toString().trimmed();
  int bits = 0;
  if (text.compare(QStringLiteral("fp"), Qt::CaseInsensitive) == 0) {
    bits = kFp;
  } else {
    bool ok = false;
    bits = text.toInt(&ok);
    if (!ok || bits < kMinBits || bits > kMaxBits) {
      emit edit_rejected(tr("%1 of %2: '%3' is not %4..%5 or fp")
                             .arg(headerData(index.column(), Qt::Horizontal).toString(),
                                  run_->layers[static_cast<std::size_t>(index.row())].path, text)
                             .arg(kMinBits)
                             .arg(kMaxBits));
      return false;
    }
  }
  Edit& edit = edits_[index.row()];
  (index.column() == kWBits ? edit.w : edit.a) = bits;
  emit dataChanged(index, index);
  return true;
}

QuantConfig LayerTableModel::edited_config(const QuantConfig& base) const {
  QuantConfig config = base;
  if (run_ == nullptr) return config;
  for (int row = 0; row < rowCount(); ++row) {
    const bool edited = edits_.count(row) > 0;
    const int w = shown_w(row), a = shown_a(row);
    // A row that shows no bits (a layer the run keeps FP) and was not edited keeps the base's rule.
    if (!edited && w == 0 && a == 0) continue;
    if (!edited && w == base.w_bits && a == base.a_bits) continue;
    LayerOverride o;
    o.pattern = exact_pattern(run_->layers[static_cast<std::size_t>(row)].path);
    if (w > 0) o.w_bits = w;
    if (a > 0) o.a_bits = a;
    o.w_fp = w == kFp;
    o.a_fp = a == kFp;
    if (o.w_fp && o.a_fp) {
      o.w_fp = o.a_fp = false;
      o.skip = true;
    }
    config.overrides.push_back(o);
  }
  return config;
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
  const bool bits_column = index.column() == kWBits || index.column() == kABits;
  const auto edit = edits_.find(index.row());
  const bool edited = bits_column && edit != edits_.end() &&
                      (index.column() == kWBits ? edit->second.w : edit->second.a) != 0;
  if (role == Qt::FontRole && edited) {
    QFont bold;
    bold.setBold(true);
    return bold;
  }
  if (role == Qt::ToolTipRole && bits_column) {
    const int placed = index.column() == kWBits ? l.w_bits : (l.quantizer ? l.a_bits : 0);
    return edited ? tr("Edited; as placed: %1").arg(bits_text(placed))
                  : tr("%1..%2 or fp; edit, then start an experiment with these bits")
                        .arg(kMinBits)
                        .arg(kMaxBits);
  }
  if (role == Qt::EditRole && bits_column) {
    const int bits = index.column() == kWBits ? shown_w(index.row()) : shown_a(index.row());
    return bits == 0 ? QString() : bits_text(bits);
  }
  if (role != Qt::DisplayRole && role != kSortRole) return {};
  const bool sort = role == kSortRole;
  const auto bits = [&](int b) -> QVariant {
    if (sort) return b;
    return bits_text(b);
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
      return bits(shown_w(index.row()));
    case kABits:
      return bits(shown_a(index.row()));
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
