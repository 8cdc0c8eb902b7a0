#include "views/run_browser.h"

#include <QDir>
#include <QEvent>
#include <QLabel>
#include <QListWidget>
#include <QVBoxLayout>

#include "views/recent_runs.h"
#include "views/run_documents.h"

namespace tdq::views {

RunBrowser::RunBrowser(Selection* selection, QWidget* parent)
    : QWidget(parent),
      selection_(selection),
      open_label_(new QLabel(this)),
      recent_label_(new QLabel(this)),
      open_(new QListWidget(this)),
      recent_(new QListWidget(this)) {
  open_->setObjectName(QStringLiteral("openRuns"));
  recent_->setObjectName(QStringLiteral("recentRuns"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  layout->addWidget(open_label_);
  layout->addWidget(open_, 1);
  layout->addWidget(recent_label_);
  layout->addWidget(recent_, 1);

  RunDocuments* documents = selection_->documents();
  connect(documents, &RunDocuments::run_opened, this, &RunBrowser::update_open);
  connect(documents, &RunDocuments::run_closed, this, &RunBrowser::update_open);
  connect(selection_, &Selection::run_changed, this, [this](int run) {
    if (open_->currentRow() != run) open_->setCurrentRow(run);
  });
  connect(open_, &QListWidget::currentRowChanged, selection_, &Selection::set_run);
  connect(recent_, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) {
    emit open_requested(item->data(Qt::UserRole).toString());
  });
  retranslate();
  update_recent();
}

void RunBrowser::update_open() {
  const QSignalBlocker blocker(open_);
  open_->clear();
  RunDocuments* documents = selection_->documents();
  for (int i = 0; i < documents->count(); ++i) {
    const RunData* run = documents->run(i);
    auto* item = new QListWidgetItem(
        run->method.isEmpty() ? run->name : QStringLiteral("%1  [%2]").arg(run->name, run->method),
        open_);
    item->setToolTip(QDir::toNativeSeparators(run->folder));
  }
  open_->setCurrentRow(selection_->run());
}

void RunBrowser::update_recent() {
  recent_->clear();
  for (const QString& folder : recent_runs()) {
    auto* item = new QListWidgetItem(QDir(folder).dirName(), recent_);
    item->setData(Qt::UserRole, folder);
    item->setToolTip(QDir::toNativeSeparators(folder));
  }
}

void RunBrowser::changeEvent(QEvent* event) {
  if (event->type() == QEvent::LanguageChange) retranslate();
  QWidget::changeEvent(event);
}

void RunBrowser::retranslate() {
  open_label_->setText(tr("Open runs"));
  recent_label_->setText(tr("Recent runs (double-click to open)"));
}

}  // namespace tdq::views
