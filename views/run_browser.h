#pragma once

#include <QWidget>

class QLabel;
class QListWidget;

namespace tdq::views {

class Selection;

// Open runs (click to make one current) above the recent runs (double-click to open one).
class RunBrowser : public QWidget {
  Q_OBJECT

 public:
  explicit RunBrowser(Selection* selection, QWidget* parent = nullptr);

  QListWidget* open_runs() const { return open_; }
  QListWidget* recent() const { return recent_; }
  // Re-reads the recent runs from the settings.
  void update_recent();

 signals:
  void open_requested(const QString& folder);

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void update_open();
  void retranslate();

  Selection* selection_;
  QLabel* open_label_;
  QLabel* recent_label_;
  QListWidget* open_;
  QListWidget* recent_;
};

}  // namespace tdq::views
