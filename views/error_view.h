#pragma once

#include "views/plot_view.h"

namespace tdq::views {

// Error of the quantized twin vs FP over the sampling steps (x: time step t, y: log MSE): the
// model output's error in the local mode (step.eps_mse_local: the twin sees the FP x_t, so each
// step's own error) and the trajectory mode (step.eps_mse_trajectory: errors accumulate), and the
// selected layer's input MSE in both modes, with its local SQNR on the right axis.
class ErrorView : public PlotView {
  Q_OBJECT

 public:
  explicit ErrorView(Selection* selection, QWidget* parent = nullptr);

 protected:
  void refresh() override;
  QString figure_name() const override { return QStringLiteral("error_vs_step"); }
  QString figure_title() const override;
};

}  // namespace tdq::views
