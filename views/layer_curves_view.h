#pragma once

#include "views/plot_view.h"

namespace tdq::views {

// The selected layer's activation range over the sampling steps (x: time step t): FP min/max
// envelope, p0.1/p99.9, and with a quantized twin the clamp bounds lo(t)/hi(t) of its quantizer as
// the run recorded them (core/record/clip_bounds.h: the fake-quant kernel's own bounds, offset and
// zero point included). Steps the run marks as clipped (the FP envelope leaves the bounds) are
// shaded. A quantize run shows its bounds over t alone. The bounds of every other open run of the
// same model at the same layer are overlaid, each in its own colour, to compare methods.
class LayerCurvesView : public PlotView {
  Q_OBJECT

 public:
  explicit LayerCurvesView(Selection* selection, QWidget* parent = nullptr);

  // Number of shaded clipped steps in the last refresh (for the tests).
  int clipped_steps() const { return clipped_steps_; }
  // Number of runs whose interval the last refresh drew (the current one and the others of the
  // same model open for comparison).
  int intervals() const { return intervals_; }
  // Steps at which the oracle interval s*(t) is drawn (0 when the run has no oracle bound).
  int oracle_steps() const { return oracle_steps_; }

 protected:
  void refresh() override;
  QString figure_name() const override { return QStringLiteral("layer_curves"); }
  QString figure_title() const override;

 private:
  int clipped_steps_ = 0;
  int intervals_ = 0;
  int oracle_steps_ = 0;
};

}  // namespace tdq::views
