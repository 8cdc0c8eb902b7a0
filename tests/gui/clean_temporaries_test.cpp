// File > Clean Stale Temporaries: the dialog lists what `tdq clean --dry-run` would remove, removes
// it on confirmation and never a finished run; opening a run beside leftovers says so.
#include <QDialog>
#include <QDir>
#include <QFile>
#include <QStatusBar>
#include <QTemporaryDir>

#include "gui_test.h"
#include "tiny_run.h"
#include "views/clean_temporaries_dialog.h"
#include "views/main_window.h"

namespace tdq::views {
namespace {

using CleanTemporaries = testing::GuiTest;

// A finished run, a folder left by a killed run writer and a file left by a killed file writer
// (pid 999999999: above any pid_max, so no such process).
void make_leftovers(const QTemporaryDir& dir) {
  testing::copy_tiny_run(dir.filePath(QStringLiteral("finished")));
  ASSERT_TRUE(QDir(dir.path()).mkdir(QStringLiteral("killed.tmp")));
  QFile file(dir.filePath(QStringLiteral("index.md.tmp.999999999")));
  ASSERT_TRUE(file.open(QIODevice::WriteOnly));
}

TEST_F(CleanTemporaries, ListsThenRemovesOnlyTheLeftovers) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  make_leftovers(dir);
  MainWindow window;
  QDialog* dialog = window.clean_stale_temporaries(dir.path());
  auto* clean = qobject_cast<CleanTemporariesDialog*>(dialog);
  ASSERT_NE(clean, nullptr);
  EXPECT_EQ(clean->listed(),
            (QStringList{QStringLiteral("index.md.tmp.999999999"), QStringLiteral("killed.tmp")}));
  // Listing is a dry run.
  EXPECT_TRUE(QDir(dir.filePath(QStringLiteral("killed.tmp"))).exists());
  clean->accept();
  EXPECT_FALSE(QDir(dir.filePath(QStringLiteral("killed.tmp"))).exists());
  EXPECT_FALSE(QFile::exists(dir.filePath(QStringLiteral("index.md.tmp.999999999"))));
  EXPECT_TRUE(QFile::exists(dir.filePath(QStringLiteral("finished/run.json"))));
  EXPECT_TRUE(window.statusBar()->currentMessage().contains(QStringLiteral("Removed 2")))
      << window.statusBar()->currentMessage().toStdString();
  // Nothing left: the dialog says so.
  CleanTemporariesDialog again(dir.path());
  EXPECT_TRUE(again.listed().isEmpty());
}

TEST_F(CleanTemporaries, OpeningARunBesideLeftoversSaysSoInTheStatusBar) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  make_leftovers(dir);
  MainWindow window;
  ASSERT_TRUE(window.open_run(dir.filePath(QStringLiteral("finished"))));
  const QString message = window.statusBar()->currentMessage();
  EXPECT_TRUE(message.contains(QStringLiteral("2 leftovers of stopped runs")))
      << message.toStdString();
  EXPECT_TRUE(message.contains(QStringLiteral("Clean Stale Temporaries"))) << message.toStdString();
  // Without leftovers, only the run.
  ASSERT_TRUE(window.open_run(testing::tiny_analyze_run()));
  EXPECT_FALSE(window.statusBar()->currentMessage().contains(QStringLiteral("leftover")));
}

}  // namespace
}  // namespace tdq::views
