#include "views/job_docks.h"

#include <QCoreApplication>
#include <QDockWidget>
#include <QMainWindow>
#include <QMenu>

#include <functional>

#include "views/experiment_panel.h"
#include "views/fid_runs_model.h"
#include "views/fid_view.h"
#include "views/figure_export.h"
#include "views/run_data.h"
#include "views/run_documents.h"
#include "views/sample_compare_view.h"
#include "views/titled_dock.h"

namespace tdq::views {

namespace {

// The FID-vs-steps plot joins File > Export report once the FID dock holds runs.
class FidFigures : public QObject, public FigureSource {
 public:
  FidFigures(FidView* view, QObject* parent) : QObject(parent), view_(view) {}
  QList<Figure> figures() override {
    QList<Figure> out;
    if (view_->model()->rowCount() == 0) return out;
    for (QCustomPlot* plot : view_->plots()) {
      out.push_back({QStringLiteral("fid-vs-steps"),
                     QCoreApplication::translate("tdq::views::JobDocks", "FID vs sampling steps"),
                     plot});
    }
    return out;
  }

 private:
  FidView* view_;
};

}  // namespace

QList<QCustomPlot*> JobDocks::plots() const { return fid ? fid->plots() : QList<QCustomPlot*>{}; }

JobDocks add_job_docks(const JobDocksHost& host) {
  QMainWindow& window = *host.window;
  JobDocks docks;
  docks.experiment = new ExperimentPanel(&window);
  docks.samples = new SampleCompareView(&window);
  docks.fid = new FidView(&window);
  const struct {
    const char* name;
    std::function<QString()> title;
    QWidget* content;
  } specs[] = {
      {"ExperimentDock",
       [] { return QCoreApplication::translate("tdq::views::JobDocks", "Experiment"); },
       docks.experiment},
      {"SampleCompareDock",
       [] { return QCoreApplication::translate("tdq::views::JobDocks", "Sample compare"); },
       docks.samples},
      {"FidRunsDock",
       [] { return QCoreApplication::translate("tdq::views::JobDocks", "FID runs"); }, docks.fid},
  };
  // Tabbed behind the Pearson histogram by default, so that the analysis plots keep their room
  // (a saved layout, restored after this, wins).
  QDockWidget* first = window.findChild<QDockWidget*>(QStringLiteral("dockPearson"));
  QDockWidget* raised = first;
  for (const auto& spec : specs) {
    auto* dock = new TitledDock(spec.name, spec.title, spec.content, &window);
    window.addDockWidget(Qt::RightDockWidgetArea, dock);
    if (first)
      window.tabifyDockWidget(first, dock);
    else
      first = raised = dock;
    if (host.docks_menu) host.docks_menu->addAction(dock->toggleViewAction());
  }
  if (raised) raised->raise();
  // Linked selection: the current run and step of the other views drive the sample compare.
  Selection* selection = host.selection;
  QObject::connect(selection, &Selection::run_changed, docks.samples,
                   [selection, samples = docks.samples](int) {
                     // A quantize run has no samples to compare.
                     const RunData* run = selection->current_run();
                     if (run != nullptr && run->kind == RunKind::Analyze) {
                       samples->show_run(run->folder);
                     }
                   });
  QObject::connect(selection, &Selection::step_changed, docks.samples,
                   [samples = docks.samples](int step) {
                     if (step >= 0) samples->select_step(step);
                   });
  host.add_figure_source(new FidFigures(docks.fid, &window));
  QObject::connect(docks.experiment, &ExperimentPanel::run_finished, &window,
                   [open_run = host.open_run, samples = docks.samples](const QString& run) {
                     open_run(run);
                     samples->show_run(run);
                   });
  return docks;
}

}  // namespace tdq::views
