// An analyze run folder (run.json, layers.json, stats.safetensors, samples/steps.json) of an FP
// model beside its MinMax twin, read as `tdq report` and the workbench read it.
#include "core/common/errors.h"
#include "core/jobs/experiment_job.h"
#include "core/jobs/quantize_job.h"
#include "core/record/analysis_io.h"
#include "core/record/step_images_io.h"
#include "tests/fuzz/fuzz_target.h"
#include "tests/support/tiny_runs.h"

namespace {

tdq::fuzz::FolderTemplate& analyze_run_folder() {
  static tdq::fuzz::FolderTemplate folder([](const std::filesystem::path& dir) {
    const auto tiny = tdq::test::make_tiny_model(dir);
    auto job = tdq::test::tiny_analyze_job(tiny);
    job.quant_run = tdq::run_quantize_job(tdq::test::tiny_quantize_job(tiny), dir / "minmax");
    return tdq::run_analyze_job(job, dir / "analyze");
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
