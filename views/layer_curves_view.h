#pragma once

#include "views/plot_view.h"

namespace tdq::views {

// The selected layer's activation range over the sampling steps (x: time step t): FP min/max
// envelope, p0.1/p99.9, and with a quantized twin its quantizer interval from s(t) (symmetric:
// [-2^(b-1) s, (2^(b-1)-1) s]; unsigned: [0, (2^b-1) s]; asymmetric: [m, m+(n-1) s] with m the
// recorded FP minimum, as the zero point is not recorded). Steps where the FP envelope leaves the
// interval are shaded as clipped.
class LayerCurvesView : public PlotView {
  Q_OBJECT

 public:
  explicit LayerCurvesView(Selection* selection, QWidget* parent = nullptr);

  // Number of shaded clipped steps in the last refresh (for the tests).
  int clipped_steps() const { return clipped_steps_; }

 protected:
  void refresh() override;
  QString figure_name() const override { return QStringLiteral("layer_curves"); }
  QString figure_title() const override;

 private:
  int clipped_steps_ = 0;
};

}  // namespace tdq::views
