#pragma once
// FP vs quantized samples of an analyze run (same initial noise and seeds): the final grids, and
// with the step slider x_t or the predicted x_0 at the steps the run kept (samples/steps/).
#include <QImage>
#include <QString>
#include <QWidget>

#include "core/record/step_images_io.h"
#include "views/image_pair_canvas.h"

class QComboBox;
class QLabel;
class QPushButton;
class QSlider;

namespace tdq::views {

class SampleCompareView : public QWidget {
  Q_OBJECT

 public:
  explicit SampleCompareView(QWidget* parent = nullptr);

  // Shows an analyze run; false, and the reason in the status line, when it cannot be read.
  bool show_run(const QString& run_folder);
  // Slider positions: one per kept step, then the final samples (the last position).
  int positions() const;
  void set_position(int position);
  // Moves the slider to the kept step nearest to sampling step `step` (for linked selection).
  void select_step(int step);
  void set_show_x0(bool x0);
  void set_mode(ImagePairCanvas::Mode mode);
  ImagePairCanvas* canvas() const { return canvas_; }
  const QImage& fp_image() const { return fp_; }
  const QImage& quant_image() const { return quant_; }
  QString status_text() const;

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void retranslate();
  void update_images();

  SampleImageFiles files_;
  QString run_;
  QImage fp_, quant_;
  QPushButton* open_ = nullptr;
  QComboBox* mode_ = nullptr;
  QComboBox* image_kind_ = nullptr;
  QSlider* slider_ = nullptr;
  QLabel* step_label_ = nullptr;
  QLabel* status_ = nullptr;
  ImagePairCanvas* canvas_ = nullptr;
};

}  // namespace tdq::views
