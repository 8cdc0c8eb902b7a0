#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QImage>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>

#include <cstdio>

#include "core/common/runtime.h"
#include "views/command_line.h"
#include "views/main_window.h"
#include "views/settings_check.h"
#include "views/translator.h"

namespace {

void print(std::FILE* stream, const QString& text) {
  std::fputs(text.toLocal8Bit().constData(), stream);
}

}  // namespace

int main(int argc, char** argv) {
  // A headless export needs no display; the offscreen platform still renders the plots.
  if (tdq::views::CommandLine::wants_export(argc, argv) &&
      qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
  }
  // The background jobs use every core and OpenBLAS's calling thread, as the CLI's commands do
  // (core/common/blas_threads.h).
  tdq::configure_threads();
  QApplication app(argc, argv);
  // These name the QSettings file that keeps recent runs, language and window layout.
  QApplication::setOrganizationName(QStringLiteral("TDQ"));
  QApplication::setApplicationName(QStringLiteral("TDQ Workbench"));
  QApplication::setApplicationVersion(QStringLiteral(TDQ_VERSION));
  // First of all reads of the settings: see settings_problem().
  const QSettings::Status settings_status = QSettings().status();

  using tdq::views::CommandLine;
  // Parsed twice: the first pass finds --lang, the second builds the help and error texts again
  // in that language.
  CommandLine command_line = CommandLine::parse(QApplication::arguments());
  tdq::views::install_translation(command_line.language_given ? command_line.language
                                                              : tdq::views::saved_language());
  command_line = CommandLine::parse(QApplication::arguments());
  if (command_line.action != CommandLine::Action::kRun) {
    print(command_line.action == CommandLine::Action::kError ? stderr : stdout,
          command_line.message);
    return command_line.exit_code();
  }

  tdq::views::MainWindow window;
  if (const QString problem = tdq::views::settings_problem(settings_status); !problem.isEmpty()) {
    print(stderr, tdq::views::CommandLine::tr("tdq-workbench: %1\n").arg(problem));
    window.statusBar()->showMessage(problem);
  }
  if (!command_line.export_report.isEmpty()) {
    if (!window.open_run(command_line.export_report, /*remember=*/false)) {
      print(stderr, tdq::views::CommandLine::tr("tdq-workbench: cannot export the report: %1\n")
                        .arg(window.statusBar()->currentMessage()));
      return 1;
    }
    QString error;
    if (!window.export_report(command_line.out, &error)) {
      print(stderr, tdq::views::CommandLine::tr("tdq-workbench: %1\n").arg(error));
      return 1;
    }
    print(stdout, tdq::views::CommandLine::tr("Report written to %1\n").arg(command_line.out));
    return 0;
  }
  for (const QString& folder : command_line.run_folders) {
    if (!window.open_run(folder)) {
      print(stderr, window.statusBar()->currentMessage() + QLatin1Char('\n'));
    }
  }
  window.show();

  if (!command_line.screenshot.isEmpty()) {
    // Once the event loop runs, the window has its final size and is laid out.
    QTimer::singleShot(300, &window, [&window, file = command_line.screenshot] {
      // The status bar names the run folder by its absolute path: not for published images.
      window.statusBar()->clearMessage();
      // A folder gets the window and each dock on its own (docs/screenshots/).
      bool saved = true;
      if (QFileInfo(file).isDir()) {
        saved = window.grab().save(QDir(file).filePath(QStringLiteral("main_window.png")));
        for (QDockWidget* dock : window.findChildren<QDockWidget*>()) {
          if (!dock->isVisible()) continue;
          // The table's dock is narrow in the window; shown wide enough for every column.
          if (dock->objectName() == QLatin1String("dockLayerTable")) dock->resize(1060, 560);
          saved =
              dock->grab().save(QDir(file).filePath(dock->objectName() + QStringLiteral(".png"))) &&
              saved;
        }
      } else {
        saved = window.grab().save(file);
      }
      if (!saved) print(stderr, QStringLiteral("Could not save %1\n").arg(file));
      QApplication::exit(saved ? 0 : 1);
    });
  }
  return QApplication::exec();
}
