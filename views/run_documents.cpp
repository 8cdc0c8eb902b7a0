#include "views/run_documents.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>

namespace tdq::views {

RunDocuments::RunDocuments(QObject* parent) : QObject(parent) {}

int RunDocuments::open(const QString& folder, QString* error) {
  const QString absolute = QDir::cleanPath(QFileInfo(folder).absoluteFilePath());
  for (int i = 0; i < count(); ++i) {
    if (runs_[static_cast<std::size_t>(i)]->folder == absolute) return i;
  }
  auto run = std::make_shared<RunData>();
  if (!load_run(folder, run.get(), error)) return -1;
  runs_.push_back(std::move(run));
  emit run_opened(count() - 1);
  return count() - 1;
}

void RunDocuments::close(int index) {
  if (index < 0 || index >= count()) return;
  runs_.erase(runs_.begin() + index);
  emit run_closed(index);
}

const RunData* RunDocuments::run(int index) const {
  if (index < 0 || index >= count()) return nullptr;
  return runs_[static_cast<std::size_t>(index)].get();
}

Selection::Selection(RunDocuments* documents, QObject* parent)
    : QObject(parent), documents_(documents) {
  connect(documents_, &RunDocuments::run_closed, this, [this](int index) {
    if (index == run_) {
      run_ = -2;  // force the change signal even when the next run takes the same index
      set_run(std::min(index, documents_->count() - 1));
    } else if (index < run_) {
      --run_;
    }
  });
}

void Selection::set_run(int run) {
  const RunData* data = documents_->run(run);
  if (data == nullptr) run = -1;
  if (run == run_) return;
  run_ = run;
  emit run_changed(run_);
  const int layers = data != nullptr ? data->layer_count() : 0;
  const int steps = data != nullptr ? data->step_count() : 0;
  // Re-emitted even when the index stays: the same index now means another run's layer.
  layer_ = layers == 0 ? -1 : std::clamp(layer_, 0, layers - 1);
  emit layer_changed(layer_);
  step_ = steps == 0 ? -1 : std::clamp(step_, 0, steps - 1);
  emit step_changed(step_);
}

void Selection::set_layer(int layer) {
  const RunData* data = current_run();
  if (data == nullptr || layer < 0 || layer >= data->layer_count()) return;
  if (layer == layer_) return;
  layer_ = layer;
  emit layer_changed(layer_);
}

void Selection::set_step(int step) {
  const RunData* data = current_run();
  if (data == nullptr || step < 0 || step >= data->step_count()) return;
  if (step == step_) return;
  step_ = step;
  emit step_changed(step_);
}

}  // namespace tdq::views
