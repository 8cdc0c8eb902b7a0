#pragma once
// How the Compare view draws a comparison of two runs (core/record/run_comparison.h): the values
// as the core computed them; only axis ranges and colours are chosen here.
#include <QString>

class QCPColorMap;
class QCPColorScale;
class QCustomPlot;

namespace tdq {
struct RunComparison;
}

namespace tdq::views {

struct ComparePlotLabels {
  QString a_axis, b_axis;  // "A: <run>, <error>"
  bool log_axes = true;    // MSE on log axes, SQNR (dB) on linear ones
  bool lower_is_better = true;
};

// A's error (x) against B's (y) per paired layer, the diagonal A = B, the selected pair ringed
// (-1: none). Clears the plot when `comparison` is null.
void draw_comparison_scatter(QCustomPlot* plot, const RunComparison* comparison,
                             const ComparePlotLabels& labels, int selected_pair);

// B's gain over A per paired layer (rows, A's order) and step, colours centred on 0 dB; the
// selected pair (and step, -1: the whole row) framed.
void draw_gain_heatmap(QCustomPlot* plot, QCPColorMap* map, QCPColorScale* scale,
                       const RunComparison* comparison, int selected_pair, int selected_step);

}  // namespace tdq::views
