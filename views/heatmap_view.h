#pragma once

#include "views/plot_view.h"

class QComboBox;
class QCPColorMap;
class QCPColorScale;
class QMouseEvent;

namespace tdq::views {

// Layer x step heatmap of one recorder statistic (QCPColorMap). Metric, colour gradient and
// linear/log colour scale come from combo boxes; a click selects that layer and step.
class HeatmapView : public PlotView {
  Q_OBJECT

 public:
  explicit HeatmapView(Selection* selection, QWidget* parent = nullptr);

  QComboBox* metric_box() const { return metric_; }
  // The cell under a widget position, as (layer, step); false outside the map.
  bool cell_at(const QPoint& position, int* layer, int* step) const;

 protected:
  void refresh() override;
  QString figure_name() const override;
  QString figure_title() const override;

 private:
  void fill_metrics();
  void clicked(QMouseEvent* event);

  QComboBox* metric_;
  QComboBox* gradient_;
  QComboBox* scale_;
  QCPColorMap* map_;
  QCPColorScale* color_scale_;
  const void* metrics_of_ = nullptr;  // the run whose arrays fill the metric box
};

}  // namespace tdq::views
