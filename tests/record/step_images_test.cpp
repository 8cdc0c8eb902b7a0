// Per-step images of an analyze run for the GUI's step slider: which steps are kept, that they are
// the sampler's own x_t and x_0 (bounded in number), and that they round-trip through the run
// folder.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/common/errors.h"
#include "core/common/file_io.h"
#include "core/image/image_grid.h"
#include "core/record/side_by_side.h"
#include "core/record/step_images_io.h"
#include "tests/support/tiny_runs.h"

namespace tdq {
namespace {

TEST(StepImages, KeptStepIndices) {
  EXPECT_EQ(step_image_indices(10, 0), std::vector<std::int64_t>{});
  EXPECT_EQ(step_image_indices(5, 2), (std::vector<std::int64_t>{0, 2, 4}));
  EXPECT_EQ(step_image_indices(6, 4), (std::vector<std::int64_t>{0, 4, 5}));  // and the last
  EXPECT_EQ(step_image_indices(1, -1), std::vector<std::int64_t>{0});
  EXPECT_EQ(step_image_indices(100, -1).size(), 11u);  // about ten, whatever the step count
  EXPECT_EQ(step_image_indices(1000, -1).size(), 11u);
  EXPECT_EQ(step_image_indices(3, -1), (std::vector<std::int64_t>{0, 1, 2}));
}

TEST(StepImages, RecordKeepsFirstSamplesOfFirstBatchAndTheyMatchTheFinalImages) {
  at::manual_seed(0);
  UNet model(test::tiny_unet_config());
  SideBySideOptions options;
  options.count = 6;
  options.batch_size = 4;  // two batches: snapshots come from the first only
  options.sampler.steps = 6;
  options.bins = 0;
  options.step_image_every = 2;
  options.step_images = 3;
  const SideBySideRecord rec =
      record_side_by_side(*model, nullptr, linear_schedule(), options,
                          std::vector<HistogramRange>(model->layers().size()));
  ASSERT_EQ(rec.step_images.size(), 4u);  // steps 0, 2, 4, 5
  EXPECT_EQ(rec.step_images[1].step, 2);
  EXPECT_EQ(rec.step_images[1].t, rec.timesteps[2]);
  for (const auto& s : rec.step_images) {
    EXPECT_EQ(s.fp_xt.sizes(), (at::IntArrayRef{3, 1, 8, 8}));
    EXPECT_EQ(s.fp_x0.sizes(), (at::IntArrayRef{3, 1, 8, 8}));
    EXPECT_FALSE(s.quant_xt.defined());                         // no twin
    EXPECT_LE(s.fp_x0.abs().max().item<double>(), 1.0 + 1e-6);  // clipped x_0
  }
  // Step 0's x_t is sample i's initial noise.
  const at::Tensor noise = seeded_noise({6, 1, 8, 8}, options.seed, c10::kCPU);
  EXPECT_TRUE(at::allclose(rec.step_images[0].fp_xt, noise.narrow(0, 0, 3)));
  // The last step's x_0 prediction is (with DDIM, eta 0) the final image.
  EXPECT_TRUE(
      at::allclose(rec.step_images.back().fp_x0, rec.fp_images.narrow(0, 0, 3), 1e-4, 1e-5));
  // Off: nothing kept.
  options.step_images = 0;
  EXPECT_TRUE(record_side_by_side(*model, nullptr, linear_schedule(), options,
                                  std::vector<HistogramRange>(model->layers().size()))
                  .step_images.empty());
}

TEST(StepImages, AnalyzeRunWritesAndReadsThem) {
  test::TempDir dir;
  const test::TinyRuns tiny = test::make_tiny_model(dir);
  const auto quant = run_quantize_job(test::tiny_quantize_job(tiny), dir / "q");
  AnalyzeJob job = test::tiny_analyze_job(tiny, 4);
  job.quant_run = quant;
  const auto run = run_analyze_job(job, dir / "a");
  const SampleImageFiles files = read_sample_image_files(run);
  EXPECT_EQ(files.quant_method, "minmax");
  EXPECT_EQ(files.n, 4);
  EXPECT_FALSE(files.fp_grid.empty());
  EXPECT_FALSE(files.quant_grid.empty());
  ASSERT_EQ(files.step_images.size(), 4u);  // 4 steps: every step
  for (const auto& s : files.step_images) {
    for (const auto& f : {s.fp_xt, s.fp_x0, s.quant_xt, s.quant_x0}) {
      ASSERT_FALSE(f.empty());
      const at::Tensor image = read_image(run / f);
      EXPECT_EQ(image.size(0), 2 * 8 + 3 * 2);  // 2 x 2 grid of 8x8 with 2-pixel padding
    }
  }
  EXPECT_EQ(files.step_images[3].t, 0);

  // A broken index names the file; a missing image named in it too.
  write_file_atomic(run / kStepImagesIndex,
                    "[{\"step\": 0, \"fp_xt\": \"samples/steps/gone.png\"}]");
  try {
    read_sample_image_files(run);
    FAIL() << "no error for a missing image";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("gone.png"), std::string::npos) << e.what();
  }
  write_file_atomic(run / kStepImagesIndex, "{");
  EXPECT_THROW(read_sample_image_files(run), FormatError);
  EXPECT_THROW(read_sample_image_files(quant), FormatError);  // not an analyze run
}

}  // namespace
}  // namespace tdq
