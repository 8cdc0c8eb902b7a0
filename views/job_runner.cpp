#include "views/job_runner.h"

#include <QMetaObject>
#include <QSet>
#include <QThread>

#include <chrono>

#include "core/common/errors.h"

namespace tdq::views {

namespace {

enum Outcome { kSucceeded, kFailed, kCancelled };

// Touched on the GUI thread only (start and finish), so it needs no lock.
QSet<QString>& running_kinds() {
  static QSet<QString> kinds;
  return kinds;
}

}  // namespace

JobRunner::JobRunner(QString kind, QObject* parent) : QObject(parent), kind_(std::move(kind)) {}

JobRunner::~JobRunner() {
  if (!thread_) return;
  stop_->store(true);
  thread_->wait();
  delete thread_;
  running_kinds().remove(kind_);
}

bool JobRunner::kind_running(const QString& kind) { return running_kinds().contains(kind); }

bool JobRunner::start(Work work) {
  if (thread_ || kind_running(kind_)) return false;
  running_kinds().insert(kind_);
  stop_ = std::make_shared<std::atomic<bool>>(false);
  clock_.start();
  QPointer<JobRunner> self(this);
  auto stop = stop_;
  thread_ = QThread::create([self, stop, work = std::move(work)] {
    // Progress is posted at most every 50 ms: a fast loop must not flood the GUI's event queue.
    auto last = std::chrono::steady_clock::now() - std::chrono::seconds(1);
    const ProgressFn progress = [&](const ProgressInfo& p) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last >= std::chrono::milliseconds(50) || p.done == p.total) {
        last = now;
        const double f =
            p.total > 0 ? static_cast<double>(p.done) / static_cast<double>(p.total) : 0.0;
        const QString message = QString::fromStdString(p.message);
        QMetaObject::invokeMethod(
            self.data(),
            [self, f, message] {
              if (self) self->report(f, message);
            },
            Qt::QueuedConnection);
      }
      return !stop->load();
    };
    int outcome = kSucceeded;
    QString text;
    try {
      // A cancel that came after the last safe point is too late: the run is complete and kept.
      text = QString::fromStdString(work(progress).string());
    } catch (const CancelledError&) {
      outcome = kCancelled;
    } catch (const std::exception& e) {
      outcome = stop->load() ? kCancelled : kFailed;
      text = QString::fromStdString(e.what());
    }
    QMetaObject::invokeMethod(
        self.data(),
        [self, outcome, text] {
          if (self) self->finish(outcome, text);
        },
        Qt::QueuedConnection);
  });
  thread_->start();
  Q_EMIT started();
  return true;
}

void JobRunner::cancel() {
  if (stop_) stop_->store(true);
}

void JobRunner::report(double fraction, const QString& message) {
  if (!thread_) return;  // a late report after the job ended
  const double elapsed = static_cast<double>(clock_.elapsed()) / 1000.0;
  // Linear extrapolation from the work done so far; unknown until a few percent are done.
  const double eta = fraction > 0.02 ? elapsed * (1.0 - fraction) / fraction : -1.0;
  Q_EMIT progressed(fraction, eta, message);
}

void JobRunner::finish(int outcome, const QString& text) {
  thread_->wait();
  delete thread_;
  thread_ = nullptr;
  running_kinds().remove(kind_);
  if (outcome == kSucceeded) Q_EMIT succeeded(text);
  if (outcome == kFailed) Q_EMIT failed(text);
  if (outcome == kCancelled) Q_EMIT cancelled();
  Q_EMIT finished();
}

}  // namespace tdq::views
