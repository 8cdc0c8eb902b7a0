// The readers of an analyze run folder, one damaged file per input, in the steps of read_analysis
// (run.json's info, layers.json's layers, stats.safetensors' arrays checked against both) and the
// samples' index (read_sample_image_files). The analyze_run target reads the whole folder per
// input, stats.safetensors included whichever file changed; here the other files' valid content
// is parsed once, so the readers see millions of inputs.
//
// Input: the first byte picks the file (as FolderTemplate does), the rest is its content.
#include "core/common/errors.h"
#include "core/common/json_file.h"
#include "core/record/analysis_io.h"
#include "core/record/step_images_io.h"
#include "core/run/run_folder.h"
#include "tests/fuzz/analyze_run_template.h"
#include "tests/fuzz/fuzz_target.h"

namespace {

struct AnalyzeFiles {
  tdq::fuzz::FolderTemplate folder;
  tdq::AnalysisInfo info;  // the valid files, parsed once
  std::vector<tdq::AnalysisLayer> layers;
  tdq::SafetensorsFile stats;

  AnalyzeFiles()
      : folder([](const std::filesystem::path& dir) {
          return tdq::fuzz::make_analyze_run(dir / "analyze_files");
        }) {
    const auto& run = folder.folder();
    info = tdq::analysis_info_of(tdq::read_run_json(run), run / tdq::kRunJson);
    layers = tdq::analysis_layers_of(tdq::read_json_file(run / tdq::kLayersFile),
                                     run / tdq::kLayersFile);
    stats = tdq::read_safetensors(run / tdq::kStatsFile);
  }
};

AnalyzeFiles& analyze_files() {
  static AnalyzeFiles files;
  return files;
}

std::vector<std::string> analyze_files_seeds() { return analyze_files().folder.seeds(); }

}  // namespace

TDQ_FUZZ_SEEDS(analyze_files, analyze_files_seeds)

TDQ_FUZZ_TARGET(analyze_files) {
  AnalyzeFiles& f = analyze_files();
  const auto& files = f.folder.files();
  if (bytes.empty()) return;
  const std::filesystem::path& file = files[static_cast<unsigned char>(bytes[0]) % files.size()];
  const std::string name = file.filename().string();
  if (name == tdq::kStatsFile) {  // parsed from memory: no 600 kB write and restore per input
    tdq::assemble_analysis(f.info, f.layers, tdq::parse_safetensors(bytes.substr(1), file), file);
    return;
  }
  f.folder.fuzz(bytes, [&](const std::filesystem::path& dir) {
    if (name == tdq::kRunJson) {
      try {
        tdq::read_sample_image_files(dir);
      } catch (const tdq::Error&) {
        // the samples' reader answers on its own; the statistics' below
      }
      tdq::assemble_analysis(tdq::analysis_info_of(tdq::read_run_json(dir), file), f.layers,
                             f.stats, dir / tdq::kStatsFile);
    } else if (name == tdq::kLayersFile) {
      tdq::assemble_analysis(f.info, tdq::analysis_layers_of(tdq::read_json_file(file), file),
                             f.stats, dir / tdq::kStatsFile);
    } else {  // samples/steps.json
      tdq::read_sample_image_files(dir);
    }
  });
}
