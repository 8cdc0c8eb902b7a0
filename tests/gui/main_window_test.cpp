#include <QAction>
#include <QDir>
#include <QDockWidget>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QSettings>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

#include "gui_test.h"
#include "tiny_run.h"
#include "views/fid_view.h"
#include "views/figure_export.h"
#include "views/main_window.h"
#include "views/recent_runs.h"
#include "views/run_documents.h"
#include "views/sample_compare_view.h"

namespace tdq::views {
namespace {

using MainWindowTest = testing::GuiTest;

QStringList menu_titles(const MainWindow& window) {
  QStringList titles;
  for (const QAction* action : window.menuBar()->actions()) titles << action->text();
  return titles;
}

QStringList object_names(const QMenu* menu) {
  QStringList names;
  for (const QAction* action : menu->actions()) {
    if (action->isSeparator()) continue;
    names << (action->menu() ? action->menu()->objectName() : action->objectName());
  }
  return names;
}

template <typename T>
T* child(const QObject& parent, const char* name) {
  T* found = parent.findChild<T*>(QString::fromLatin1(name));
  EXPECT_NE(found, nullptr) << name;
  return found;
}

TEST_F(MainWindowTest, ShowsWithMenusAndWelcomePage) {
  MainWindow window;
  window.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
  EXPECT_EQ(window.windowTitle(), QStringLiteral("TDQ Workbench"));
  EXPECT_EQ(menu_titles(window),
            (QStringList{QStringLiteral("&File"), QStringLiteral("&View"),
                         QStringLiteral("&Language"), QStringLiteral("&Help")}));

  EXPECT_EQ(
      object_names(child<QMenu>(window, "menuFile")),
      (QStringList{QStringLiteral("actionOpenRun"), QStringLiteral("menuRecentRuns"),
                   QStringLiteral("actionExportReport"),
                   QStringLiteral("actionCleanStaleTemporaries"), QStringLiteral("actionQuit")}));
  // Nothing to export until a run is open.
  EXPECT_FALSE(child<QAction>(window, "actionExportReport")->isEnabled());
  EXPECT_EQ(child<QAction>(window, "actionOpenRun")->shortcut(), QKeySequence(QKeySequence::Open));
  EXPECT_EQ(child<QAction>(window, "actionQuit")->shortcut(), QKeySequence(QKeySequence::Quit));
  EXPECT_EQ(object_names(child<QMenu>(window, "menuView")),
            QStringList{QStringLiteral("menuDocks")});
  EXPECT_EQ(window.docks_menu(), child<QMenu>(window, "menuDocks"));
  // One toggle per dock (seven run views with Compare, three job docks, sensitivity and bit
  // search), each named for the saved layout.
  EXPECT_EQ(window.docks_menu()->actions().size(), 12);
  for (const QDockWidget* dock : window.findChildren<QDockWidget*>()) {
    EXPECT_FALSE(dock->objectName().isEmpty());
    EXPECT_FALSE(dock->windowTitle().isEmpty()) << dock->objectName().toStdString();
  }
  EXPECT_EQ(
      object_names(child<QMenu>(window, "menuLanguage")),
      (QStringList{QStringLiteral("actionLanguage_system"), QStringLiteral("actionLanguage_en"),
                   QStringLiteral("actionLanguage_zh_CN")}));
  EXPECT_EQ(object_names(child<QMenu>(window, "menuHelp")),
            (QStringList{QStringLiteral("actionAbout"), QStringLiteral("actionAboutQt")}));

  const auto* welcome = child<QLabel>(window, "welcomePage");
  EXPECT_EQ(window.centralWidget(), welcome);
  EXPECT_TRUE(welcome->text().contains(
      QKeySequence(QKeySequence::Open).toString(QKeySequence::NativeText)));
}

TEST_F(MainWindowTest, OpenRunRecordsRecentRunsInSettings) {
  QTemporaryDir first_parent;
  QTemporaryDir second_parent;
  ASSERT_TRUE(first_parent.isValid() && second_parent.isValid());
  // Only readable runs are recorded, so both are copies of the recorded tiny run.
  const QString first = first_parent.filePath(QStringLiteral("first"));
  const QString second = second_parent.filePath(QStringLiteral("second"));
  testing::copy_tiny_run(first);
  testing::copy_tiny_run(second);
  MainWindow window;
  EXPECT_TRUE(window.open_run(first));
  EXPECT_TRUE(window.open_run(second));
  // Reopening moves a run to the front instead of listing it twice; a trailing '/' or a '..'
  // must not make a second entry either.
  EXPECT_TRUE(window.open_run(first + QStringLiteral("/../") + QDir(first).dirName() +
                              QStringLiteral("/")));

  const QStringList expected = {QDir::cleanPath(first), QDir::cleanPath(second)};
  EXPECT_EQ(QSettings().value(QStringLiteral("recentRuns")).toStringList(), expected);
  EXPECT_TRUE(window.statusBar()->currentMessage().contains(QDir::toNativeSeparators(expected[0])));

  // A new window, as in the next session, lists them too.
  MainWindow next;
  QStringList listed;
  for (const QAction* action : child<QMenu>(next, "menuRecentRuns")->actions()) {
    if (action->isVisible() && !action->isSeparator() && action->data().isValid() &&
        !action->data().toString().isEmpty()) {
      listed << action->data().toString();
    }
  }
  EXPECT_EQ(listed, expected);
  EXPECT_TRUE(child<QAction>(next, "actionClearRecentRuns")->isEnabled());

  child<QAction>(next, "actionClearRecentRuns")->trigger();
  EXPECT_TRUE(recent_runs().isEmpty());
  EXPECT_FALSE(child<QAction>(next, "actionClearRecentRuns")->isEnabled());
}

TEST_F(MainWindowTest, RecentRunsAreCapped) {
  QTemporaryDir root;
  ASSERT_TRUE(root.isValid());
  for (int i = 0; i < kMaxRecentRuns + 3; ++i) add_recent_run(root.filePath(QString::number(i)));
  const QStringList runs = recent_runs();
  ASSERT_EQ(runs.size(), kMaxRecentRuns);
  EXPECT_EQ(runs.constFirst(), root.filePath(QString::number(kMaxRecentRuns + 2)));
}

TEST_F(MainWindowTest, OpenRunRejectsWhatIsNotAFolder) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  MainWindow window;
  EXPECT_FALSE(window.open_run(dir.filePath(QStringLiteral("missing"))));
  EXPECT_TRUE(recent_runs().isEmpty());
  EXPECT_TRUE(window.statusBar()->currentMessage().contains(QStringLiteral("missing")));
  // A folder that is not a run: not recorded, and the status bar says why.
  EXPECT_FALSE(window.open_run(dir.path()));
  EXPECT_TRUE(recent_runs().isEmpty());
  EXPECT_TRUE(window.statusBar()->currentMessage().contains(QStringLiteral("run.json")))
      << window.statusBar()->currentMessage().toStdString();
}

// The job docks (part B) take part in the linked selection and the report.
TEST_F(MainWindowTest, SampleCompareFollowsTheSelectionAndFidJoinsTheReportWhenItHasRuns) {
  MainWindow window;
  auto* samples = window.findChild<SampleCompareView*>();
  auto* fid = window.findChild<FidView*>();
  ASSERT_NE(samples, nullptr);
  ASSERT_NE(fid, nullptr);
  EXPECT_TRUE(samples->fp_image().isNull());
  ASSERT_TRUE(window.open_run(testing::tiny_analyze_run()));
  EXPECT_FALSE(samples->fp_image().isNull()) << samples->status_text().toStdString();
  EXPECT_FALSE(samples->quant_image().isNull());
  const int before = samples->positions();
  window.selection()->set_step(0);
  EXPECT_GT(before, 0);

  auto fid_figures = [&] {
    int count = 0;
    for (FigureSource* source : window.figure_sources()) {
      for (const Figure& figure : source->figures()) count += figure.name == "fid-vs-steps";
    }
    return count;
  };
  EXPECT_EQ(fid_figures(), 0);  // an empty FID dock adds no empty plot to the report
}

TEST_F(MainWindowTest, DockLayoutIsSavedAndRestored) {
  {
    MainWindow window;
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    window.findChild<QDockWidget*>(QStringLiteral("dockPearson"))->hide();
    window.close();
  }
  MainWindow restored;
  restored.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&restored));
  EXPECT_FALSE(restored.findChild<QDockWidget*>(QStringLiteral("dockPearson"))->isVisible());
  EXPECT_TRUE(restored.findChild<QDockWidget*>(QStringLiteral("dockHeatmap"))->isVisible());
}

TEST_F(MainWindowTest, RestoresGeometryFromSettings) {
  {
    MainWindow window;
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    window.resize(1320, 870);  // above the docks' minimum (plots >= 360x240), below the default
    window.close();
  }
  QSettings settings;
  EXPECT_FALSE(settings.value(QStringLiteral("mainWindow/geometry")).toByteArray().isEmpty());
  EXPECT_FALSE(settings.value(QStringLiteral("mainWindow/state")).toByteArray().isEmpty());
  MainWindow restored;
  EXPECT_EQ(restored.size(), QSize(1320, 870));
}

TEST_F(MainWindowTest, LanguageMenuRetranslatesAndRemembersTheChoice) {
  MainWindow window;
  window.show();
  QAction* chinese = child<QAction>(window, "actionLanguage_zh_CN");
  QAction* english = child<QAction>(window, "actionLanguage_en");
  EXPECT_TRUE(english->isChecked());

  chinese->trigger();
  deliver_language_change();
  EXPECT_TRUE(chinese->isChecked());
  EXPECT_EQ(current_language(), QStringLiteral("zh_CN"));
  EXPECT_EQ(saved_language(), QStringLiteral("zh_CN"));
  EXPECT_EQ(menu_titles(window),
            (QStringList{QStringLiteral("文件(&F)"), QStringLiteral("视图(&V)"),
                         QStringLiteral("语言(&L)"), QStringLiteral("帮助(&H)")}));
  EXPECT_EQ(child<QAction>(window, "actionOpenRun")->text(), QStringLiteral("打开运行(&O)..."));
  // Language names stay in their own language.
  EXPECT_EQ(english->text(), QStringLiteral("English"));

  english->trigger();
  deliver_language_change();
  EXPECT_EQ(saved_language(), QStringLiteral("en"));
  EXPECT_EQ(menu_titles(window).constFirst(), QStringLiteral("&File"));
  EXPECT_EQ(window.windowTitle(), QStringLiteral("TDQ Workbench"));
}

}  // namespace
}  // namespace tdq::views
