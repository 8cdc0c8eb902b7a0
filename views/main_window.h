#pragma once

#include <QList>
#include <QMainWindow>
#include <QString>

#include "views/job_docks.h"
#include "views/run_view_docks.h"
#include "views/sensitivity_docks.h"

class QAction;
class QActionGroup;
class QDialog;
class QDockWidget;
class QLabel;
class QMenu;

namespace tdq::views {

class FigureSource;
class RunDocuments;
class Selection;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);

  // Opens a run folder (File > Open, the command line, a drop and the recent runs all come here):
  // an analyze or quantize run becomes the current run (an analyze run with its most
  // time-dependent layer selected), a FID run joins the FID dock, a sensitivity or bit-search run
  // shows in its dock (views/sensitivity_docks.h). When `remember`, it becomes the
  // most recent run. Returns false, changes nothing and shows one line in the status bar for a
  // folder that is no such run or is damaged.
  bool open_run(const QString& folder, bool remember = true);

  // Adds a dock (it needs a unique objectName for the saved layout) on the right, with its toggle
  // action in the Docks menu. Views of other files add their docks through this.
  void add_dock(QDockWidget* dock, Qt::DockWidgetArea area = Qt::RightDockWidgetArea);
  // Figures of `source` join File > Export report and --export-report, in the order added.
  void add_figure_source(FigureSource* source);
  const QList<FigureSource*>& figure_sources() const { return figure_sources_; }

  // Writes the current run's report (views/report_writer.h) into `folder`.
  bool export_report(const QString& folder, QString* error);
  // Restores the saved dock layout; call after every add_dock(), as docks added later would
  // otherwise be missing from it.
  void restore_layout();
  // Lists the stale temporaries of `folder` in a dialog (File > Clean Stale Temporaries...) that
  // removes them on confirmation. Returns the dialog, open (window-modal), deleted on close.
  QDialog* clean_stale_temporaries(const QString& folder);
  // Hands the layer table's bits to the experiment panel and starts it (the table's "Start
  // experiment with these bits"); false with the reason in the status bar.
  bool start_experiment_with_layer_bits();

  RunDocuments* documents() const { return documents_; }
  Selection* selection() const { return selection_; }
  QMenu* docks_menu() const { return docks_menu_; }
  RunBrowser* run_browser() const { return run_views_.browser; }
  LayerTableView* layer_table() const { return run_views_.table; }
  HeatmapView* heatmap() const { return run_views_.heatmap; }
  LayerCurvesView* layer_curves() const { return run_views_.curves; }
  PearsonView* pearson() const { return run_views_.pearson; }
  ErrorView* error_view() const { return run_views_.errors; }
  CompareView* compare_view() const { return run_views_.compare; }
  const JobDocks& job_docks() const { return job_docks_; }
  const SensitivityDocks& sensitivity_docks() const { return sensitivity_docks_; }

 protected:
  void changeEvent(QEvent* event) override;
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void choose_report_folder();
  void choose_folder_to_clean();
  // The status line after a run opened: `message`, and a note when stale temporaries lie beside it.
  void show_opened(const QString& message, const QString& folder);
  void create_menus();
  void retranslate();
  void update_recent_runs_menu();
  void choose_run_folder();
  bool open_fid_run(const QString& folder, QString* error);
  void remember_run(const QString& folder);
  void set_language(const QString& language);
  void show_about();

  RunDocuments* documents_;
  Selection* selection_;
  QList<FigureSource*> figure_sources_;
  RunViewDocks run_views_;
  JobDocks job_docks_;
  SensitivityDocks sensitivity_docks_;
  QAction* export_report_action_ = nullptr;
  QAction* clean_action_ = nullptr;
  QLabel* welcome_ = nullptr;
  QMenu* file_menu_ = nullptr;
  QMenu* recent_runs_menu_ = nullptr;
  QMenu* view_menu_ = nullptr;
  QMenu* docks_menu_ = nullptr;
  QMenu* language_menu_ = nullptr;
  QMenu* help_menu_ = nullptr;
  QAction* open_run_action_ = nullptr;
  QAction* quit_action_ = nullptr;
  // A fixed set of actions whose text and visibility change, rather than actions created per
  // update: a recent run's own trigger updates the list, and must not delete itself.
  QList<QAction*> recent_run_actions_;
  QAction* recent_runs_separator_ = nullptr;
  QAction* clear_recent_runs_action_ = nullptr;
  QActionGroup* language_group_ = nullptr;
  QAction* system_language_action_ = nullptr;
  QAction* about_action_ = nullptr;
  QAction* about_qt_action_ = nullptr;
};

}  // namespace tdq::views
