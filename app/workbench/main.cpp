#include <QApplication>
#include <QImage>
#include <QTimer>

#include <cstdio>

#include "views/command_line.h"
#include "views/main_window.h"
#include "views/translator.h"

namespace {

void print(std::FILE* stream, const QString& text) {
  std::fputs(text.toLocal8Bit().constData(), stream);
}

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  // These name the QSettings file that keeps recent runs, language and window layout.
  QApplication::setOrganizationName(QStringLiteral("TDQ"));
  QApplication::setApplicationName(QStringLiteral("TDQ Workbench"));
  QApplication::setApplicationVersion(QStringLiteral(TDQ_VERSION));

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
  for (const QString& folder : command_line.run_folders) {
    if (!window.open_run(folder)) {
      print(stderr, tdq::views::CommandLine::tr("Not a folder, not added to the recent runs: %1\n")
                        .arg(folder));
    }
  }
  window.show();

  if (!command_line.screenshot.isEmpty()) {
    // Once the event loop runs, the window has its final size and is laid out.
    QTimer::singleShot(300, &window, [&window, file = command_line.screenshot] {
      const bool saved = window.grab().save(file);
      if (!saved) print(stderr, QStringLiteral("Could not save %1\n").arg(file));
      QApplication::exit(saved ? 0 : 1);
    });
  }
  return QApplication::exec();
}
