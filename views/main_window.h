#pragma once

#include <QList>
#include <QMainWindow>
#include <QString>

class QAction;
class QActionGroup;
class QLabel;
class QMenu;

namespace tdq::views {

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);

  // Records `folder` as the most recent run. Returns false, and records nothing, when it is not a
  // folder.
  bool open_run(const QString& folder);

  // Empty here; the dock widgets of later views add their toggle actions to it.
  QMenu* docks_menu() const { return docks_menu_; }

 protected:
  void changeEvent(QEvent* event) override;
  void closeEvent(QCloseEvent* event) override;

 private:
  void create_menus();
  void create_welcome_page();
  void retranslate();
  void update_recent_runs_menu();
  void choose_run_folder();
  void set_language(const QString& language);
  void show_about();

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
