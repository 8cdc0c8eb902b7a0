#pragma once
// Runs one core job off the GUI thread. The job reports through the core's ProgressFn; this
// adapter turns that into queued signals (fraction, ETA, message) and turns Cancel into the
// ProgressFn's "stop" answer, so the core unwinds at its next safe point and its run folder
// writer removes the half-written RUN.tmp. Only one job per kind runs at a time, across all
// runners (two quantize jobs would compete for the same CPU cores and confuse the user).
#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QString>

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>

#include "core/common/progress.h"

class QThread;

namespace tdq::views {

class JobRunner : public QObject {
  Q_OBJECT

 public:
  // The job returns the run folder it wrote; it throws to fail (the message is shown as is).
  using Work = std::function<std::filesystem::path(const ProgressFn&)>;

  explicit JobRunner(QString kind, QObject* parent = nullptr);
  // Cancels a running job and waits for it: the worker must not outlive the signals' receiver.
  ~JobRunner() override;

  const QString& kind() const { return kind_; }
  // False, and nothing started, when a job of this kind runs already (here or in another runner).
  bool start(Work work);
  bool running() const { return thread_ != nullptr; }
  static bool kind_running(const QString& kind);

 public Q_SLOTS:
  void cancel();

 Q_SIGNALS:
  void started();
  // fraction in [0, 1]; eta_seconds < 0 while unknown.
  void progressed(double fraction, double eta_seconds, const QString& message);
  void succeeded(const QString& run_folder);
  void failed(const QString& message);
  void cancelled();
  void finished();  // after any of the three above

 private:
  void report(double fraction, const QString& message);
  void finish(int outcome, const QString& text);

  QString kind_;
  QThread* thread_ = nullptr;
  std::shared_ptr<std::atomic<bool>> stop_;
  QElapsedTimer clock_;
};

}  // namespace tdq::views
