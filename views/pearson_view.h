#pragma once

#include "views/plot_view.h"

class QCPItemText;

namespace tdq::views {

// Histogram of Pearson r (t vs per-step max-min) over the quantizer inputs, with the |r| > 0.5 and
// > 0.7 fractions of this run next to the paper's (62.1% / 38.8%, docs/method.md section 9). The
// selected layer's r is marked.
class PearsonView : public PlotView {
  Q_OBJECT

 public:
  explicit PearsonView(Selection* selection, QWidget* parent = nullptr);

  QString summary_text() const;

 protected:
  void refresh() override;
  QString figure_name() const override { return QStringLiteral("pearson_histogram"); }
  QString figure_title() const override;
};

}  // namespace tdq::views
