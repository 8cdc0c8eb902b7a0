// The robustness matrix as the workbench sees it (issue 18, docs/robustness.md). Every damaged run
// folder of tests/support/robustness_rows.h goes to File > Open (MainWindow::open_run, which the
// menu, a drop, the command line and the recent runs all call); damaged settings files go to the
// real tdq-workbench binary. A run that does not open must give one line in the status bar naming
// what is wrong and open nothing; a damaged settings file must not keep the workbench from
// starting. The two "workbench" tables of docs/robustness.md are what this test saw.
// LibTorch first: Qt defines `slots` as a macro.
#include "tests/support/robustness_rows.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStatusBar>
#include <QTemporaryDir>

#include "gui_test.h"
#include "views/main_window.h"
#include "views/run_documents.h"

namespace tdq::views {
namespace {

namespace fs = std::filesystem;

const fs::path kDoc = fs::path(TDQ_SOURCE_DIR) / "docs" / "robustness.md";

class RobustnessMatrixGui : public testing::GuiTest {};

QString qstr(const fs::path& p) { return QString::fromStdString(p.string()); }

TEST_F(RobustnessMatrixGui, EveryDamagedRunGivesOneLineInTheStatusBarAndTheDocSaysSo) {
  const test::TempDir& valid = test::pristine();
  std::vector<std::string> table;
  for (const test::Row& row : test::rows()) {
    const std::string folder = test::workbench_folder(row);
    if (folder.empty()) continue;
    const test::TempDir copy;
    fs::copy(valid.path(), copy.path(), fs::copy_options::recursive);
    if (row.damage) row.damage(copy.path());
    MainWindow window;
    const bool opened = window.open_run(qstr(copy / folder), /*remember=*/false);
    const std::string raw = window.statusBar()->currentMessage().toStdString();
    // A quantize run names its model by the absolute folder it was made with: the pristine one.
    const std::string message =
        test::normalized(test::normalized(raw, copy.path().string()), valid.path().string());
    SCOPED_TRACE(row.input + " / " + row.fault + ": " + raw);
    EXPECT_EQ(message.find('\n'), std::string::npos);
    std::string outcome = "`" + test::table_cell(message) + "`";
    if (opened) {
      // The workbench only displays a run: what it does not read (another model's hash, the
      // point statistics of a FID run) cannot stop it. What it shows must then be a run.
      outcome = "opens: " + outcome;
      EXPECT_TRUE(window.documents()->count() == 1 || folder == "fid");
    } else {
      EXPECT_EQ(window.documents()->count(), 0);
      EXPECT_NE(message.find(row.names), std::string::npos) << "does not name " << row.names;
    }
    table.push_back("| " + row.input + " | " + row.fault + " | " + outcome + " |");
  }
  EXPECT_EQ(test::check_doc_table(kDoc, "workbench",
                                  "| input | fault | File > Open |\n|---|---|---|", table),
            "");
}

// Settings files as a user, another version or a full disk leaves them. The workbench is started
// for real (its main() reads the settings) with a screenshot, so that it exits by itself.
TEST_F(RobustnessMatrixGui, DamagedSettingsFilesNeverKeepTheWorkbenchFromStarting) {
  // NUL and other control bytes; the length comes from the literal (the sanitizer build once
  // caught a hand-counted one reading past it).
  static constexpr char kGarbage[] = "\x00\xff\x13[General\n\x01=\x02\n";
  const QString program = qEnvironmentVariable("TDQ_BIN_DIR") + QStringLiteral("/tdq-workbench");
  if (!QFileInfo(program).isExecutable()) GTEST_SKIP() << "tdq-workbench not built";
  const struct {
    const char* fault;
    QByteArray content;
    bool message;         // whether the user is told
    bool folder = false;  // a folder where the file belongs: cannot be read (QSettings'
                          // AccessError; chmod would not do, since root reads any file)
  } faults[] = {
      {"empty", "", false},
      {"binary garbage", QByteArray(kGarbage, sizeof kGarbage - 1), false},
      {"malformed (unclosed section)", "[mainWindow\nstate=7\n", true},
      {"unknown language", "[General]\nlanguage=tlh\n", true},
      {"wrong types (window layout, recent runs)",
       "[General]\nrecentRuns=5\n[mainWindow]\ngeometry=@ByteArray(garbage)\nstate=7\n", false},
      {"unreadable (a folder in its place)", "", true, true},
  };
  std::vector<std::string> table;
  for (const auto& fault : faults) {
    QTemporaryDir config;
    ASSERT_TRUE(config.isValid());
    const QString file = config.filePath(QStringLiteral("TDQ/TDQ Workbench.conf"));
    QDir().mkpath(QFileInfo(file).absolutePath());
    if (fault.folder) {
      ASSERT_TRUE(QDir().mkpath(file));
    } else {
      QFile out(file);
      ASSERT_TRUE(out.open(QIODevice::WriteOnly));
      out.write(fault.content);
      out.close();
    }
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), config.path());
    process.setProcessEnvironment(environment);
    process.start(program,
                  {QStringLiteral("--screenshot"), config.filePath(QStringLiteral("s.png"))});
    ASSERT_TRUE(process.waitForFinished(60000)) << fault.fault;
    // Qt's own notes (the offscreen platform's, XDG_RUNTIME_DIR) are not the workbench's.
    std::string err;
    for (const QString& line : QString::fromLocal8Bit(process.readAllStandardError()).split('\n')) {
      if (line.startsWith(QStringLiteral("tdq-workbench"))) err += line.toStdString() + "\n";
    }
    SCOPED_TRACE(std::string(fault.fault) + ": " + err);
    EXPECT_EQ(process.exitStatus(), QProcess::NormalExit);
    EXPECT_EQ(process.exitCode(), 0);
    EXPECT_TRUE(QFileInfo::exists(config.filePath(QStringLiteral("s.png"))));
    if (fault.message) {
      EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1);
      EXPECT_NE(err.find("TDQ Workbench.conf"), std::string::npos);
    } else {
      EXPECT_EQ(err, "");
    }
    err = test::normalized(err, config.path().toStdString());
    table.push_back("| settings file | " + std::string(fault.fault) + " | exit " +
                    std::to_string(process.exitCode()) + ", " +
                    (err.empty() ? std::string("no message") : "`" + test::table_cell(err) + "`") +
                    " |");
  }
  EXPECT_EQ(test::check_doc_table(kDoc, "settings",
                                  "| input | fault | `tdq-workbench` |\n|---|---|---|", table),
            "");
}

}  // namespace
}  // namespace tdq::views
