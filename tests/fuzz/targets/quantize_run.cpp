// Quantize run folders (run.json + quant.safetensors) of a per-step table and of TDQ-PTQ, loaded
// as `--quant RUN` and the workbench load them: the twin's state and the run summary.
#include "core/common/errors.h"
#include "core/jobs/quantize_job.h"
#include "core/quant/quant_run.h"
#include "core/record/quantize_run_summary.h"
#include "tests/fuzz/fuzz_target.h"
#include "tests/support/tiny_runs.h"

namespace {

struct Runs {
  std::filesystem::path model_dir;
  tdq::fuzz::FolderTemplate folder;
  tdq::LoadedModel model;

  Runs()
      : folder([this](const std::filesystem::path& dir) {
          const auto tiny = tdq::test::make_tiny_model(dir);
          model_dir = tiny.model;
          const auto table = tdq::test::tiny_quantize_job(tiny, tdq::QuantMethod::Table);
          tdq::run_quantize_job(table, dir / "runs" / "table");
          auto temporal = tdq::test::tiny_quantize_job(tiny, tdq::QuantMethod::TdqPtq);
          temporal.iters = 2;  // the state's layout is what is fuzzed, not its quality
          temporal.quant.tdq_init = tdq::TdqInit::Static;  // no per-step fit: minutes under ASan
          tdq::run_quantize_job(temporal, dir / "runs" / "tdq");
          return dir / "runs";
        }),
        model(tdq::load_model(model_dir)) {}
};

Runs& runs() {
  static Runs runs;
  return runs;
}

std::vector<std::string> quantize_run_seeds() { return runs().folder.seeds(); }

}  // namespace

TDQ_FUZZ_SEEDS(quantize_run, quantize_run_seeds)

TDQ_FUZZ_TARGET(quantize_run) {
  Runs& r = runs();
  r.folder.fuzz(bytes, [&](const std::filesystem::path& dir) {
    for (const char* name : {"table", "tdq"}) {
      try {
        tdq::read_quantize_run_summary(dir / name);
        tdq::load_quantize_run(dir / name, r.model);
      } catch (const tdq::Error&) {
        // each run answers on its own: a damaged table run must not hide the TDQ run's reader
      }
    }
  });
}
