#include "core/jobs/fid_job.h"

#include <algorithm>

#include "core/data/fashion_mnist.h"
#include "core/eval/feature_extractor.h"
#include "core/eval/feature_net.h"
#include "core/eval/fid_reference.h"
#include "core/eval/fid_run.h"
#include "core/eval/fid_run_folder.h"
#include "core/model/model_io.h"
#include "core/quant/quant_run.h"
#include "core/run/run_folder.h"

namespace tdq {

std::filesystem::path run_fid_job(const FidJob& job, const std::filesystem::path& out,
                                  const ProgressFn& progress) {
  require_new_run_folder(out);
  const c10::Device device(c10::kCPU);
  FidRunOptions options;
  options.count = job.n;
  options.batch_size = std::max<std::int64_t>(1, std::min(job.batch, job.n));
  options.steps = job.steps;
  options.seeds = job.seeds;
  options.is_splits = std::max<std::int64_t>(1, std::min<std::int64_t>(10, job.n / 20));
  const auto extractor = make_feature_net_extractor(
      job.features.empty() ? default_feature_net_dir() : job.features, device);
  LoadedModel loaded = load_model(job.model_dir.empty() ? default_model_dir() : job.model_dir);
  std::unique_ptr<QuantizedModel> twin;
  if (!job.quant_run.empty()) twin = load_quantize_run(job.quant_run, loaded);
  const ReferenceStats reference =
      job.reference.empty()
          ? fashion_mnist_reference(
                *extractor, job.data_dir.empty() ? default_fashion_mnist_dir() : job.data_dir,
                job.cache_dir, -1, 250)
          : file_reference(job.reference, extractor->dim());
  const FidResult result = run_fid(*loaded.model, linear_schedule(), *extractor, reference.stats,
                                   options, device, progress, twin.get());
  FidRunInfo info;
  info.model_dir = loaded.dir;
  info.model_sha256 = loaded.weights_sha256;
  info.quant_run = job.quant_run.string();
  info.table_fallbacks = twin ? twin->fallbacks() : 0;
  return write_fid_run(out, fid_run_json(info, options, *extractor, reference, result), result);
}

}  // namespace tdq
