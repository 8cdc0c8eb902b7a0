#pragma once
// The docks of the background-job views: experiment panel, sample compare and FID runs. One
// function adds them, so that the main window only calls it.
#include <QList>
#include <QString>

#include <functional>

class QCustomPlot;
class QMainWindow;
class QMenu;

namespace tdq::views {

class ExperimentPanel;
class FidView;
class FigureSource;
class SampleCompareView;
class Selection;

struct JobDocks {
  ExperimentPanel* experiment = nullptr;
  SampleCompareView* samples = nullptr;
  FidView* fid = nullptr;
  QList<QCustomPlot*> plots() const;  // for figure export
};

// What the docks need of the main window (which includes this header, not the other way round).
struct JobDocksHost {
  QMainWindow* window = nullptr;
  QMenu* docks_menu = nullptr;  // View > Docks
  Selection* selection = nullptr;
  std::function<void(FigureSource*)> add_figure_source;
  std::function<void(const QString& run)> open_run;
};

// Adds the docks (tabbed on the right, hidden ones reachable through View > Docks). A finished
// experiment opens its analyze run in the window and in the sample compare view.
JobDocks add_job_docks(const JobDocksHost& host);

}  // namespace tdq::views
