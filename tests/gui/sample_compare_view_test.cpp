// Sample compare on an analyze run recorded here: final grids, step slider over the kept steps
// (x_t and predicted x_0), swipe and difference, and a clear message for a folder it cannot show.
#include "tests/support/tiny_runs.h"  // LibTorch first: Qt defines `slots` as a macro

#include <QComboBox>
#include <QSlider>
#include <QTest>

#include "core/record/step_images_io.h"
#include "gui_test.h"
#include "views/image_pair_canvas.h"
#include "views/sample_compare_view.h"

namespace tdq::views {
namespace {

using SampleCompareViewTest = testing::GuiTest;

QString qstr(const std::filesystem::path& p) { return QString::fromStdString(p.string()); }

TEST_F(SampleCompareViewTest, ShowsFinalAndPerStepImagesOfFpAndQuantized) {
  test::TempDir dir;
  const test::TinyRuns tiny = test::make_tiny_model(dir);
  const auto quant = run_quantize_job(test::tiny_quantize_job(tiny), dir / "q");
  AnalyzeJob analyze = test::tiny_analyze_job(tiny, 20);
  analyze.quant_run = quant;
  const auto run = run_analyze_job(analyze, dir / "a");

  SampleCompareView view;
  view.resize(600, 400);
  ASSERT_TRUE(view.show_run(qstr(run))) << view.status_text().toStdString();
  const SampleImageFiles files = read_sample_image_files(run);
  // 20 steps, about ten snapshots: every 2nd step (0, 2, ..., 18) and the last one.
  ASSERT_EQ(files.step_images.size(), 11u);
  EXPECT_EQ(view.positions(), 12);
  // The last position is the final samples: two grids of 4 tiny images.
  EXPECT_FALSE(view.fp_image().isNull());
  EXPECT_FALSE(view.quant_image().isNull());
  EXPECT_EQ(view.fp_image().size(), view.quant_image().size());
  const QImage final_fp = view.fp_image();

  view.set_position(0);  // step 0: x_t is the initial noise, the same for both models
  EXPECT_FALSE(view.fp_image().isNull());
  EXPECT_EQ(view.fp_image(), view.quant_image());
  EXPECT_NE(view.fp_image(), final_fp);
  view.set_show_x0(true);
  const QImage x0 = view.fp_image();
  EXPECT_FALSE(x0.isNull());
  view.set_show_x0(false);
  EXPECT_NE(view.fp_image(), x0);

  view.select_step(9);  // nearest kept step: 8 or 10
  const auto* slider = view.findChild<QSlider*>(QStringLiteral("step_slider"));
  ASSERT_NE(slider, nullptr);
  const auto kept = files.step_images[static_cast<std::size_t>(slider->value())].step;
  EXPECT_TRUE(kept == 8 || kept == 10) << kept;

  view.set_position(view.positions() - 1);
  const QImage diff = ImagePairCanvas::difference(view.fp_image(), view.quant_image());
  ASSERT_FALSE(diff.isNull());
  EXPECT_EQ(diff.size(), view.fp_image().size());
  view.set_mode(ImagePairCanvas::Mode::Swipe);
  EXPECT_EQ(view.canvas()->mode(), ImagePairCanvas::Mode::Swipe);
  view.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&view));
  const QRect area = view.canvas()->rect();
  QTest::mouseClick(view.canvas(), Qt::LeftButton, {}, QPoint(area.width() / 4, area.height() / 2));
  EXPECT_LT(view.canvas()->swipe(), 0.5);
  EXPECT_FALSE(view.canvas()->grab().isNull());
}

TEST_F(SampleCompareViewTest, DifferenceAmplifiesPerPixel) {
  QImage a(2, 1, QImage::Format_Grayscale8), b(2, 1, QImage::Format_Grayscale8);
  a.setPixel(0, 0, qRgb(100, 100, 100));
  a.setPixel(1, 0, qRgb(0, 0, 0));
  b.setPixel(0, 0, qRgb(110, 110, 110));
  b.setPixel(1, 0, qRgb(200, 200, 200));
  const QImage d = ImagePairCanvas::difference(a, b);
  EXPECT_EQ(qGray(d.pixel(0, 0)), 10 * ImagePairCanvas::kDifferenceGain);
  EXPECT_EQ(qGray(d.pixel(1, 0)), 255);  // clamped
  EXPECT_TRUE(ImagePairCanvas::difference(a, QImage()).isNull());
}

TEST_F(SampleCompareViewTest, FpOnlyRunAndBadFolders) {
  test::TempDir dir;
  const test::TinyRuns tiny = test::make_tiny_model(dir);
  const auto run = run_analyze_job(test::tiny_analyze_job(tiny), dir / "fp");
  SampleCompareView view;
  ASSERT_TRUE(view.show_run(qstr(run)));
  EXPECT_FALSE(view.fp_image().isNull());
  EXPECT_TRUE(view.quant_image().isNull());

  EXPECT_FALSE(view.show_run(qstr(dir / "nowhere")));
  EXPECT_TRUE(view.status_text().contains(QStringLiteral("nowhere")))
      << view.status_text().toStdString();
  EXPECT_TRUE(view.fp_image().isNull());
  // A quantize run is not an analyze run; the message says which kind it is.
  const auto quant = run_quantize_job(test::tiny_quantize_job(tiny), dir / "q");
  EXPECT_FALSE(view.show_run(qstr(quant)));
  EXPECT_TRUE(view.status_text().contains(QStringLiteral("quantize")))
      << view.status_text().toStdString();
}

}  // namespace
}  // namespace tdq::views
