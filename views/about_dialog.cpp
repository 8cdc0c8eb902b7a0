#include "views/about_dialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QVBoxLayout>

#include "core/common/version.h"

namespace tdq::views {
namespace {

QLabel* selectable_label(const QString& text, QWidget* parent) {
  auto* label = new QLabel(text, parent);
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  return label;
}

}  // namespace

AboutDialog::AboutDialog(QWidget* parent) : QDialog(parent) {
  setObjectName(QStringLiteral("AboutDialog"));
  setWindowTitle(tr("About TDQ Workbench"));
  const VersionInfo info = version_info();

  auto* title =
      new QLabel(QStringLiteral("<h2>%1</h2>").arg(tr("TDQ Workbench").toHtmlEscaped()), this);
  auto* description = new QLabel(
      tr("A workbench for studying low-bit quantization of diffusion models with TDQ, Temporal "
         "Dynamic Quantization (NeurIPS 2023), which adapts the activation quantization "
         "intervals to the denoising time step."),
      this);
  description->setObjectName(QStringLiteral("description"));
  description->setWordWrap(true);

  auto* versions = new QFormLayout;
  versions->addRow(tr("Version:"), selectable_label(QString::fromStdString(info.tdq), this));
  versions->addRow(tr("Qt:"), selectable_label(QString::fromLatin1(qVersion()), this));
  versions->addRow(tr("LibTorch:"), selectable_label(QString::fromStdString(info.libtorch), this));
  versions->addRow(
      tr("OpenCV:"),
      selectable_label(
          info.opencv == "none" ? tr("not built in") : QString::fromStdString(info.opencv), this));
  versions->addRow(tr("CUDA available:"),
                   selectable_label(info.cuda_available ? tr("yes") : tr("no"), this));

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(title);
  layout->addWidget(description);
  layout->addLayout(versions);
  layout->addWidget(buttons);
  setMinimumWidth(420);
}

}  // namespace tdq::views
