#pragma once

#include <QCoreApplication>
#include <QString>
#include <QStringList>

namespace tdq::views {

// The workbench's command line. Parsing lives here rather than in main() so that it is tested
// without starting the program, and so that its strings share the views' catalogue.
class CommandLine {
  Q_DECLARE_TR_FUNCTIONS(tdq::views::CommandLine)

 public:
  enum class Action { kRun, kHelp, kVersion, kError };

  Action action = Action::kRun;
  QString language;  // from --lang; empty when not given
  bool language_given = false;
  QStringList run_folders;
  QString screenshot;     // hidden --screenshot FILE, for the documentation
  QString export_report;  // --export-report RUN: write RUN's report headless and exit
  QString out;            // --out DIR for --export-report
  QString message;        // help or version text for stdout, or the error for stderr

  // Exit status for the actions that end the program before the window opens.
  int exit_code() const { return action == Action::kError ? 2 : 0; }

  // `arguments` as QCoreApplication::arguments(), program first. The help text is in the
  // language installed when this runs.
  static CommandLine parse(const QStringList& arguments);
  static QString version_text();
  // True when `arguments` ask for a headless export, checked before QApplication exists so that
  // main() can choose the offscreen platform.
  static bool wants_export(int argc, char** argv);
};

}  // namespace tdq::views
