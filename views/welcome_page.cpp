#include "views/welcome_page.h"

#include <QCoreApplication>
#include <QEvent>
#include <QKeySequence>

namespace tdq::views {
namespace {

// The strings keep the main window's context, where their translations were made.
QString translated(const char* text) {
  return QCoreApplication::translate("tdq::views::MainWindow", text).toHtmlEscaped();
}

QString shortcut_text(QKeySequence::StandardKey key) {
  return QKeySequence(key).toString(QKeySequence::NativeText).toHtmlEscaped();
}

}  // namespace

WelcomePage::WelcomePage(QWidget* parent) : QLabel(parent) {
  setObjectName(QStringLiteral("welcomePage"));
  setTextFormat(Qt::RichText);
  setAlignment(Qt::AlignCenter);
  setWordWrap(true);
  setMargin(32);
  retranslate();
}

void WelcomePage::changeEvent(QEvent* event) {
  if (event->type() == QEvent::LanguageChange) retranslate();
  QLabel::changeEvent(event);
}

void WelcomePage::retranslate() {
  const QString row = QStringLiteral("<tr><td align=right><b>%1</b></td><td>&nbsp;%2</td></tr>");
  setText(
      QStringLiteral("<h1>%1</h1><p>%2</p><p>%3</p><h3>%4</h3><table align=center "
                     "cellpadding=2>%5%6%7</table>")
          .arg(
              translated(QT_TRANSLATE_NOOP("tdq::views::MainWindow", "TDQ Workbench")),
              translated(QT_TRANSLATE_NOOP("tdq::views::MainWindow",
                                           "A workbench for studying low-bit quantization of "
                                           "diffusion models and Temporal Dynamic Quantization.")),
              translated(QT_TRANSLATE_NOOP("tdq::views::MainWindow",
                                           "Open a run folder written by the tdq command line tool "
                                           "to begin. Run folders given on the command line are "
                                           "added to the recent runs.")),
              translated(QT_TRANSLATE_NOOP("tdq::views::MainWindow", "Shortcuts")),
              row.arg(shortcut_text(QKeySequence::Open),
                      translated(QT_TRANSLATE_NOOP("tdq::views::MainWindow", "Open a run folder"))),
              row.arg(QStringLiteral("Alt+F, R"),
                      translated(QT_TRANSLATE_NOOP("tdq::views::MainWindow", "Open a recent run"))),
              row.arg(shortcut_text(QKeySequence::Quit),
                      translated(QT_TRANSLATE_NOOP("tdq::views::MainWindow", "Quit")))));
}

}  // namespace tdq::views
