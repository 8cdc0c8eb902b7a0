#include "views/main_window.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeySequence>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>

#include <filesystem>

#include "views/about_dialog.h"
#include "views/clean_temporaries_dialog.h"
#include "views/experiment_panel.h"
#include "views/fid_runs_model.h"
#include "views/fid_view.h"
#include "views/job_docks.h"
#include "views/layer_bits_experiment.h"
#include "views/layer_table_model.h"
#include "views/layer_table_view.h"
#include "views/recent_runs.h"
#include "views/report_writer.h"
#include "views/run_browser.h"
#include "views/run_documents.h"
#include "views/translator.h"
#include "views/welcome_page.h"

namespace tdq::views {
namespace {

constexpr QLatin1String kGeometryKey("mainWindow/geometry");
constexpr QLatin1String kStateKey("mainWindow/state");

}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      documents_(new RunDocuments(this)),
      selection_(new Selection(documents_, this)) {
  // saveState() identifies the window, and later its docks and toolbars, by object name.
  setObjectName(QStringLiteral("MainWindow"));
  setAcceptDrops(true);
  welcome_ = new WelcomePage(this);
  setCentralWidget(welcome_);
  create_menus();
  run_views_ = add_run_view_docks(*this, docks_menu_, selection_,
                                  [this](FigureSource* source) { add_figure_source(source); });
  connect(run_views_.browser, &RunBrowser::open_requested, this,
          [this](const QString& folder) { open_run(folder); });
  connect(run_views_.table, &LayerTableView::start_experiment_requested, this,
          &MainWindow::start_experiment_with_layer_bits);
  connect(run_views_.table->model(), &LayerTableModel::edit_rejected, this,
          [this](const QString& reason) { statusBar()->showMessage(reason); });
  job_docks_ = add_job_docks({this, docks_menu_, selection_,
                              [this](FigureSource* source) { add_figure_source(source); },
                              [this](const QString& run) { open_run(run); }});
  sensitivity_docks_ = add_sensitivity_docks(
      *this, docks_menu_, selection_, [this](FigureSource* source) { add_figure_source(source); });
  statusBar();
  retranslate();
  resize(1400, 900);
  QSettings settings;
  restoreGeometry(settings.value(kGeometryKey).toByteArray());
  restore_layout();
  // The welcome page gives its room to the docks once there is a run to show.
  connect(selection_, &Selection::run_changed, this, [this](int run) {
    welcome_->setVisible(run < 0);
    export_report_action_->setEnabled(run >= 0);
  });
}

bool MainWindow::open_run(const QString& folder, bool remember) {
  QString error;
  const QString kind = run_kind(folder, &error);
  if (kind == QLatin1String("fid")) {
    if (!open_fid_run(folder, &error)) {
      statusBar()->showMessage(error);
      return false;
    }
    if (remember) remember_run(folder);
    show_opened(tr("FID run: %1").arg(QDir::toNativeSeparators(folder)), folder);
    return true;
  }
  if (is_sensitivity_kind(kind)) {
    if (!show_sensitivity_run(*this, sensitivity_docks_, kind, folder, &error)) {
      statusBar()->showMessage(error);
      return false;
    }
    if (remember) remember_run(folder);
    show_opened(tr("%1 run: %2").arg(kind, QDir::toNativeSeparators(folder)), folder);
    return true;
  }
  const int index = kind.isEmpty() ? -1 : documents_->open(folder, &error);
  if (index < 0) {
    statusBar()->showMessage(error);
    return false;
  }
  if (remember) remember_run(folder);
  selection_->set_run(index);
  // Start where time dependence shows: the layer the run ranks first by |r|.
  const RunData* run = documents_->run(index);
  if (run->most_time_dependent >= 0) selection_->set_layer(run->most_time_dependent);
  show_opened(tr("Run folder: %1").arg(QDir::toNativeSeparators(run->folder)), run->folder);
  return true;
}

void MainWindow::show_opened(const QString& message, const QString& folder) {
  const QString note = stale_temporaries_note(folder);
  statusBar()->showMessage(note.isEmpty() ? message : message + QStringLiteral("; ") + note);
}

QDialog* MainWindow::clean_stale_temporaries(const QString& folder) {
  auto* dialog = new CleanTemporariesDialog(folder, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &CleanTemporariesDialog::cleaned, this,
          [this](const QString& message) { statusBar()->showMessage(message); });
  dialog->open();
  return dialog;
}

void MainWindow::choose_folder_to_clean() {
  // Runs are written side by side: start in the folder that holds the current run.
  const RunData* run = selection_->current_run();
  const QString start =
      run != nullptr ? QFileInfo(run->folder).absolutePath() : job_docks_.experiment->runs_dir();
  const QString folder =
      QFileDialog::getExistingDirectory(this, tr("Clean Stale Temporaries In Folder"), start);
  if (!folder.isEmpty()) clean_stale_temporaries(folder);
}

bool MainWindow::start_experiment_with_layer_bits() {
  QString error;
  if (!views::start_experiment_with_layer_bits(
          selection_->current_run(), *run_views_.table->model(), *job_docks_.experiment, &error)) {
    statusBar()->showMessage(error);
    return false;
  }
  if (auto* dock = findChild<QDockWidget*>(QStringLiteral("ExperimentDock"))) {
    dock->show();
    dock->raise();
  }
  statusBar()->showMessage(job_docks_.experiment->status_text());
  return true;
}

bool MainWindow::open_fid_run(const QString& folder, QString* error) {
  FidView* fid = job_docks_.fid;
  if (fid == nullptr) return false;
  const QString absolute = QDir::cleanPath(QFileInfo(folder).absoluteFilePath());
  bool listed = false;
  for (const FidRunSummary& run : fid->model()->runs()) {
    listed = listed ||
             QDir::cleanPath(QString::fromStdString(std::filesystem::absolute(run.run).string())) ==
                 absolute;
  }
  if (!listed && !fid->add_run(folder)) {
    *error = fid->status_text();
    return false;
  }
  if (auto* dock = findChild<QDockWidget*>(QStringLiteral("FidRunsDock"))) {
    dock->show();
    dock->raise();
  }
  return true;
}

void MainWindow::remember_run(const QString& folder) {
  add_recent_run(folder);
  update_recent_runs_menu();
  run_views_.browser->update_recent();
}

void MainWindow::add_dock(QDockWidget* dock, Qt::DockWidgetArea area) {
  addDockWidget(area, dock);
  docks_menu_->addAction(dock->toggleViewAction());
}

void MainWindow::add_figure_source(FigureSource* source) { figure_sources_.append(source); }

bool MainWindow::export_report(const QString& folder, QString* error) {
  const RunData* run = selection_->current_run();
  if (run == nullptr) {
    *error = tr("No run is open.");
    return false;
  }
  return write_report(*run, figure_sources_, folder, error);
}

void MainWindow::restore_layout() { restoreState(QSettings().value(kStateKey).toByteArray()); }

void MainWindow::choose_report_folder() {
  const QString folder =
      QFileDialog::getExistingDirectory(this, tr("Export Report Into Folder"), QDir::currentPath());
  if (folder.isEmpty()) return;
  QString error;
  if (export_report(folder, &error)) {
    statusBar()->showMessage(tr("Report written to %1").arg(QDir::toNativeSeparators(folder)));
  } else {
    statusBar()->showMessage(error);
  }
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  for (const QUrl& url : event->mimeData()->urls()) {
    if (url.isLocalFile() && QFileInfo(url.toLocalFile()).isDir()) {
      event->acceptProposedAction();
      return;
    }
  }
}

void MainWindow::dropEvent(QDropEvent* event) {
  for (const QUrl& url : event->mimeData()->urls()) {
    if (url.isLocalFile()) open_run(url.toLocalFile());
  }
  event->acceptProposedAction();
}

void MainWindow::changeEvent(QEvent* event) {
  if (event->type() == QEvent::LanguageChange) retranslate();
  QMainWindow::changeEvent(event);
}

void MainWindow::closeEvent(QCloseEvent* event) {
  QSettings settings;
  settings.setValue(kGeometryKey, saveGeometry());
  settings.setValue(kStateKey, saveState());
  QMainWindow::closeEvent(event);
}

void MainWindow::create_menus() {
  file_menu_ = menuBar()->addMenu(QString());
  file_menu_->setObjectName(QStringLiteral("menuFile"));
  open_run_action_ = file_menu_->addAction(QString());
  open_run_action_->setObjectName(QStringLiteral("actionOpenRun"));
  open_run_action_->setShortcut(QKeySequence::Open);
  connect(open_run_action_, &QAction::triggered, this, &MainWindow::choose_run_folder);
  recent_runs_menu_ = file_menu_->addMenu(QString());
  recent_runs_menu_->setObjectName(QStringLiteral("menuRecentRuns"));
  for (int i = 0; i < kMaxRecentRuns; ++i) {
    QAction* action = recent_runs_menu_->addAction(QString());
    connect(action, &QAction::triggered, this,
            [this, action] { open_run(action->data().toString()); });
    recent_run_actions_.append(action);
  }
  recent_runs_separator_ = recent_runs_menu_->addSeparator();
  clear_recent_runs_action_ = recent_runs_menu_->addAction(QString());
  clear_recent_runs_action_->setObjectName(QStringLiteral("actionClearRecentRuns"));
  connect(clear_recent_runs_action_, &QAction::triggered, this, [this] {
    clear_recent_runs();
    update_recent_runs_menu();
  });
  // Another window, or a later session, may have changed the list since the last update.
  connect(recent_runs_menu_, &QMenu::aboutToShow, this, &MainWindow::update_recent_runs_menu);
  export_report_action_ = file_menu_->addAction(QString());
  export_report_action_->setObjectName(QStringLiteral("actionExportReport"));
  export_report_action_->setEnabled(false);
  connect(export_report_action_, &QAction::triggered, this, &MainWindow::choose_report_folder);
  clean_action_ = file_menu_->addAction(QString());
  clean_action_->setObjectName(QStringLiteral("actionCleanStaleTemporaries"));
  connect(clean_action_, &QAction::triggered, this, &MainWindow::choose_folder_to_clean);
  file_menu_->addSeparator();
  quit_action_ = file_menu_->addAction(QString());
  quit_action_->setObjectName(QStringLiteral("actionQuit"));
  quit_action_->setShortcut(QKeySequence::Quit);
  connect(quit_action_, &QAction::triggered, qApp, &QApplication::closeAllWindows);

  view_menu_ = menuBar()->addMenu(QString());
  view_menu_->setObjectName(QStringLiteral("menuView"));
  docks_menu_ = view_menu_->addMenu(QString());
  docks_menu_->setObjectName(QStringLiteral("menuDocks"));

  language_menu_ = menuBar()->addMenu(QString());
  language_menu_->setObjectName(QStringLiteral("menuLanguage"));
  language_group_ = new QActionGroup(this);
  const auto add_language = [this](const QString& code, const QString& name) {
    QAction* action = language_menu_->addAction(name);
    action->setObjectName(QStringLiteral("actionLanguage_") +
                          (code.isEmpty() ? QStringLiteral("system") : code));
    action->setData(code);
    action->setCheckable(true);
    language_group_->addAction(action);
    return action;
  };
  system_language_action_ = add_language(QString(), QString());
  language_menu_->addSeparator();
  // Each language is named in itself, untranslated, so that a reader of that language finds it
  // whatever the current one is.
  add_language(QStringLiteral("en"), QStringLiteral("English"));
  add_language(QStringLiteral("zh_CN"), QStringLiteral("简体中文"));
  connect(language_group_, &QActionGroup::triggered, this,
          [this](QAction* action) { set_language(action->data().toString()); });

  help_menu_ = menuBar()->addMenu(QString());
  help_menu_->setObjectName(QStringLiteral("menuHelp"));
  about_action_ = help_menu_->addAction(QString());
  about_action_->setObjectName(QStringLiteral("actionAbout"));
  about_action_->setMenuRole(QAction::AboutRole);
  connect(about_action_, &QAction::triggered, this, &MainWindow::show_about);
  about_qt_action_ = help_menu_->addAction(QString());
  about_qt_action_->setObjectName(QStringLiteral("actionAboutQt"));
  about_qt_action_->setMenuRole(QAction::AboutQtRole);
  connect(about_qt_action_, &QAction::triggered, qApp, &QApplication::aboutQt);
}

void MainWindow::retranslate() {
  setWindowTitle(tr("TDQ Workbench"));
  file_menu_->setTitle(tr("&File"));
  open_run_action_->setText(tr("&Open Run..."));
  open_run_action_->setStatusTip(tr("Choose a run folder written by the tdq command line tool"));
  recent_runs_menu_->setTitle(tr("&Recent Runs"));
  clear_recent_runs_action_->setText(tr("&Clear List"));
  export_report_action_->setText(tr("&Export Report..."));
  export_report_action_->setStatusTip(
      tr("Write every figure (PNG, SVG, PDF) and table of the current run into a folder"));
  clean_action_->setText(tr("&Clean Stale Temporaries..."));
  clean_action_->setStatusTip(
      tr("List and remove the leftovers of runs stopped by a kill or a crash, as tdq clean does"));
  quit_action_->setText(tr("&Quit"));
  view_menu_->setTitle(tr("&View"));
  docks_menu_->setTitle(tr("&Docks"));
  language_menu_->setTitle(tr("&Language"));
  system_language_action_->setText(tr("&System"));
  help_menu_->setTitle(tr("&Help"));
  about_action_->setText(tr("&About TDQ Workbench"));
  about_qt_action_->setText(tr("About &Qt"));

  // A language installed from outside the menu (the command line) still shows as checked.
  for (QAction* action : language_group_->actions()) {
    if (action->data().toString() == current_language()) action->setChecked(true);
  }
  update_recent_runs_menu();
}

void MainWindow::update_recent_runs_menu() {
  const QStringList runs = recent_runs();
  for (int i = 0; i < recent_run_actions_.size(); ++i) {
    QAction* action = recent_run_actions_[i];
    action->setVisible(i < runs.size());
    if (i >= runs.size()) continue;
    // A '&' in a path would otherwise become a mnemonic; digits 1-9 are the menu's own mnemonics.
    QString label =
        QDir::toNativeSeparators(runs[i]).replace(QLatin1Char('&'), QStringLiteral("&&"));
    if (i < 9) label = QStringLiteral("&%1 %2").arg(i + 1).arg(label);
    action->setText(label);
    action->setData(runs[i]);
  }
  recent_runs_separator_->setVisible(!runs.isEmpty());
  clear_recent_runs_action_->setEnabled(!runs.isEmpty());
}

void MainWindow::choose_run_folder() {
  const QStringList runs = recent_runs();
  // Runs are usually siblings in one runs/ folder, so start next to the latest one.
  const QString start = runs.isEmpty() ? QDir::currentPath() : QFileInfo(runs[0]).absolutePath();
  const QString folder = QFileDialog::getExistingDirectory(this, tr("Open Run Folder"), start);
  if (!folder.isEmpty()) open_run(folder);
}

void MainWindow::set_language(const QString& language) {
  if (!install_translation(language)) {
    statusBar()->showMessage(tr("No translation for %1").arg(language));
    return;
  }
  save_language(language);
}

void MainWindow::show_about() {
  auto* dialog = new AboutDialog(this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->open();
}

}  // namespace tdq::views
