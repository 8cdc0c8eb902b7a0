#pragma once
// The docks of the run views (run list, layer table, heatmap, layer range, Pearson r, error vs
// step, compare) in their default layout. One function adds them, so that the main window keeps
// to menus and routing.
#include <functional>

class QMainWindow;
class QMenu;

namespace tdq::views {

class CompareView;
class ErrorView;
class FigureSource;
class HeatmapView;
class LayerCurvesView;
class LayerTableView;
class PearsonView;
class RunBrowser;
class Selection;

struct RunViewDocks {
  RunBrowser* browser = nullptr;
  LayerTableView* table = nullptr;
  HeatmapView* heatmap = nullptr;
  LayerCurvesView* curves = nullptr;
  PearsonView* pearson = nullptr;
  ErrorView* errors = nullptr;
  CompareView* compare = nullptr;
};

// Browser and table on the left, the plots in a 2 x 2 grid on the right, Compare tabbed behind the
// Pearson histogram; toggles in `docks_menu`, plots registered for the report. Dock titles follow
// the language by themselves.
RunViewDocks add_run_view_docks(QMainWindow& window, QMenu* docks_menu, Selection* selection,
                                const std::function<void(FigureSource*)>& add_figure_source);

}  // namespace tdq::views
