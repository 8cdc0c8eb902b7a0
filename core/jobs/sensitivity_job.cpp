#include "core/jobs/sensitivity_job.h"

#include "core/common/errors.h"
#include "core/common/runtime.h"
#include "core/eval/feature_extractor.h"
#include "core/model/model_io.h"
#include "core/quant/quant_run.h"
#include "core/run/run_folder.h"
#include "core/sensitivity/sensitivity_run.h"

namespace tdq {

std::filesystem::path sensitivity_checkpoint(const std::filesystem::path& out) {
  return run_checkpoint(out);
}

std::filesystem::path run_sensitivity_job(const SensitivityJob& job,
                                          const std::filesystem::path& out,
                                          const ProgressFn& progress) {
  require_new_run_folder(out);
  if (job.quant_runs.empty()) {
    throw ConfigError("sensitivity.quant", "(none)", "give at least one quantize run");
  }
  LoadedModel loaded = load_model(job.model_dir.empty() ? default_model_dir() : job.model_dir);
  loaded.model->to(parse_device(job.device));
  std::vector<std::unique_ptr<QuantizedModel>> owned;
  std::vector<QuantizedModel*> twins;
  for (const auto& run : job.quant_runs) {
    owned.push_back(load_quantize_run(run, loaded));
    twins.push_back(owned.back().get());
  }
  SensitivityRun run;
  run.model_dir = loaded.dir;
  run.model_sha256 = loaded.weights_sha256;
  run.quant_runs = job.quant_runs;
  run.base_config = twins.front()->config();
  run.options = job.options;
  std::unique_ptr<FeatureExtractor> features;
  if (job.feature_errors) {
    if (!job.options.final_errors) {
      throw ConfigError("sensitivity.feature_errors", "true",
                        "feature errors are of final samples: measure the final errors too");
    }
    const auto& images = loaded.model->config();
    features = feature_net_for_samples(job.features, images.in_channels, images.sample_size,
                                       parse_device(job.device), "sensitivity.features");
    run.options.features = features.get();
  }
  const auto checkpoint = sensitivity_checkpoint(out);
  run.result = measure_sensitivity(*loaded.model, twins, linear_schedule(), run.options, checkpoint,
                                   progress);
  const auto written = write_sensitivity_run(run, out);
  std::filesystem::remove(checkpoint);  // the run folder now holds the result
  return written;
}

}  // namespace tdq
