#include "views/titled_dock.h"

#include <QEvent>
#include <QScrollArea>

namespace tdq::views {

TitledDock::TitledDock(const char* name, std::function<QString()> title, QWidget* content,
                       QWidget* parent)
    : QDockWidget(parent), title_(std::move(title)) {
  setObjectName(QString::fromLatin1(name));
  auto* scroll = new QScrollArea(this);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setWidget(content);
  setWidget(scroll);
  setWindowTitle(title_());
}

void TitledDock::changeEvent(QEvent* event) {
  if (event->type() == QEvent::LanguageChange) setWindowTitle(title_());
  QDockWidget::changeEvent(event);
}

}  // namespace tdq::views
