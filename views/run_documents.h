#pragma once

#include <QObject>
#include <QString>

#include <memory>
#include <vector>

#include "views/run_data.h"

namespace tdq::views {

// The runs open in one window. Several may be open at once for comparison; each is loaded once
// and shared read-only by every view.
class RunDocuments : public QObject {
  Q_OBJECT

 public:
  explicit RunDocuments(QObject* parent = nullptr);

  // Index of the run (an already open folder is not loaded twice), or -1 with `error` set.
  int open(const QString& folder, QString* error);
  void close(int index);
  int count() const { return static_cast<int>(runs_.size()); }
  // nullptr for an index out of range, so views can ask with the selection's -1.
  const RunData* run(int index) const;

 signals:
  void run_opened(int index);
  void run_closed(int index);

 private:
  std::vector<std::shared_ptr<const RunData>> runs_;
};

// The current run, layer and step, shared by all views: whoever changes it, every view follows.
// -1 means none. Setters emit only on a change, so views may echo a value back without loops.
class Selection : public QObject {
  Q_OBJECT

 public:
  explicit Selection(RunDocuments* documents, QObject* parent = nullptr);

  int run() const { return run_; }
  int layer() const { return layer_; }
  int step() const { return step_; }
  const RunData* current_run() const { return documents_->run(run_); }
  RunDocuments* documents() const { return documents_; }

  // Keeps the layer and step where the new run has them, else picks the first.
  void set_run(int run);
  void set_layer(int layer);
  void set_step(int step);

 signals:
  void run_changed(int run);
  void layer_changed(int layer);
  void step_changed(int step);

 private:
  RunDocuments* documents_;
  int run_ = -1, layer_ = -1, step_ = -1;
};

}  // namespace tdq::views
