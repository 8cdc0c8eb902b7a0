#pragma once
// A dock whose title follows the language (QDockWidget has no retranslate hook of its own), its
// content scrolled so that a tall panel never sets the main window's minimum size. The docks added
// outside MainWindow::create_docks (job and sensitivity views) are made with it.
#include <QDockWidget>
#include <QString>

#include <functional>

namespace tdq::views {

class TitledDock : public QDockWidget {
 public:
  // `name` is the objectName that saveState() keys on.
  TitledDock(const char* name, std::function<QString()> title, QWidget* content, QWidget* parent);

 protected:
  void changeEvent(QEvent* event) override;

 private:
  std::function<QString()> title_;
};

}  // namespace tdq::views
