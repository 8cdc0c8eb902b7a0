#include "views/command_line.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QFileInfo>

#include "core/common/version.h"
#include "views/translator.h"

namespace tdq::views {

CommandLine CommandLine::parse(const QStringList& arguments) {
  QCommandLineParser parser;
  parser.setApplicationDescription(
      tr("TDQ Workbench: study low-bit quantization of diffusion models."));
  const QCommandLineOption help = parser.addHelpOption();
  const QCommandLineOption version = parser.addVersionOption();
  const QCommandLineOption lang(
      QStringLiteral("lang"),
      tr("User interface language: %1. Default: the one chosen last, else the system's.")
          .arg(available_languages().join(QStringLiteral(", "))),
      tr("language"));
  parser.addOption(lang);
  QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                QStringLiteral("Save the main window as an image and quit."),
                                QStringLiteral("file"));
  screenshot.setFlags(QCommandLineOption::HiddenFromHelp);
  parser.addOption(screenshot);
  const QCommandLineOption export_report(
      QStringLiteral("export-report"),
      tr("Write every figure and table of the run folder into --out, without a window, and exit."),
      tr("run"));
  parser.addOption(export_report);
  const QCommandLineOption out(QStringLiteral("out"), tr("Report folder for --export-report."),
                               tr("folder"));
  parser.addOption(out);
  parser.addPositionalArgument(QStringLiteral("runs"), tr("Run folders to add to the recent runs."),
                               tr("[run folder...]"));

  CommandLine result;
  const QString program =
      arguments.isEmpty() ? QStringLiteral("tdq-workbench") : QFileInfo(arguments[0]).fileName();
  const auto fail = [&](const QString& error) {
    result.action = Action::kError;
    result.message =
        QStringLiteral("%1: %2\n%3\n")
            .arg(program, error, tr("Try '%1 --help' for more information.").arg(program));
    return result;
  };
  // QCommandLineParser goes on past an unknown option, so --lang is known, and the help or the
  // error can be given in that language, whatever else the command line holds.
  const bool parsed = parser.parse(arguments);
  result.language_given = parser.isSet(lang);
  result.language = parser.value(lang);
  if (!parsed) return fail(parser.errorText());
  if (parser.isSet(help)) {
    result.action = Action::kHelp;
    result.message = parser.helpText();
    return result;
  }
  if (parser.isSet(version)) {
    result.action = Action::kVersion;
    result.message = version_text() + QLatin1Char('\n');
    return result;
  }
  if (result.language_given && !available_languages().contains(result.language)) {
    return fail(tr("Unknown language '%1'; expected one of: %2.")
                    .arg(result.language, available_languages().join(QStringLiteral(", "))));
  }
  result.screenshot = parser.value(screenshot);
  result.export_report = parser.value(export_report);
  result.out = parser.value(out);
  if (parser.isSet(export_report) != parser.isSet(out)) {
    return fail(tr("--export-report and --out go together."));
  }
  result.run_folders = parser.positionalArguments();
  return result;
}

bool CommandLine::wants_export(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const QByteArray argument(argv[i]);
    if (argument == "--export-report" || argument.startsWith("--export-report=")) return true;
  }
  return false;
}

QString CommandLine::version_text() {
  const VersionInfo info = version_info();
  return tr("TDQ Workbench %1 (Qt %2, LibTorch %3, OpenCV %4, CUDA available: %5)")
      .arg(QString::fromStdString(info.tdq), QString::fromLatin1(qVersion()),
           QString::fromStdString(info.libtorch), QString::fromStdString(info.opencv),
           info.cuda_available ? tr("yes") : tr("no"));
}

}  // namespace tdq::views
