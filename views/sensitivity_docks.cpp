#include "views/sensitivity_docks.h"

#include <QCoreApplication>
#include <QMainWindow>
#include <QMenu>

#include "views/pareto_view.h"
#include "views/sensitivity_view.h"
#include "views/titled_dock.h"

namespace tdq::views {
namespace {

constexpr QLatin1String kSensitivity("sensitivity");
constexpr QLatin1String kBitSearch("bit-search");
constexpr const char* kSensitivityDock = "dockSensitivity";
constexpr const char* kParetoDock = "dockPareto";

}  // namespace

SensitivityDocks add_sensitivity_docks(
    QMainWindow& window, QMenu* docks_menu, Selection* selection,
    const std::function<void(FigureSource*)>& add_figure_source) {
  SensitivityDocks docks;
  docks.sensitivity = new SensitivityView(selection, &window);
  docks.pareto = new ParetoView(selection, &window);
  const struct {
    const char* name;
    std::function<QString()> title;
    QWidget* content;
  } specs[] = {
      {kSensitivityDock,
       [] {
         return QCoreApplication::translate("tdq::views::SensitivityDocks",
                                            "Layer x Window Sensitivity");
       },
       docks.sensitivity},
      {kParetoDock,
       [] { return QCoreApplication::translate("tdq::views::SensitivityDocks", "Bit Search"); },
       docks.pareto},
  };
  // Tabbed with the Pearson histogram and the job docks, so the analysis plots keep their room
  // until such a run opens. (Tabbed with the heatmap instead, the default layout left the Error vs
  // Step dock 261 px wide, below the layout test's limit for legible ticks.)
  QDockWidget* first = window.findChild<QDockWidget*>(QStringLiteral("dockPearson"));
  for (const auto& spec : specs) {
    auto* dock = new TitledDock(spec.name, spec.title, spec.content, &window);
    window.addDockWidget(Qt::RightDockWidgetArea, dock);
    if (first != nullptr) window.tabifyDockWidget(first, dock);
    if (docks_menu != nullptr) docks_menu->addAction(dock->toggleViewAction());
  }
  if (first != nullptr) first->raise();
  add_figure_source(docks.sensitivity);
  add_figure_source(docks.pareto);
  return docks;
}

bool is_sensitivity_kind(const QString& kind) { return kind == kSensitivity || kind == kBitSearch; }

bool show_sensitivity_run(QMainWindow& window, const SensitivityDocks& docks, const QString& kind,
                          const QString& folder, QString* error) {
  const bool sensitivity = kind == kSensitivity;
  const bool shown = sensitivity ? docks.sensitivity->open_run(folder, error)
                                 : docks.pareto->open_run(folder, error);
  if (!shown) return false;
  const char* name = sensitivity ? kSensitivityDock : kParetoDock;
  if (auto* dock = window.findChild<QDockWidget*>(QString::fromLatin1(name))) {
    dock->show();
    dock->raise();
  }
  return true;
}

}  // namespace tdq::views
