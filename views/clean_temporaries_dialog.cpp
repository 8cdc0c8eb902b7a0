#include "views/clean_temporaries_dialog.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

#include <exception>

#include "core/run/stale_temporaries.h"

namespace tdq::views {

CleanTemporariesDialog::CleanTemporariesDialog(const QString& dir, QWidget* parent)
    : QDialog(parent),
      dir_(dir),
      text_(new QLabel(this)),
      list_(new QListWidget(this)),
      buttons_(new QDialogButtonBox(this)) {
  setObjectName(QStringLiteral("cleanTemporariesDialog"));
  setWindowTitle(tr("Clean Stale Temporaries"));
  text_->setWordWrap(true);
  for (const auto& entry : stale_temporaries(dir.toStdString())) {
    listed_.append(QString::fromStdString(entry.filename().string()));
  }
  list_->addItems(listed_);
  const QString where = QDir::toNativeSeparators(dir);
  if (listed_.isEmpty()) {
    text_->setText(tr("No leftovers of stopped runs in %1.").arg(where));
    list_->hide();
    buttons_->setStandardButtons(QDialogButtonBox::Close);
  } else {
    text_->setText(tr("%n leftover(s) of runs stopped by a kill or a crash in %1. Removing them "
                      "never touches a finished run, a running writer or a resumable checkpoint.",
                      nullptr, static_cast<int>(listed_.size()))
                       .arg(where));
    buttons_->setStandardButtons(QDialogButtonBox::Cancel);
    QPushButton* remove = buttons_->addButton(tr("Remove"), QDialogButtonBox::AcceptRole);
    remove->setObjectName(QStringLiteral("remove"));
  }
  connect(buttons_, &QDialogButtonBox::accepted, this, &CleanTemporariesDialog::accept);
  connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(text_);
  layout->addWidget(list_, 1);
  layout->addWidget(buttons_);
}

void CleanTemporariesDialog::accept() {
  if (listed_.isEmpty()) {
    QDialog::accept();
    return;
  }
  try {
    const auto removed = remove_stale_temporaries(dir_.toStdString());
    emit cleaned(tr("Removed %n leftover(s) of stopped runs from %1", nullptr,
                    static_cast<int>(removed.size()))
                     .arg(QDir::toNativeSeparators(dir_)));
  } catch (const std::exception& e) {
    text_->setText(QString::fromStdString(e.what()));
    return;
  }
  QDialog::accept();
}

QString stale_temporaries_note(const QString& run_folder) {
  const QString parent =
      QFileInfo(QDir::cleanPath(QFileInfo(run_folder).absoluteFilePath())).absolutePath();
  const auto stale = stale_temporaries(parent.toStdString());
  if (stale.empty()) return {};
  return CleanTemporariesDialog::tr(
      "%n leftover(s) of stopped runs next to this run: File > Clean Stale Temporaries "
      "removes them",
      nullptr, static_cast<int>(stale.size()));
}

}  // namespace tdq::views
