#pragma once
// A sensitivity run (`tdq sensitivity`): a layer x time-window heatmap of one matrix of its
// summary (weight or input damage at some bits, or the gain of keeping a layer FP), and below it
// per-layer bars of weight against input damage at the chosen bits. The view only draws the
// core's SensitivitySummary (core/sensitivity/sensitivity_run.h); it computes nothing.
#include <QList>
#include <QString>

#include <memory>

#include "views/plot_view.h"

class QComboBox;
class QCPColorMap;
class QCPColorScale;
class QCPBars;
class QMouseEvent;

namespace tdq {
struct SensitivitySummary;
}

namespace tdq::views {

class SensitivityView : public PlotView {
  Q_OBJECT

 public:
  explicit SensitivityView(Selection* selection, QWidget* parent = nullptr);
  ~SensitivityView() override;

  // Reads and shows the run (replacing the one shown); false, showing nothing new, and one line
  // in `error` for a folder that is no complete sensitivity run.
  bool open_run(const QString& folder, QString* error);
  const SensitivitySummary* summary() const { return summary_.get(); }
  QString folder() const { return folder_; }

  QComboBox* matrix_box() const { return matrix_; }
  QComboBox* scale_box() const { return scale_; }
  QCPColorMap* map() const { return map_; }
  QCustomPlot* bars_plot() const { return bars_plot_; }
  QCPBars* weight_bars() const { return weight_bars_; }
  QCPBars* input_bars() const { return input_bars_; }
  // The summary's layer row and window under a position of plot(); false outside the map.
  bool cell_at(const QPoint& position, int* row, int* window) const;
  // The row shown as selected (-1: none): the clicked one, or the selection's layer by path.
  int selected_row() const { return selected_row_; }

  // Heatmap and bars, once a run is shown.
  QList<Figure> figures() override;

 signals:
  // A cell was clicked: its layer's path, whether or not the open run has that layer.
  void layer_clicked(const QString& path);

 protected:
  void refresh() override;
  QString figure_name() const override;
  QString figure_title() const override;
  void changeEvent(QEvent* event) override;

 private:
  void fill_matrices();
  void draw_bars(int bits);
  void clicked(QMouseEvent* event);
  QString matrix_label(int index) const;

  std::unique_ptr<const SensitivitySummary> summary_;
  QString folder_;
  QComboBox* matrix_;
  QComboBox* scale_;
  QCPColorMap* map_;
  QCPColorScale* color_scale_;
  QCustomPlot* bars_plot_;
  QCPBars* weight_bars_;
  QCPBars* input_bars_;
  int selected_row_ = -1;
  int bar_bits_ = 0;        // the bits of the last weight or input matrix chosen
  bool bar_final_ = false;  // and whether it was at the final sample (a *_final matrix)
  int synced_run_ = -2, synced_layer_ = -2;  // the selection the selected row last followed
};

}  // namespace tdq::views
