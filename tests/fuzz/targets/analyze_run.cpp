// An analyze run folder (run.json, layers.json, stats.safetensors, samples/steps.json) of an FP
// model beside its MinMax twin, read end to end as `tdq report` and the workbench read it.
// analyze_files fuzzes the same readers one file at a time without re-reading the others.
#include "core/common/errors.h"
#include "core/record/analysis_io.h"
#include "core/record/step_images_io.h"
#include "tests/fuzz/analyze_run_template.h"
#include "tests/fuzz/fuzz_target.h"

namespace {

tdq::fuzz::FolderTemplate& analyze_run_folder() {
  static tdq::fuzz::FolderTemplate folder([](const std::filesystem::path& dir) {
    return tdq::fuzz::make_analyze_run(dir / "analyze_run");
  });
  return folder;
}

std::vector<std::string> analyze_run_seeds() { return analyze_run_folder().seeds(); }

}  // namespace

TDQ_FUZZ_SEEDS(analyze_run, analyze_run_seeds)

TDQ_FUZZ_TARGET(analyze_run) {
  analyze_run_folder().fuzz(bytes, [](const std::filesystem::path& dir) {
    try {
      tdq::read_sample_image_files(dir);
    } catch (const tdq::Error&) {
      // the samples' index answers on its own; the statistics are read below either way
    }
    tdq::read_analysis(dir);
  });
}
