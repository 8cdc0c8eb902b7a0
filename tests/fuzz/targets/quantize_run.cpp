// Quantize run folders (run.json + quant.safetensors) of a per-step table and of TDQ-PTQ, loaded
// end to end as `--quant RUN` and the workbench load them: the run summary (which finds and loads
// the model, hashes it and evaluates s(t) over the schedule) and the twin's state. A few inputs a
// second under ASan; quantize_state fuzzes the same parsers without the per-input model work.
#include "core/common/errors.h"
#include "core/quant/quant_run.h"
#include "core/record/quantize_run_summary.h"
#include "tests/fuzz/fuzz_target.h"
#include "tests/fuzz/quantize_run_template.h"

namespace {

struct EndToEndRuns {
  std::filesystem::path model_dir;
  tdq::fuzz::FolderTemplate folder;
  tdq::LoadedModel model;

  EndToEndRuns()
      : folder([this](const std::filesystem::path& dir) {
          const auto made = tdq::fuzz::make_quantize_runs(dir / "quantize_run");
          model_dir = made.model_dir;
          return made.runs;
        }),
        model(tdq::load_model(model_dir)) {}
};

EndToEndRuns& end_to_end_runs() {
  static EndToEndRuns runs;
  return runs;
}

std::vector<std::string> quantize_run_seeds() { return end_to_end_runs().folder.seeds(); }

}  // namespace

TDQ_FUZZ_SEEDS(quantize_run, quantize_run_seeds)

TDQ_FUZZ_TARGET(quantize_run) {
  EndToEndRuns& r = end_to_end_runs();
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
