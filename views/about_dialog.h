#pragma once

#include <QDialog>

namespace tdq::views {

// Program and library versions, selectable so that they can be pasted into bug reports.
class AboutDialog : public QDialog {
  Q_OBJECT

 public:
  explicit AboutDialog(QWidget* parent = nullptr);
};

}  // namespace tdq::views
