#include "views/image_pair_canvas.h"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cstdlib>

namespace tdq::views {

namespace {
constexpr int kCaptionHeight = 22;
constexpr int kGap = 12;
}  // namespace

ImagePairCanvas::ImagePairCanvas(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("ImagePairCanvas"));
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void ImagePairCanvas::set_images(const QImage& left, const QImage& right,
                                 const QString& left_caption, const QString& right_caption) {
  left_ = left;
  right_ = right;
  left_caption_ = left_caption;
  right_caption_ = right_caption;
  difference_ = difference(left_, right_);
  update();
}

void ImagePairCanvas::set_mode(Mode mode) {
  mode_ = mode;
  update();
}

void ImagePairCanvas::set_swipe(double position) {
  swipe_ = std::clamp(position, 0.0, 1.0);
  update();
}

QImage ImagePairCanvas::difference(const QImage& left, const QImage& right) {
  if (left.isNull() || right.isNull() || left.size() != right.size()) return {};
  const QImage a = left.convertToFormat(QImage::Format_Grayscale8);
  const QImage b = right.convertToFormat(QImage::Format_Grayscale8);
  QImage out(a.size(), QImage::Format_Grayscale8);
  for (int y = 0; y < a.height(); ++y) {
    const uchar* pa = a.constScanLine(y);
    const uchar* pb = b.constScanLine(y);
    uchar* po = out.scanLine(y);
    for (int x = 0; x < a.width(); ++x) {
      po[x] = static_cast<uchar>(std::min(255, kDifferenceGain * std::abs(pa[x] - pb[x])));
    }
  }
  return out;
}

// The largest whole-factor scaling of `image` that fits `area` (at least 1), centred.
QRect ImagePairCanvas::image_rect(const QSize& image, const QRect& area) const {
  if (image.isEmpty()) return {};
  const int factor =
      std::max(1, std::min(area.width() / image.width(), area.height() / image.height()));
  const QSize size = image * factor;
  return {area.x() + (area.width() - size.width()) / 2,
          area.y() + (area.height() - size.height()) / 2, size.width(), size.height()};
}

void ImagePairCanvas::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().window());
  p.setRenderHint(QPainter::SmoothPixmapTransform, false);
  const QRect area = rect().adjusted(4, kCaptionHeight, -4, -4);
  auto caption = [&](const QRect& under, const QString& text) {
    p.drawText(QRect(under.x(), 0, under.width(), kCaptionHeight), Qt::AlignCenter, text);
  };
  if (left_.isNull() && right_.isNull()) {
    p.drawText(rect(), Qt::AlignCenter, tr("No samples: open an analyze run."));
    return;
  }
  if (mode_ == Mode::SideBySide || right_.isNull()) {
    const int half = (area.width() - kGap) / 2;
    const QRect l(area.x(), area.y(), half, area.height());
    const QRect r(area.x() + half + kGap, area.y(), half, area.height());
    const QRect lr = image_rect(left_.size(), l), rr = image_rect(right_.size(), r);
    if (!left_.isNull()) p.drawImage(lr, left_);
    if (!right_.isNull()) p.drawImage(rr, right_);
    caption(l, left_caption_);
    caption(r, right_.isNull() ? tr("(no quantized samples in this run)") : right_caption_);
  } else if (mode_ == Mode::Swipe) {
    swipe_rect_ = image_rect(right_.size(), area);
    p.drawImage(swipe_rect_, right_);
    const int split = static_cast<int>(swipe_ * swipe_rect_.width());
    const QRect source(0, 0, static_cast<int>(swipe_ * left_.width()), left_.height());
    p.drawImage(QRect(swipe_rect_.x(), swipe_rect_.y(), split, swipe_rect_.height()), left_,
                source);
    p.setPen(QPen(palette().highlight(), 2));
    p.drawLine(swipe_rect_.x() + split, swipe_rect_.top(), swipe_rect_.x() + split,
               swipe_rect_.bottom());
    p.setPen(palette().windowText().color());
    caption(area, tr("%1 | %2 (drag to swipe)").arg(left_caption_, right_caption_));
  } else {
    p.drawImage(image_rect(difference_.size(), area), difference_);
    caption(area, tr("|%1 - %2| x %3").arg(left_caption_, right_caption_).arg(kDifferenceGain));
  }
}

void ImagePairCanvas::drag_to(int x) {
  if (mode_ != Mode::Swipe || swipe_rect_.width() <= 0) return;
  set_swipe(static_cast<double>(x - swipe_rect_.x()) / swipe_rect_.width());
}

void ImagePairCanvas::mousePressEvent(QMouseEvent* event) {
  drag_to(event->position().toPoint().x());
}

void ImagePairCanvas::mouseMoveEvent(QMouseEvent* event) {
  if (event->buttons() & Qt::LeftButton) drag_to(event->position().toPoint().x());
}

}  // namespace tdq::views
