#include "core/record/step_images_io.h"

#include <ATen/ATen.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include "core/common/errors.h"
#include "core/common/file_io.h"
#include "core/common/json_file.h"
#include "core/common/json_number.h"
#include "core/image/image_grid.h"
#include "core/record/side_by_side.h"
#include "core/run/run_folder.h"

namespace tdq {

namespace {

// Writes one grid and returns its path relative to the run folder ("" for no images).
std::string write_grid(const std::filesystem::path& samples_dir, const std::string& name,
                       const at::Tensor& images) {
  if (!images.defined() || images.numel() == 0) return "";
  const auto columns =
      static_cast<std::int64_t>(std::ceil(std::sqrt(static_cast<double>(images.size(0)))));
  const auto written =
      write_image(samples_dir / "steps" / (name + ".png"), make_image_grid(images, columns));
  return "samples/steps/" + written.filename().string();
}

std::string relative_file(const nlohmann::json& entry, const char* key,
                          const std::filesystem::path& run, const std::filesystem::path& index) {
  const std::string file = entry.value(key, std::string());
  if (!file.empty() && !std::filesystem::is_regular_file(run / file)) {
    throw FormatError(index, std::string("key ") + key + " names " + file + ", which is missing");
  }
  return file;
}

}  // namespace

std::filesystem::path find_image(const std::filesystem::path& dir, const std::string& stem) {
  for (const char* extension : {".png", ".pgm", ".ppm"}) {
    const auto file = dir / (stem + extension);
    if (std::filesystem::is_regular_file(file)) return file;
  }
  return {};
}

void write_step_images(const std::filesystem::path& samples_dir,
                       const std::vector<StepImages>& snapshots) {
  if (snapshots.empty()) return;
  std::filesystem::create_directories(samples_dir / "steps");
  nlohmann::json index = nlohmann::json::array();
  for (const auto& s : snapshots) {
    char stem[32];
    std::snprintf(stem, sizeof stem, "step%04lld", static_cast<long long>(s.step));
    const std::string base = stem;
    index.push_back({{"step", s.step},
                     {"t", s.t},
                     {"fp_xt", write_grid(samples_dir, base + "_fp_xt", s.fp_xt)},
                     {"fp_x0", write_grid(samples_dir, base + "_fp_x0", s.fp_x0)},
                     {"quant_xt", write_grid(samples_dir, base + "_quant_xt", s.quant_xt)},
                     {"quant_x0", write_grid(samples_dir, base + "_quant_x0", s.quant_x0)}});
  }
  write_file_atomic(samples_dir / "steps.json", index.dump(1));
}

SampleImageFiles read_sample_image_files(const std::filesystem::path& run) {
  const nlohmann::json json = read_run_json(run, "analyze");
  const auto run_file = run / kRunJson;
  SampleImageFiles files;
  try {
    const auto& a = json.at("analysis");
    files.n = json_as<std::int64_t>(a.at("n"));
    files.seed = json_as<std::uint64_t>(a.at("seed"));
    files.steps = json_as<std::int64_t>(a.at("sampler").at("steps"));
    const auto& method = a.at("quant").at("method");
    if (method.is_string()) files.quant_method = method.get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(run_file, std::string("analysis: ") + e.what());
  }
  files.fp_grid = find_image(run / "samples", "fp");
  files.quant_grid = find_image(run / "samples", "quant");
  const auto index_file = run / kStepImagesIndex;
  if (!std::filesystem::exists(index_file)) return files;
  const nlohmann::json index = read_json_file(index_file);
  if (!index.is_array()) throw FormatError(index_file, "not an array of steps");
  for (const auto& entry : index) {
    if (!entry.is_object() || !entry.contains("step") || !entry.at("step").is_number_integer()) {
      throw FormatError(index_file, "an entry has no integer key step");
    }
    StepImageFiles s;
    s.step = json_as<std::int64_t>(entry.at("step"));
    s.t = entry.value("t", std::int64_t{0});
    s.fp_xt = relative_file(entry, "fp_xt", run, index_file);
    s.fp_x0 = relative_file(entry, "fp_x0", run, index_file);
    s.quant_xt = relative_file(entry, "quant_xt", run, index_file);
    s.quant_x0 = relative_file(entry, "quant_x0", run, index_file);
    files.step_images.push_back(s);
  }
  return files;
}

}  // namespace tdq
