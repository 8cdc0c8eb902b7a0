#pragma once
// File > Clean Stale Temporaries...: what `tdq clean DIR --dry-run` lists (leftovers of writers
// stopped by a kill or a crash, core/run/stale_temporaries.h), removed when the user confirms, as
// `tdq clean DIR` does. Never a finished run, a live writer's files or a resumable checkpoint.
#include <QDialog>
#include <QString>
#include <QStringList>

class QDialogButtonBox;
class QLabel;
class QListWidget;

namespace tdq::views {

class CleanTemporariesDialog : public QDialog {
  Q_OBJECT

 public:
  // Lists `dir` at once (a dry run; a directory listing, quick).
  CleanTemporariesDialog(const QString& dir, QWidget* parent = nullptr);

  QStringList listed() const { return listed_; }  // entry names, sorted
  // Removes the stale entries, then closes; on a failure it stays open and says which entry.
  void accept() override;

 signals:
  // One line for the status bar after a removal.
  void cleaned(const QString& message);

 private:
  QString dir_;
  QStringList listed_;
  QLabel* text_;
  QListWidget* list_;
  QDialogButtonBox* buttons_;
};

// One line for the status bar when the folder that holds `run_folder` has stale temporaries, empty
// otherwise.
QString stale_temporaries_note(const QString& run_folder);

}  // namespace tdq::views
