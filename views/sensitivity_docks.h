#pragma once
// The docks of the sensitivity and bit-search runs (issue 15): the layer x time-window
// sensitivity view and the Pareto plot. These runs are not RunDocuments (they have no sampling
// steps or layer statistics); each dock shows the latest one opened.
#include <QString>

#include <functional>

class QMainWindow;
class QMenu;

namespace tdq::views {

class FigureSource;
class ParetoView;
class Selection;
class SensitivityView;

struct SensitivityDocks {
  SensitivityView* sensitivity = nullptr;
  ParetoView* pareto = nullptr;
};

// Adds both docks, tabbed behind the Pearson histogram (a saved layout, restored after this,
// wins), with their toggles in `docks_menu` and their figures registered for the report.
SensitivityDocks add_sensitivity_docks(QMainWindow& window, QMenu* docks_menu, Selection* selection,
                                       const std::function<void(FigureSource*)>& add_figure_source);

// Whether run.json's kind is one of these docks'.
bool is_sensitivity_kind(const QString& kind);

// Shows a run of such a kind in its dock and raises it. False, the dock unchanged, and one line in
// `error` for a damaged run.
bool show_sensitivity_run(QMainWindow& window, const SensitivityDocks& docks, const QString& kind,
                          const QString& folder, QString* error);

}  // namespace tdq::views
