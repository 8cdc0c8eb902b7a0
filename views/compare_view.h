#pragma once
// Compare view (issue 14): two open analyze runs of one model, their local-mode input error per
// layer as a scatter (run A against run B, the diagonal where they are equal) or as B's gain over A
// per layer and step (a heatmap), with "B better in k of n layers". The pairing and every number
// come from core (core/record/run_comparison.h); this view only chooses the runs and draws.
#include <QWidget>

#include <memory>

#include "views/figure_export.h"

class QComboBox;
class QCPColorMap;
class QCPColorScale;
class QCustomPlot;
class QLabel;
class QMouseEvent;

namespace tdq {
struct RunComparison;  // core/record/run_comparison.h
}

namespace tdq::views {

class Selection;

class CompareView : public QWidget, public FigureSource {
  Q_OBJECT

 public:
  enum class Mode { kScatter, kGainHeatmap };

  explicit CompareView(Selection* selection, QWidget* parent = nullptr);
  ~CompareView() override;

  // Chooses the runs by their index in RunDocuments (-1: none) and redraws.
  void set_runs(int a, int b);
  int run_a() const;
  int run_b() const;
  void set_mode(Mode mode);
  QComboBox* error_box() const { return error_; }
  QCustomPlot* scatter() const { return scatter_; }
  QCustomPlot* gain_heatmap() const { return heatmap_; }
  // The one line above the plots: the counts, or why the runs cannot be compared.
  QString summary_text() const;
  // The comparison drawn now; nullptr when there is none.
  const RunComparison* comparison() const { return comparison_.get(); }

  // Both plots, when two runs are compared (empty otherwise).
  QList<Figure> figures() override;

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void retranslate();
  void fill_runs();
  void refresh();  // compares the chosen runs again, then draws
  void draw();     // draws the comparison as it is, marking the selection
  void select_pair(int pair, int step);
  void scatter_clicked(QMouseEvent* event);
  void heatmap_clicked(QMouseEvent* event);
  void add_export_action(QCustomPlot* plot, const QString& name);

  Selection* selection_;
  QComboBox* a_;
  QComboBox* b_;
  QComboBox* error_;
  QComboBox* mode_;
  QLabel* summary_;
  QCustomPlot* scatter_;
  QCustomPlot* heatmap_;
  QCPColorMap* map_;
  QCPColorScale* color_scale_;
  std::unique_ptr<RunComparison> comparison_;
  QString a_name_, b_name_;
};

}  // namespace tdq::views
