// LibTorch's headers name a member `slots`, which Qt defines as a macro: they come before Qt's.
#include "core/common/errors.h"
#include "core/jobs/experiment_job.h"
#include "core/model/model_io.h"

#include "views/experiment_panel.h"

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include "views/job_runner.h"

namespace tdq::views {

namespace {

enum OverrideColumn { kPattern, kWBits, kABits };

QSpinBox* spin(int lo, int hi, int value, QWidget* parent) {
  auto* box = new QSpinBox(parent);
  box->setRange(lo, hi);
  box->setValue(value);
  return box;
}

// An override cell: empty keeps the global bits, "fp" keeps that tensor in floating point (the
// weight or the input: LayerOverride::w_fp / a_fp).
std::optional<int> bits_cell(const QTableWidget& table, int row, int column, bool& fp) {
  const QTableWidgetItem* item = table.item(row, column);
  const QString text = item ? item->text().trimmed() : QString();
  if (text.isEmpty()) return std::nullopt;
  if (text.compare(QStringLiteral("fp"), Qt::CaseInsensitive) == 0) {
    fp = true;
    return std::nullopt;
  }
  bool ok = false;
  const int bits = text.toInt(&ok);
  if (!ok || bits < kMinBits || bits > kMaxBits) {
    const QString header = table.horizontalHeaderItem(column)->text();
    throw ConfigError(QObject::tr("override row %1, %2: '%3' is not %4..%5, fp or empty")
                          .arg(row + 1)
                          .arg(header, text)
                          .arg(kMinBits)
                          .arg(kMaxBits)
                          .toStdString());
  }
  return bits;
}

QString format_seconds(double s) {
  const int total = static_cast<int>(s + 0.5);
  return total >= 60
             ? QStringLiteral("%1:%2").arg(total / 60).arg(total % 60, 2, 10, QLatin1Char('0'))
             : QStringLiteral("0:%1").arg(total, 2, 10, QLatin1Char('0'));
}

}  // namespace

ExperimentPanel::ExperimentPanel(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("ExperimentPanel"));
  model_ = new QLineEdit(QString::fromStdString(default_model_dir().string()), this);
  runs_ = new QLineEdit(QDir(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation))
                            .filePath(QStringLiteral("runs")),
                        this);
  method_ = new QComboBox(this);
  for (const auto& name : quant_method_names()) method_->addItem(QString::fromStdString(name));
  w_bits_ = spin(kMinBits, kMaxBits, 8, this);
  a_bits_ = spin(kMinBits, kMaxBits, 4, this);
  overrides_ = new QTableWidget(0, 3, this);
  overrides_->horizontalHeader()->setSectionResizeMode(kPattern, QHeaderView::Stretch);
  overrides_->verticalHeader()->hide();
  overrides_->setMinimumHeight(90);
  overrides_->setMaximumHeight(150);  // a few rows; the panel scrolls in its dock
  add_override_ = new QPushButton(this);
  remove_override_ = new QPushButton(this);
  calib_ = spin(0, 100000, 0, this);
  qat_steps_ = spin(0, 1000000, 0, this);
  n_ = spin(1, 10000, 16, this);
  steps_ = spin(1, 1000, 20, this);
  start_ = new QPushButton(this);
  start_->setObjectName(QStringLiteral("start"));
  cancel_ = new QPushButton(this);
  cancel_->setObjectName(QStringLiteral("cancel"));
  progress_ = new QProgressBar(this);
  progress_->setRange(0, 1000);
  progress_->setValue(0);
  eta_ = new QLabel(this);
  status_ = new QLabel(this);
  status_->setObjectName(QStringLiteral("status"));
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  auto* override_buttons = new QHBoxLayout;
  override_buttons->addWidget(add_override_);
  override_buttons->addWidget(remove_override_);
  override_buttons->addStretch();
  auto* override_box = new QVBoxLayout;
  override_box->setContentsMargins(0, 0, 0, 0);
  override_box->addWidget(overrides_);
  override_box->addLayout(override_buttons);
  auto* override_widget = new QWidget(this);
  override_widget->setLayout(override_box);

  form_ = new QFormLayout;
  form_->addRow(QString(), folder_row(model_));
  form_->addRow(QString(), folder_row(runs_));
  form_->addRow(QString(), method_);
  form_->addRow(QString(), w_bits_);
  form_->addRow(QString(), a_bits_);
  form_->addRow(QString(), override_widget);
  form_->addRow(QString(), calib_);
  form_->addRow(QString(), qat_steps_);
  form_->addRow(QString(), n_);
  form_->addRow(QString(), steps_);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(start_);
  buttons->addWidget(cancel_);
  buttons->addStretch();
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form_);
  layout->addLayout(buttons);
  layout->addWidget(progress_);
  layout->addWidget(eta_);
  layout->addWidget(status_);
  layout->addStretch();

  runner_ = new JobRunner(QStringLiteral("experiment"), this);
  connect(add_override_, &QPushButton::clicked, this,
          [this] { add_override(QStringLiteral("down_blocks.*"), 0, 0); });
  connect(remove_override_, &QPushButton::clicked, this, [this] {
    if (overrides_->currentRow() >= 0) overrides_->removeRow(overrides_->currentRow());
  });
  connect(method_, &QComboBox::currentTextChanged, this, [this](const QString& name) {
    // QAT methods train: offer a small default instead of an immediate error.
    const bool qat = is_qat_method(parse_quant_method(name.toStdString()));
    if (qat && qat_steps_->value() == 0) qat_steps_->setValue(200);
  });
  connect(start_, &QPushButton::clicked, this, [this] { start(); });
  connect(cancel_, &QPushButton::clicked, runner_, &JobRunner::cancel);
  connect(cancel_, &QPushButton::clicked, this, [this] { status_->setText(tr("Cancelling...")); });
  connect(runner_, &JobRunner::progressed, this, &ExperimentPanel::show_progress);
  connect(runner_, &JobRunner::succeeded, this, [this](const QString& folder) {
    progress_->setValue(progress_->maximum());
    status_->setText(tr("Done: %1").arg(QDir::toNativeSeparators(folder)));
    Q_EMIT run_finished(folder);
  });
  connect(runner_, &JobRunner::failed, this,
          [this](const QString& message) { status_->setText(tr("Failed: %1").arg(message)); });
  connect(runner_, &JobRunner::cancelled, this, [this] {
    progress_->setValue(0);
    status_->setText(tr("Cancelled; no run was written."));
  });
  connect(runner_, &JobRunner::finished, this, [this] { set_busy(false); });
  set_busy(false);
  retranslate();
}

ExperimentPanel::~ExperimentPanel() = default;

QWidget* ExperimentPanel::folder_row(QLineEdit* edit) {
  auto* row = new QWidget(this);
  auto* layout = new QHBoxLayout(row);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* browse = new QToolButton(row);
  browse->setText(QStringLiteral("..."));
  layout->addWidget(edit, 1);
  layout->addWidget(browse);
  connect(browse, &QToolButton::clicked, this, [this, edit] {
    const QString dir =
        QFileDialog::getExistingDirectory(this, tr("Choose a folder"), edit->text());
    if (!dir.isEmpty()) edit->setText(dir);
  });
  return row;
}

void ExperimentPanel::retranslate() {
  const QStringList labels = {tr("Model:"),        tr("Runs folder:"),     tr("Method:"),
                              tr("Weight bits:"),  tr("Activation bits:"), tr("Layer overrides:"),
                              tr("Calibration:"),  tr("QAT steps:"),       tr("Analyze samples:"),
                              tr("Analyze steps:")};
  for (int row = 0; row < labels.size(); ++row) {
    if (auto* label =
            qobject_cast<QLabel*>(form_->itemAt(row, QFormLayout::LabelRole)
                                      ? form_->itemAt(row, QFormLayout::LabelRole)->widget()
                                      : nullptr)) {
      label->setText(labels[row]);
    } else {
      form_->setWidget(row, QFormLayout::LabelRole, new QLabel(labels[row], this));
    }
  }
  overrides_->setHorizontalHeaderLabels({tr("Layer pattern"), tr("W bits"), tr("A bits")});
  overrides_->setToolTip(
      tr("Shell globs over module paths, e.g. up_blocks.*.conv1. Bits %1..%2; empty keeps the "
         "global bits; fp keeps that tensor (weight or input) in floating point. A bits per time "
         "window: t_min:bits from the noisiest down to 0, e.g. 600:8 200:fp 0:4.")
          .arg(kMinBits)
          .arg(kMaxBits));
  add_override_->setText(tr("Add"));
  remove_override_->setText(tr("Remove"));
  calib_->setSpecialValueText(tr("method default"));
  calib_->setSuffix(tr(" samples"));
  qat_steps_->setToolTip(
      tr("Training steps for LSQ, PACT, NIPQ and TDQ (ignored by PTQ methods "
         "unless set)"));
  steps_->setSuffix(tr(" DDIM steps"));
  start_->setText(tr("Start"));
  cancel_->setText(tr("Cancel"));
  if (!runner_->running() && status_->text().isEmpty()) status_->setText(tr("Ready."));
}

void ExperimentPanel::changeEvent(QEvent* event) {
  if (event->type() == QEvent::LanguageChange) retranslate();
  QWidget::changeEvent(event);
}

void ExperimentPanel::set_model_dir(const QString& dir) { model_->setText(dir); }
void ExperimentPanel::set_runs_dir(const QString& dir) { runs_->setText(dir); }
QString ExperimentPanel::runs_dir() const { return runs_->text(); }
QString ExperimentPanel::status_text() const { return status_->text(); }

void ExperimentPanel::add_override(const QString& pattern, int w_bits, int a_bits) {
  const int row = overrides_->rowCount();
  overrides_->insertRow(row);
  auto cell = [](int bits) {
    return bits < 0 ? QStringLiteral("fp") : bits == 0 ? QString() : QString::number(bits);
  };
  overrides_->setItem(row, kPattern, new QTableWidgetItem(pattern));
  overrides_->setItem(row, kWBits, new QTableWidgetItem(cell(w_bits)));
  overrides_->setItem(row, kABits, new QTableWidgetItem(cell(a_bits)));
}

void ExperimentPanel::set_config(const QuantConfig& config) {
  config_ = std::make_unique<QuantConfig>(config);
  method_->setCurrentText(QString::fromStdString(to_string(config.method)));
  w_bits_->setValue(config.w_bits);
  a_bits_->setValue(config.a_bits);
  overrides_->setRowCount(0);
  for (const LayerOverride& o : config.overrides) {
    const auto bits = [&](const std::optional<int>& b, bool fp) {
      return o.skip || fp ? -1 : b.value_or(0);
    };
    add_override(QString::fromStdString(o.pattern), bits(o.w_bits, o.w_fp), bits(o.a_bits, o.a_fp));
    if (!o.a_bits_windows.empty()) {  // bits per time window (tdq search-bits --input-windows)
      overrides_->item(overrides_->rowCount() - 1, kABits)
          ->setText(QString::fromStdString(format_window_bits(o.a_bits_windows)));
    }
  }
}

ExperimentJob ExperimentPanel::experiment() const {
  ExperimentJob job;
  if (config_ != nullptr) job.quantize.quant = *config_;
  job.quantize.quant.overrides.clear();  // the table's rows are the overrides
  job.quantize.model_dir = model_->text().trimmed().toStdString();
  job.quantize.quant.method = parse_quant_method(method_->currentText().toStdString());
  job.quantize.quant.w_bits = w_bits_->value();
  job.quantize.quant.a_bits = a_bits_->value();
  for (int row = 0; row < overrides_->rowCount(); ++row) {
    const QTableWidgetItem* item = overrides_->item(row, kPattern);
    const QString pattern = item ? item->text().trimmed() : QString();
    if (pattern.isEmpty()) {
      throw ConfigError(
          tr("override row %1: the layer pattern is empty").arg(row + 1).toStdString());
    }
    LayerOverride o;
    o.pattern = pattern.toStdString();
    o.w_bits = bits_cell(*overrides_, row, kWBits, o.w_fp);
    const QTableWidgetItem* a_cell = overrides_->item(row, kABits);
    if (a_cell && a_cell->text().contains(QLatin1Char(':'))) {
      const QString field = tr("override row %1, %2")
                                .arg(row + 1)
                                .arg(overrides_->horizontalHeaderItem(kABits)->text());
      o.a_bits_windows =
          parse_window_bits(a_cell->text().trimmed().toStdString(), field.toStdString());
    } else {
      o.a_bits = bits_cell(*overrides_, row, kABits, o.a_fp);
    }
    if (o.w_fp && o.a_fp) {  // both FP: the layer is skipped
      o.w_fp = o.a_fp = false;
      o.skip = true;
    }
    job.quantize.quant.overrides.push_back(o);
  }
  job.quantize.calib = calib_->value();
  job.quantize.qat_steps = qat_steps_->value();
  job.analyze.n = n_->value();
  job.analyze.steps = steps_->value();
  job.analyze.batch = std::min(16, n_->value());
  // Per-step methods (table, TDQ) need intervals for the schedule the analyze run samples.
  job.quantize.calib_steps = steps_->value();
  return job;
}

bool ExperimentPanel::start() {
  ExperimentJob job;
  try {
    job = experiment();
  } catch (const std::exception& e) {
    status_->setText(tr("Not started: %1").arg(QString::fromStdString(e.what())));
    return false;
  }
  if (runs_->text().trimmed().isEmpty() || !QDir().mkpath(runs_->text().trimmed())) {
    status_->setText(tr("Not started: cannot create the runs folder '%1'").arg(runs_->text()));
    return false;
  }
  const QString name = QString::fromStdString(experiment_name(job.quantize.quant)) +
                       QDateTime::currentDateTime().toString(QStringLiteral("-yyyyMMdd-HHmmss"));
  const std::filesystem::path out = QDir(runs_->text().trimmed()).filePath(name).toStdString();
  const bool started = runner_->start([job, out](const ProgressFn& progress) {
    return run_experiment_job(job, out, progress).analyze_run;
  });
  if (!started) {
    status_->setText(tr("Not started: an experiment is running already."));
    return false;
  }
  set_busy(true);
  progress_->setValue(0);
  eta_->clear();
  status_->setText(tr("Running %1...").arg(name));
  return true;
}

void ExperimentPanel::set_busy(bool busy) {
  start_->setEnabled(!busy);
  cancel_->setEnabled(busy);
  if (!busy) eta_->clear();
}

void ExperimentPanel::show_progress(double fraction, double eta_seconds, const QString& message) {
  progress_->setValue(static_cast<int>(fraction * progress_->maximum()));
  eta_->setText(eta_seconds < 0 ? tr("ETA: estimating...")
                                : tr("ETA: %1 (%2)").arg(format_seconds(eta_seconds), message));
}

}  // namespace tdq::views
