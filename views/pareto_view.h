#pragma once
// A bit-search run (`tdq search-bits`): the predicted error of the best mix at every mean bit
// width (the Pareto front of the weight or the input search), the searched budget, and the
// validated configs (searched, uniform bits, random mixes) at their measured error. The view only
// draws the core's BitSearchRun (core/sensitivity/sensitivity_run.h); it computes nothing.
#include <QList>
#include <QString>

#include <memory>

#include "views/plot_view.h"

class QComboBox;
class QCPGraph;

namespace tdq {
struct BitSearchRun;
}

namespace tdq::views {

class ParetoView : public PlotView {
  Q_OBJECT

 public:
  explicit ParetoView(Selection* selection, QWidget* parent = nullptr);
  ~ParetoView() override;

  // Reads and shows the run (replacing the one shown); false, showing nothing new, and one line
  // in `error` for a folder that is no complete bit-search run.
  bool open_run(const QString& folder, QString* error);
  const BitSearchRun* run() const { return run_.get(); }
  QString folder() const { return folder_; }

  QComboBox* front_box() const { return front_; }
  QComboBox* scale_box() const { return scale_; }
  QCPGraph* front_graph() const { return front_graph_; }
  QCPGraph* measured_graph() const { return measured_graph_; }

  // The plot, once a run is shown.
  QList<Figure> figures() override;

 protected:
  void refresh() override;
  QString figure_name() const override;
  QString figure_title() const override;
  void changeEvent(QEvent* event) override;

 private:
  void fill_fronts();
  bool weights() const;  // the front shown is the weight search's

  std::unique_ptr<const BitSearchRun> run_;
  QString folder_;
  QComboBox* front_;
  QComboBox* scale_;
  QCPGraph* front_graph_;
  QCPGraph* measured_graph_;
};

}  // namespace tdq::views
