#pragma once
// The step-slider images of an analyze run: samples/steps/*.png and their index
// samples/steps.json, written next to the final grids samples/fp.png and samples/quant.png.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tdq {

struct StepImages;  // core/record/side_by_side.h; this header stays free of LibTorch for views

constexpr const char* kStepImagesIndex = "samples/steps.json";

// One snapshot's files, relative to the run folder; empty when that image was not stored.
struct StepImageFiles {
  std::int64_t step = 0, t = 0;
  std::string fp_xt, fp_x0, quant_xt, quant_x0;
};

// What a viewer needs of an analyze run's samples; paths are absolute, empty when absent.
struct SampleImageFiles {
  std::filesystem::path fp_grid, quant_grid;
  std::int64_t n = 0, steps = 0;
  std::uint64_t seed = 0;
  std::string quant_method;  // empty for an FP-only run
  std::vector<StepImageFiles> step_images;
};

// `dir`/`stem` with the extension write_image gave it: .png, or .pgm/.ppm in a build without
// OpenCV. Empty when there is none.
std::filesystem::path find_image(const std::filesystem::path& dir, const std::string& stem);

// Writes the grids of every snapshot under `samples_dir`/steps/ and the index next to them.
void write_step_images(const std::filesystem::path& samples_dir,
                       const std::vector<StepImages>& snapshots);

// Reads an analyze run's sample files (run.json, samples/steps.json when present). FormatError
// naming the file for a run of another kind, bad JSON or an index that names missing files.
SampleImageFiles read_sample_image_files(const std::filesystem::path& run);

}  // namespace tdq
