#pragma once
// The main window's central page before a run is open: what the workbench is for and its
// shortcuts, in the current language.
#include <QLabel>

namespace tdq::views {

class WelcomePage : public QLabel {
 public:
  explicit WelcomePage(QWidget* parent = nullptr);

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void retranslate();
};

}  // namespace tdq::views
