#include "views/run_view_docks.h"

#include <QCoreApplication>
#include <QDockWidget>
#include <QEvent>
#include <QMainWindow>
#include <QMenu>

#include "views/compare_view.h"
#include "views/error_view.h"
#include "views/heatmap_view.h"
#include "views/layer_curves_view.h"
#include "views/layer_table_view.h"
#include "views/pearson_view.h"
#include "views/run_browser.h"

namespace tdq::views {
namespace {

// A dock titled from a source string, retitled on a language change. (TitledDock also scrolls its
// content, which these views do themselves.)
class RunViewDock : public QDockWidget {
 public:
  RunViewDock(const char* name, const char* title, QWidget* view, QMainWindow& window)
      : QDockWidget(&window), title_(title) {
    setObjectName(QString::fromLatin1(name));
    setWidget(view);
    retitle();
  }

 protected:
  void changeEvent(QEvent* event) override {
    if (event->type() == QEvent::LanguageChange) retitle();
    QDockWidget::changeEvent(event);
  }

 private:
  void retitle() { setWindowTitle(QCoreApplication::translate("tdq::views::MainWindow", title_)); }
  const char* title_;
};

}  // namespace

RunViewDocks add_run_view_docks(QMainWindow& window, QMenu* docks_menu, Selection* selection,
                                const std::function<void(FigureSource*)>& add_figure_source) {
  RunViewDocks v;
  v.browser = new RunBrowser(selection, &window);
  v.table = new LayerTableView(selection, &window);
  v.heatmap = new HeatmapView(selection, &window);
  v.curves = new LayerCurvesView(selection, &window);
  v.pearson = new PearsonView(selection, &window);
  v.errors = new ErrorView(selection, &window);
  v.compare = new CompareView(selection, &window);
  const auto add = [&](const char* name, const char* title, QWidget* view,
                       Qt::DockWidgetArea area) {
    auto* dock = new RunViewDock(name, title, view, window);
    window.addDockWidget(area, dock);
    if (docks_menu != nullptr) docks_menu->addAction(dock->toggleViewAction());
    return dock;
  };
  // The titles are in the main window's catalogue context, where they were before this file.
  QDockWidget* browser = add("dockRunBrowser", QT_TRANSLATE_NOOP("tdq::views::MainWindow", "Runs"),
                             v.browser, Qt::LeftDockWidgetArea);
  QDockWidget* table = add("dockLayerTable", QT_TRANSLATE_NOOP("tdq::views::MainWindow", "Layers"),
                           v.table, Qt::LeftDockWidgetArea);
  QDockWidget* heatmap =
      add("dockHeatmap", QT_TRANSLATE_NOOP("tdq::views::MainWindow", "Layer x Step Heatmap"),
          v.heatmap, Qt::RightDockWidgetArea);
  QDockWidget* pearson =
      add("dockPearson", QT_TRANSLATE_NOOP("tdq::views::MainWindow", "Pearson r"), v.pearson,
          Qt::RightDockWidgetArea);
  QDockWidget* curves =
      add("dockLayerCurves", QT_TRANSLATE_NOOP("tdq::views::MainWindow", "Layer Range"), v.curves,
          Qt::RightDockWidgetArea);
  QDockWidget* errors =
      add("dockErrors", QT_TRANSLATE_NOOP("tdq::views::MainWindow", "Error vs Step"), v.errors,
          Qt::RightDockWidgetArea);
  window.splitDockWidget(heatmap, curves, Qt::Horizontal);
  window.splitDockWidget(pearson, errors, Qt::Horizontal);
  // Tabbed behind the Pearson histogram: the 2 x 2 grid keeps its room until a user asks for it.
  QDockWidget* compare = add("dockCompare", QT_TRANSLATE_NOOP("tdq::views::MainWindow", "Compare"),
                             v.compare, Qt::RightDockWidgetArea);
  window.tabifyDockWidget(pearson, compare);
  pearson->raise();
  // Room for the plots: a narrow left column, the table taller than the run lists.
  // Both rows of plots split evenly: left alone, the lower row gave the Error vs Step dock (two y
  // axes) a sliver where its tick labels overlapped.
  window.resizeDocks({browser, heatmap, curves}, {380, 510, 510}, Qt::Horizontal);
  window.resizeDocks({pearson, errors}, {510, 510}, Qt::Horizontal);
  window.resizeDocks({heatmap, pearson}, {430, 430}, Qt::Vertical);
  window.resizeDocks({browser, table}, {170, 700}, Qt::Vertical);
  for (FigureSource* source :
       std::initializer_list<FigureSource*>{v.heatmap, v.curves, v.pearson, v.errors, v.compare}) {
    add_figure_source(source);
  }
  return v;
}

}  // namespace tdq::views
