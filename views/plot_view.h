#pragma once

#include <QWidget>

#include "views/figure_export.h"

class QCPTextElement;
class QCustomPlot;
class QVBoxLayout;

namespace tdq::views {

class Selection;

// Base of the plot docks: one QCustomPlot, an "Export figure..." context-menu action, and a
// redraw whenever the selection changes. Subclasses fill the plot in refresh().
class PlotView : public QWidget, public FigureSource {
  Q_OBJECT

 public:
  PlotView(Selection* selection, QWidget* parent = nullptr);

  QCustomPlot* plot() const { return plot_; }
  QList<Figure> figures() override;

  // Asks for a file and a size, then writes the figure. Public for the tests and the menu.
  void export_figure_dialog();

 protected:
  // Redraws for the current selection; called on every run, layer or step change.
  virtual void refresh() = 0;
  // File name (no suffix) and title of the figure for the report.
  virtual QString figure_name() const = 0;
  virtual QString figure_title() const = 0;
  void changeEvent(QEvent* event) override;
  // Moves the legend below the axes (curves stay unobstructed) and adds a title row above them.
  void use_legend_below_and_title();
  void set_title(const QString& text);
  // A vertical line at the selected step's time step t (x axis in t), so a step chosen in the
  // heatmap shows in every plot over t.
  void mark_selected_step();

  Selection* selection_;
  QCustomPlot* plot_;
  QVBoxLayout* layout_;  // controls go above the plot
  QCPTextElement* title_ = nullptr;
};

}  // namespace tdq::views
