#include "views/sample_compare_view.h"

#include <QComboBox>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QVBoxLayout>

#include <cstdlib>

namespace tdq::views {

namespace {

QImage load(const std::filesystem::path& run, const std::string& relative) {
  if (relative.empty()) return {};
  return QImage(QString::fromStdString((run / relative).string()));
}

}  // namespace

SampleCompareView::SampleCompareView(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("SampleCompareView"));
  open_ = new QPushButton(this);
  mode_ = new QComboBox(this);
  mode_->addItems({QString(), QString(), QString()});
  image_kind_ = new QComboBox(this);
  image_kind_->addItems({QString(), QString()});
  slider_ = new QSlider(Qt::Horizontal, this);
  slider_->setObjectName(QStringLiteral("step_slider"));
  slider_->setRange(0, 0);
  step_label_ = new QLabel(this);
  step_label_->setMinimumWidth(150);
  status_ = new QLabel(this);
  status_->setWordWrap(true);
  canvas_ = new ImagePairCanvas(this);

  auto* controls = new QHBoxLayout;
  controls->addWidget(open_);
  controls->addWidget(mode_);
  controls->addWidget(image_kind_);
  controls->addWidget(slider_, 1);
  controls->addWidget(step_label_);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(controls);
  layout->addWidget(canvas_, 1);
  layout->addWidget(status_);

  connect(open_, &QPushButton::clicked, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open an analyze run"), run_);
    if (!dir.isEmpty()) show_run(dir);
  });
  connect(mode_, &QComboBox::currentIndexChanged, this,
          [this](int index) { canvas_->set_mode(static_cast<ImagePairCanvas::Mode>(index)); });
  connect(image_kind_, &QComboBox::currentIndexChanged, this, [this] { update_images(); });
  connect(slider_, &QSlider::valueChanged, this, [this] { update_images(); });
  retranslate();
  update_images();
}

void SampleCompareView::retranslate() {
  open_->setText(tr("Open analyze run..."));
  mode_->setItemText(0, tr("Side by side"));
  mode_->setItemText(1, tr("Swipe"));
  mode_->setItemText(2, tr("Difference"));
  image_kind_->setItemText(0, tr("x_t"));
  image_kind_->setItemText(1, tr("predicted x_0"));
  image_kind_->setToolTip(
      tr("At a kept step: the noisy image x_t the model saw, or the clean "
         "image x_0 it predicted from it"));
  update_images();
}

void SampleCompareView::changeEvent(QEvent* event) {
  if (event->type() == QEvent::LanguageChange) retranslate();
  QWidget::changeEvent(event);
}

bool SampleCompareView::show_run(const QString& run_folder) {
  try {
    files_ = read_sample_image_files(run_folder.toStdString());
  } catch (const std::exception& e) {
    files_ = {};
    run_.clear();
    status_->setText(tr("Cannot show %1: %2").arg(run_folder, QString::fromStdString(e.what())));
    slider_->setRange(0, 0);
    update_images();
    return false;
  }
  run_ = run_folder;
  const QSignalBlocker block(slider_);
  slider_->setRange(0, static_cast<int>(files_.step_images.size()));
  slider_->setValue(slider_->maximum());
  status_->setText(tr("%1: %2 samples, seed %3, %4 steps; FP and %5 from the same initial noise.")
                       .arg(QFileInfo(run_folder).fileName())
                       .arg(files_.n)
                       .arg(files_.seed)
                       .arg(files_.steps)
                       .arg(files_.quant_method.empty()
                                ? tr("no quantized model")
                                : QString::fromStdString(files_.quant_method)));
  update_images();
  return true;
}

int SampleCompareView::positions() const { return slider_->maximum() + 1; }
void SampleCompareView::set_position(int position) { slider_->setValue(position); }
void SampleCompareView::set_show_x0(bool x0) { image_kind_->setCurrentIndex(x0 ? 1 : 0); }
void SampleCompareView::set_mode(ImagePairCanvas::Mode mode) {
  mode_->setCurrentIndex(static_cast<int>(mode));  // the combo box sets the canvas
}
QString SampleCompareView::status_text() const { return status_->text(); }

void SampleCompareView::select_step(int step) {
  int best = -1;
  for (std::size_t i = 0; i < files_.step_images.size(); ++i) {
    if (best < 0 || std::abs(files_.step_images[i].step - step) <
                        std::abs(files_.step_images[static_cast<std::size_t>(best)].step - step)) {
      best = static_cast<int>(i);
    }
  }
  if (best >= 0) slider_->setValue(best);
}

void SampleCompareView::update_images() {
  const int position = slider_->value();
  const bool final_samples = position >= static_cast<int>(files_.step_images.size());
  const bool x0 = image_kind_->currentIndex() == 1;
  const std::filesystem::path run = run_.toStdString();
  if (final_samples) {
    fp_ =
        files_.fp_grid.empty() ? QImage() : QImage(QString::fromStdString(files_.fp_grid.string()));
    quant_ = files_.quant_grid.empty() ? QImage()
                                       : QImage(QString::fromStdString(files_.quant_grid.string()));
    step_label_->setText(run_.isEmpty() ? QString() : tr("final samples"));
  } else {
    const auto& s = files_.step_images[static_cast<std::size_t>(position)];
    fp_ = load(run, x0 ? s.fp_x0 : s.fp_xt);
    quant_ = load(run, x0 ? s.quant_x0 : s.quant_xt);
    step_label_->setText(tr("step %1 (t = %2)").arg(s.step).arg(s.t));
  }
  image_kind_->setEnabled(!final_samples);
  const QString method =
      files_.quant_method.empty() ? tr("quantized") : QString::fromStdString(files_.quant_method);
  canvas_->set_images(fp_, quant_, tr("FP"), method);
}

}  // namespace tdq::views
