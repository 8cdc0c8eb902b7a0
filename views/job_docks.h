#pragma once
// The docks of the background-job views: experiment panel, sample compare and FID runs. One
// function adds them, so that the main window only calls it.
#include <QList>

class QCustomPlot;

namespace tdq::views {

class ExperimentPanel;
class FidView;
class MainWindow;
class SampleCompareView;

struct JobDocks {
  ExperimentPanel* experiment = nullptr;
  SampleCompareView* samples = nullptr;
  FidView* fid = nullptr;
  QList<QCustomPlot*> plots() const;  // for figure export
};

// Adds the docks (tabbed on the right, hidden ones reachable through View > Docks). A finished
// experiment opens its analyze run in the window and in the sample compare view.
JobDocks add_job_docks(MainWindow& window);

}  // namespace tdq::views
