// An FID run folder of the FP model (run.json, stats/*.safetensors), read as the workbench's FID
// dock and `tdq fid --vs-fp` read it.
#include "core/common/errors.h"
#include "core/common/json_file.h"
#include "core/eval/fid_run_folder.h"
#include "core/eval/fid_run_summary.h"
#include "core/jobs/fid_job.h"
#include "tests/fuzz/fuzz_target.h"
#include "tests/support/tiny_runs.h"

namespace {

struct Run {
  tdq::FidJob job;
  tdq::fuzz::FolderTemplate folder;
  tdq::FidRunOptions options;  // what a quantized run of the same noise would ask for
  std::string model_sha256, features_sha256;

  Run()
      : folder([this](const std::filesystem::path& dir) {
          job = tdq::test::tiny_fid_job(tdq::test::make_tiny_model(dir));
          return tdq::run_fid_job(job, dir / "fid");
        }) {
    options.count = job.n;
    options.batch_size = job.batch;
    const auto json = tdq::read_json_file(folder.folder() / "run.json");
    model_sha256 = json.at("model").at("sha256").get<std::string>();
    features_sha256 = json.at("features").at("sha256").get<std::string>();
  }
};

Run& run() {
  static Run run;
  return run;
}

std::vector<std::string> fid_run_seeds() { return run().folder.seeds(); }

}  // namespace

TDQ_FUZZ_SEEDS(fid_run, fid_run_seeds)

TDQ_FUZZ_TARGET(fid_run) {
  Run& r = run();
  r.folder.fuzz(bytes, [&](const std::filesystem::path& dir) {
    try {
      tdq::read_fid_run_summary(dir);
    } catch (const tdq::Error&) {
      // the summary and the point statistics answer on their own
    }
    tdq::read_fp_point_stats(dir, r.options, r.model_sha256, r.features_sha256);
  });
}
