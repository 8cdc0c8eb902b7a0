#include "views/job_docks.h"

#include <QCoreApplication>
#include <QDockWidget>
#include <QEvent>
#include <QMenu>
#include <QScrollArea>

#include <functional>

#include "views/experiment_panel.h"
#include "views/fid_view.h"
#include "views/main_window.h"
#include "views/sample_compare_view.h"

namespace tdq::views {

namespace {

// A dock whose title follows the language: QDockWidget has no retranslate hook of its own.
class TitledDock : public QDockWidget {
 public:
  TitledDock(const char* name, std::function<QString()> title, QWidget* content, QWidget* parent)
      : QDockWidget(parent), title_(std::move(title)) {
    setObjectName(QString::fromLatin1(name));  // saveState() keys on it
    // Scrolled, so a tall panel never sets the main window's minimum size.
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);
    setWidget(scroll);
    setWindowTitle(title_());
  }

 protected:
  void changeEvent(QEvent* event) override {
    if (event->type() == QEvent::LanguageChange) setWindowTitle(title_());
    QDockWidget::changeEvent(event);
  }

 private:
  std::function<QString()> title_;
};

}  // namespace

QList<QCustomPlot*> JobDocks::plots() const { return fid ? fid->plots() : QList<QCustomPlot*>{}; }

JobDocks add_job_docks(MainWindow& window) {
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
  QDockWidget* first = nullptr;
  for (const auto& spec : specs) {
    auto* dock = new TitledDock(spec.name, spec.title, spec.content, &window);
    window.addDockWidget(Qt::RightDockWidgetArea, dock);
    if (first)
      window.tabifyDockWidget(first, dock);
    else
      first = dock;
    if (window.docks_menu()) window.docks_menu()->addAction(dock->toggleViewAction());
  }
  if (first) first->raise();
  QObject::connect(docks.experiment, &ExperimentPanel::run_finished, &window,
                   [&window, samples = docks.samples](const QString& run) {
                     window.open_run(run);
                     samples->show_run(run);
                   });
  return docks;
}

}  // namespace tdq::views
