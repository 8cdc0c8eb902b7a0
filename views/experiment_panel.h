#pragma once
// The bit-width experiment panel: a QuantConfig (method, W/A bits, per-layer overrides), the
// calibration size and QAT steps, and the analyze run's size. Start runs quantize + analyze as
// one background job (core/jobs/experiment_job.h) with progress, ETA and Cancel.
#include <QString>
#include <QWidget>

#include <memory>

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace tdq {
struct ExperimentJob;  // core/jobs/experiment_job.h: kept out of view headers (LibTorch)
struct QuantConfig;
}  // namespace tdq

namespace tdq::views {

class JobRunner;

class ExperimentPanel : public QWidget {
  Q_OBJECT

 public:
  explicit ExperimentPanel(QWidget* parent = nullptr);
  ~ExperimentPanel() override;

  void set_model_dir(const QString& dir);
  void set_runs_dir(const QString& dir);
  QString runs_dir() const;
  // Adds a row to the override table (bits 0: the global bits; -1: keep that tensor FP).
  void add_override(const QString& pattern, int w_bits, int a_bits);
  // Shows `config` (method, global bits, one row per override) and keeps the settings the panel
  // has no control for (grids, skip list, TDQ shape) for the next experiments. The layer table's
  // "Start experiment with these bits" comes here.
  void set_config(const QuantConfig& config);
  // The job the widgets describe. ConfigError naming the row and column for a bad override.
  ExperimentJob experiment() const;
  JobRunner* runner() const { return runner_; }
  // Starts the job; false (and the reason in the status line) when it cannot start.
  bool start();
  QString status_text() const;

 Q_SIGNALS:
  // Emitted with the analyze run folder when a job completes.
  void run_finished(const QString& analyze_run);

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void retranslate();
  void set_busy(bool busy);
  void show_progress(double fraction, double eta_seconds, const QString& message);
  QWidget* folder_row(QLineEdit* edit);

  QFormLayout* form_ = nullptr;
  QLineEdit* model_ = nullptr;
  QLineEdit* runs_ = nullptr;
  QComboBox* method_ = nullptr;
  QSpinBox* w_bits_ = nullptr;
  QSpinBox* a_bits_ = nullptr;
  QTableWidget* overrides_ = nullptr;
  QPushButton* add_override_ = nullptr;
  QPushButton* remove_override_ = nullptr;
  QSpinBox* calib_ = nullptr;
  QSpinBox* qat_steps_ = nullptr;
  QSpinBox* n_ = nullptr;
  QSpinBox* steps_ = nullptr;
  QPushButton* start_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QLabel* eta_ = nullptr;
  QLabel* status_ = nullptr;
  JobRunner* runner_ = nullptr;
  std::unique_ptr<QuantConfig> config_;  // the last set_config(); defaults until then
};

}  // namespace tdq::views
