#pragma once

#include <QDialog>

class QComboBox;
class QCustomPlot;
class QLineEdit;
class QSpinBox;

namespace tdq::views {

// Asks for the file, format, size and DPI of one figure and writes it (views/figure_export.h).
class FigureExportDialog : public QDialog {
  Q_OBJECT

 public:
  FigureExportDialog(QCustomPlot* plot, const QString& name, QWidget* parent = nullptr);

  void accept() override;

 private:
  void browse();

  QCustomPlot* plot_;
  QLineEdit* file_;
  QComboBox* format_;
  QSpinBox* width_;
  QSpinBox* height_;
  QSpinBox* dpi_;
};

}  // namespace tdq::views
