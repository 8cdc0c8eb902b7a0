#pragma once
// Paints two images of the same size for comparison: side by side, as a swipe (the FP image left
// of a draggable divider, the quantized one right of it) or as their amplified difference. Pixels
// are scaled by whole factors without smoothing, so single pixels of a 32x32 sample stay visible.
#include <QImage>
#include <QString>
#include <QWidget>

namespace tdq::views {

class ImagePairCanvas : public QWidget {
  Q_OBJECT

 public:
  enum class Mode { SideBySide, Swipe, Difference };
  static constexpr int kDifferenceGain = 4;

  explicit ImagePairCanvas(QWidget* parent = nullptr);

  void set_images(const QImage& left, const QImage& right, const QString& left_caption,
                  const QString& right_caption);
  void set_mode(Mode mode);
  Mode mode() const { return mode_; }
  // Divider position for Swipe, 0 (all right image) .. 1 (all left image).
  void set_swipe(double position);
  double swipe() const { return swipe_; }
  // |left - right| x kDifferenceGain, grayscale; null when either image is missing or sizes differ.
  static QImage difference(const QImage& left, const QImage& right);

  QSize minimumSizeHint() const override { return {200, 120}; }

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;

 private:
  QRect image_rect(const QSize& image, const QRect& area) const;
  void drag_to(int x);

  QImage left_, right_, difference_;
  QString left_caption_, right_caption_;
  Mode mode_ = Mode::SideBySide;
  double swipe_ = 0.5;
  QRect swipe_rect_;  // where the swipe image was last painted
};

}  // namespace tdq::views
