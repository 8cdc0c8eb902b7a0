#include "views/figure_export_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>

#include "views/figure_export.h"

namespace tdq::views {

FigureExportDialog::FigureExportDialog(QCustomPlot* plot, const QString& name, QWidget* parent)
    : QDialog(parent),
      plot_(plot),
      file_(new QLineEdit(QDir::current().filePath(name + QStringLiteral(".png")), this)),
      format_(new QComboBox(this)),
      width_(new QSpinBox(this)),
      height_(new QSpinBox(this)),
      dpi_(new QSpinBox(this)) {
  setWindowTitle(tr("Export Figure"));
  format_->addItem(tr("PNG (raster)"), static_cast<int>(FigureFormat::kPng));
  format_->addItem(tr("SVG (vector)"), static_cast<int>(FigureFormat::kSvg));
  format_->addItem(tr("PDF (vector)"), static_cast<int>(FigureFormat::kPdf));
  const FigureSize defaults;
  width_->setRange(100, 10000);
  width_->setValue(defaults.width);
  height_->setRange(100, 10000);
  height_->setValue(defaults.height);
  dpi_->setRange(48, 1200);
  dpi_->setValue(defaults.dpi);
  // The suffix follows the format, so that the name and the content never disagree.
  connect(format_, &QComboBox::currentIndexChanged, this, [this] {
    const auto format = static_cast<FigureFormat>(format_->currentData().toInt());
    QFileInfo info(file_->text());
    file_->setText(
        info.dir().filePath(info.completeBaseName() + QLatin1Char('.') + figure_suffix(format)));
    dpi_->setEnabled(format == FigureFormat::kPng);
  });

  auto* browse = new QPushButton(tr("Browse..."), this);
  connect(browse, &QPushButton::clicked, this, &FigureExportDialog::browse);
  auto* file_row = new QHBoxLayout;
  file_row->addWidget(file_, 1);
  file_row->addWidget(browse);
  auto* form = new QFormLayout(this);
  form->addRow(tr("File:"), file_row);
  form->addRow(tr("Format:"), format_);
  form->addRow(tr("Width:"), width_);
  form->addRow(tr("Height:"), height_);
  form->addRow(tr("DPI (PNG):"), dpi_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
  connect(buttons, &QDialogButtonBox::accepted, this, &FigureExportDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &FigureExportDialog::reject);
  form->addRow(buttons);
}

void FigureExportDialog::browse() {
  const QString file = QFileDialog::getSaveFileName(this, tr("Export Figure"), file_->text(),
                                                    tr("Figures (*.png *.svg *.pdf)"));
  if (file.isEmpty()) return;
  file_->setText(file);
  FigureFormat format;
  if (figure_format_of(file, &format)) format_->setCurrentIndex(static_cast<int>(format));
}

void FigureExportDialog::accept() {
  FigureFormat format;
  if (!figure_format_of(file_->text(), &format)) {
    format = static_cast<FigureFormat>(format_->currentData().toInt());
  }
  QString error;
  if (!export_figure(plot_, file_->text(), format,
                     {width_->value(), height_->value(), dpi_->value()}, &error)) {
    QMessageBox::warning(this, tr("Export Figure"), error);
    return;
  }
  QDialog::accept();
}

}  // namespace tdq::views
