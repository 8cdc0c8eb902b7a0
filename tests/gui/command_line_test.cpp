#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>

#include "core/common/version.h"
#include "gui_test.h"
#include "views/command_line.h"

namespace tdq::views {
namespace {

using CommandLineTest = testing::GuiTest;
using Action = CommandLine::Action;

CommandLine parse(QStringList arguments) {
  arguments.prepend(QStringLiteral("/usr/bin/tdq-workbench"));
  return CommandLine::parse(arguments);
}

TEST_F(CommandLineTest, TakesRunFoldersAndLanguage) {
  const CommandLine command_line = parse({QStringLiteral("--lang"), QStringLiteral("zh_CN"),
                                          QStringLiteral("runs/a"), QStringLiteral("runs/b")});
  EXPECT_EQ(command_line.action, Action::kRun);
  EXPECT_EQ(command_line.exit_code(), 0);
  EXPECT_TRUE(command_line.language_given);
  EXPECT_EQ(command_line.language, QStringLiteral("zh_CN"));
  EXPECT_EQ(command_line.run_folders,
            (QStringList{QStringLiteral("runs/a"), QStringLiteral("runs/b")}));
}

TEST_F(CommandLineTest, NothingGivenMeansRunWithDefaults) {
  const CommandLine command_line = parse({});
  EXPECT_EQ(command_line.action, Action::kRun);
  EXPECT_FALSE(command_line.language_given);
  EXPECT_TRUE(command_line.run_folders.isEmpty());
  EXPECT_TRUE(command_line.screenshot.isEmpty());
}

TEST_F(CommandLineTest, UnknownOptionIsAnErrorWithExitCode2) {
  const CommandLine command_line = parse({QStringLiteral("--frobnicate")});
  EXPECT_EQ(command_line.action, Action::kError);
  EXPECT_EQ(command_line.exit_code(), 2);
  EXPECT_TRUE(command_line.message.contains(QStringLiteral("frobnicate")));
  EXPECT_TRUE(command_line.message.contains(QStringLiteral("tdq-workbench --help")));
}

TEST_F(CommandLineTest, UnknownLanguageIsAnError) {
  const CommandLine command_line = parse({QStringLiteral("--lang"), QStringLiteral("fr")});
  EXPECT_EQ(command_line.exit_code(), 2);
  EXPECT_TRUE(command_line.message.contains(QStringLiteral("zh_CN")));
}

// main() installs the language before it builds the help or the error text a second time.
TEST_F(CommandLineTest, LanguageIsReadAlongsideHelpAndErrors) {
  for (const QString& other : {QStringLiteral("--help"), QStringLiteral("--no-such-option")}) {
    const CommandLine command_line =
        parse({QStringLiteral("--lang"), QStringLiteral("zh_CN"), other});
    EXPECT_NE(command_line.action, Action::kRun) << other.toStdString();
    EXPECT_TRUE(command_line.language_given) << other.toStdString();
    EXPECT_EQ(command_line.language, QStringLiteral("zh_CN")) << other.toStdString();
  }
}

TEST_F(CommandLineTest, HelpListsTheOptionsButNotTheHiddenOne) {
  const CommandLine command_line = parse({QStringLiteral("--help")});
  EXPECT_EQ(command_line.action, Action::kHelp);
  EXPECT_EQ(command_line.exit_code(), 0);
  EXPECT_TRUE(command_line.message.contains(QStringLiteral("--lang")));
  EXPECT_TRUE(command_line.message.contains(QStringLiteral("--version")));
  EXPECT_FALSE(command_line.message.contains(QStringLiteral("--screenshot")));
}

TEST_F(CommandLineTest, HelpIsTranslated) {
  ASSERT_TRUE(install_translation(QStringLiteral("zh_CN")));
  const CommandLine command_line = parse({QStringLiteral("--help")});
  EXPECT_TRUE(command_line.message.contains(QStringLiteral("语言")))
      << command_line.message.toStdString();
}

TEST_F(CommandLineTest, VersionNamesTheLibraries) {
  const CommandLine command_line = parse({QStringLiteral("--version")});
  EXPECT_EQ(command_line.action, Action::kVersion);
  EXPECT_TRUE(command_line.message.contains(QString::fromStdString(version_info().tdq)));
  EXPECT_TRUE(command_line.message.contains(QString::fromStdString(version_info().libtorch)));
}

// The exit codes as a shell sees them; test_gui does not depend on the workbench target, so a
// build of test_gui alone skips this.
TEST_F(CommandLineTest, WorkbenchBinaryExitCodes) {
  const QString bin_dir = qEnvironmentVariable("TDQ_BIN_DIR");
  const QString program = bin_dir + QStringLiteral("/tdq-workbench");
  if (bin_dir.isEmpty() || !QFileInfo(program).isExecutable()) {
    GTEST_SKIP() << "tdq-workbench not built next to test_gui";
  }
  QTemporaryDir config;  // keeps the user's settings out of it
  ASSERT_TRUE(config.isValid());
  const auto run = [&](const QStringList& arguments, QByteArray* out) {
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), config.path());
    process.setProcessEnvironment(environment);
    process.start(program, arguments);
    EXPECT_TRUE(process.waitForFinished(30000));
    *out = process.readAllStandardOutput() + process.readAllStandardError();
    return process.exitCode();
  };
  QByteArray out;
  EXPECT_EQ(run({QStringLiteral("--version")}, &out), 0);
  EXPECT_TRUE(out.contains(version_info().libtorch.c_str())) << out.toStdString();
  EXPECT_EQ(run({QStringLiteral("--no-such-option")}, &out), 2);
  EXPECT_TRUE(out.contains("no-such-option")) << out.toStdString();
  EXPECT_EQ(run({QStringLiteral("--lang"), QStringLiteral("xx")}, &out), 2);
  EXPECT_EQ(run({QStringLiteral("--help")}, &out), 0);
  EXPECT_TRUE(out.contains("--lang")) << out.toStdString();
}

}  // namespace
}  // namespace tdq::views
