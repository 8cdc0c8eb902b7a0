#include "core/eval/fid_run.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <chrono>
#include <cmath>
#include <sstream>

#include "core/common/errors.h"
#include "core/common/file_io.h"
#include "core/common/version.h"
#include "core/data/fashion_mnist.h"
#include "core/run/run_folder.h"

namespace tdq {

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::pair<double, double> mean_and_sample_std(const std::vector<double>& values) {
  if (values.empty()) return {0.0, 0.0};
  double mean = 0;
  for (double v : values) mean += v;
  mean /= static_cast<double>(values.size());
  if (values.size() < 2) return {mean, 0.0};
  double var = 0;
  for (double v : values) var += (v - mean) * (v - mean);
  return {mean, std::sqrt(var / static_cast<double>(values.size() - 1))};
}

}  // namespace

void for_each_sample_batch(UNetImpl& model, const NoiseSchedule& schedule,
                           const GenerateOptions& options, c10::Device device,
                           const SampleBatchFn& on_batch, const ProgressFn& progress,
                           LayerHooks* hooks) {
  if (options.count < 1) throw ConfigError("--n must be positive");
  if (options.batch_size < 1) throw ConfigError("--batch must be positive");
  const auto& config = model.config();
  at::NoGradGuard no_grad;
  model.eval();
  // One generator drawn batch after batch gives the same numbers as generate_samples' single
  // draw of all the noise (the normal sampler fills whole 16-value blocks and an image is 1024
  // values; a test pins this down).
  auto generator = at::make_generator<at::CPUGeneratorImpl>(options.seed);
  const std::int64_t steps =
      static_cast<std::int64_t>(sampling_timesteps(options.sampler, schedule.num_timesteps).size());
  const std::int64_t batches = (options.count + options.batch_size - 1) / options.batch_size;
  for (std::int64_t b = 0; b < batches; ++b) {
    const std::int64_t begin = b * options.batch_size;
    const std::int64_t size = std::min(options.batch_size, options.count - begin);
    const at::Tensor noise =
        at::randn({size, config.in_channels, config.sample_size, config.sample_size}, generator,
                  at::TensorOptions().dtype(at::kFloat));
    auto denoise = [&](const at::Tensor& x, const at::Tensor& t) {
      return model.forward(x, t, hooks);
    };
    auto batch_progress = [&](const ProgressInfo& info) {
      return !progress || progress({b * steps + info.done, batches * steps, info.message});
    };
    const at::Tensor images =
        run_sampler(denoise, schedule, options.sampler, noise.to(device),
                    options.seed + 1000003ULL * static_cast<std::uint64_t>(b + 1), batch_progress);
    on_batch(images, begin);
  }
}

ReferenceStats fashion_mnist_reference(FeatureExtractor& extractor,
                                       const std::filesystem::path& data_dir,
                                       const std::filesystem::path& cache_dir, std::int64_t limit,
                                       std::int64_t batch_size, const ProgressFn& progress) {
  const auto start = std::chrono::steady_clock::now();
  ReferenceStats ref;
  const std::string count = limit < 0 ? "all" : std::to_string(limit);
  if (!cache_dir.empty()) {
    ref.cache_file =
        cache_dir / ("fmnist-test-" + extractor.cache_key() + "-n" + count + ".safetensors");
    if (std::filesystem::is_regular_file(ref.cache_file)) {
      ref.stats = read_gaussian_stats(ref.cache_file);
      if (ref.stats.mean.size(0) != extractor.dim()) {
        throw FormatError(ref.cache_file, "cached statistics have dimension " +
                                              std::to_string(ref.stats.mean.size(0)) +
                                              ", the features " + std::to_string(extractor.dim()) +
                                              " (delete the file)");
      }
      ref.from_cache = true;
      ref.source = "fashion-mnist test (" + std::to_string(ref.stats.count) + " images, cached)";
      ref.seconds = seconds_since(start);
      return ref;
    }
  }
  const ImageDataset data = load_fashion_mnist(data_dir, Split::Test, limit);
  const std::int64_t n = data.images.size(0);
  GaussianAccumulator accumulator;
  for (std::int64_t begin = 0; begin < n; begin += batch_size) {
    const std::int64_t end = std::min(n, begin + batch_size);
    accumulator.add(extractor.extract(data.images.slice(0, begin, end)).features);
    report_progress(progress, {end, n, "reference features"});
  }
  ref.stats = accumulator.stats();
  ref.source = "fashion-mnist test (" + std::to_string(n) + " images)";
  if (!ref.cache_file.empty()) {
    std::filesystem::create_directories(cache_dir);
    write_gaussian_stats(ref.cache_file, ref.stats,
                         {{"source", ref.source},
                          {"features", extractor.name()},
                          {"features_sha256", extractor.sha256()},
                          {"data_dir", data_dir.string()}});
  }
  ref.seconds = seconds_since(start);
  return ref;
}

ReferenceStats file_reference(const std::filesystem::path& file, std::int64_t expected_dim) {
  const auto start = std::chrono::steady_clock::now();
  ReferenceStats ref;
  ref.stats = read_gaussian_stats(file);
  if (ref.stats.mean.size(0) != expected_dim) {
    throw ConfigError("--ref " + file.string() + ": statistics have dimension " +
                      std::to_string(ref.stats.mean.size(0)) + ", the feature network gives " +
                      std::to_string(expected_dim));
  }
  ref.source = file.string();
  ref.seconds = seconds_since(start);
  return ref;
}

FidResult run_fid(UNetImpl& model, const NoiseSchedule& schedule, FeatureExtractor& extractor,
                  const GaussianStats& reference, const FidRunOptions& options, c10::Device device,
                  const ProgressFn& progress, LayerHooks* hooks) {
  if (options.steps.empty()) throw ConfigError("--steps: no step count given");
  if (options.seeds.empty()) throw ConfigError("--seeds: no seed given");
  if (options.count < 2) throw ConfigError("--n must be at least 2 for a covariance");
  if (reference.mean.size(0) != extractor.dim()) {
    throw ConfigError("reference statistics have dimension " +
                      std::to_string(reference.mean.size(0)) + ", the feature network gives " +
                      std::to_string(extractor.dim()));
  }
  // One image through the feature network first: a shape the network cannot take, or an output
  // it should not give, fails now and not after the first batch of sampling.
  const auto& unet = model.config();
  extractor.extract(at::zeros({1, unet.in_channels, unet.sample_size, unet.sample_size}));
  const auto run_start = std::chrono::steady_clock::now();
  // The reference's square root is computed once for every (steps, seed) point.
  const PreparedGaussian prepared = prepare_gaussian(reference);
  const std::int64_t batches = (options.count + options.batch_size - 1) / options.batch_size;
  std::vector<std::int64_t> evaluations;
  std::int64_t total = 0;
  for (std::int64_t steps : options.steps) {
    SamplerConfig sampler = options.sampler;
    sampler.steps = steps;
    const auto n =
        static_cast<std::int64_t>(sampling_timesteps(sampler, schedule.num_timesteps).size());
    evaluations.push_back(n * batches);
    total += n * batches * static_cast<std::int64_t>(options.seeds.size());
  }
  FidResult result;
  std::int64_t done = 0;
  for (std::size_t s = 0; s < options.steps.size(); ++s) {
    std::vector<double> fids, iss;
    for (std::uint64_t seed : options.seeds) {
      FidPoint point;
      point.steps = options.steps[s];
      point.seed = seed;
      GenerateOptions generate;
      generate.count = options.count;
      generate.batch_size = options.batch_size;
      generate.seed = seed;
      generate.sampler = options.sampler;
      generate.sampler.steps = options.steps[s];
      GaussianAccumulator accumulator;
      std::vector<at::Tensor> probabilities;
      auto last = std::chrono::steady_clock::now();
      const std::int64_t offset = done;
      std::ostringstream label;
      label << "steps " << point.steps << " seed " << seed;
      for_each_sample_batch(
          model, schedule, generate, device,
          [&](const at::Tensor& images, std::int64_t) {
            point.sample_seconds += seconds_since(last);
            const auto feature_start = std::chrono::steady_clock::now();
            FeatureBatch batch = extractor.extract(images);
            point.feature_seconds += seconds_since(feature_start);
            const auto stats_start = std::chrono::steady_clock::now();
            accumulator.add(batch.features);
            point.stats_seconds += seconds_since(stats_start);
            if (batch.probabilities.defined()) probabilities.push_back(batch.probabilities);
            last = std::chrono::steady_clock::now();
          },
          [&](const ProgressInfo& info) {
            return !progress || progress({offset + info.done, total, label.str()});
          },
          hooks);
      done += evaluations[s];
      const auto stats_start = std::chrono::steady_clock::now();
      point.frechet = frechet_distance(prepared, accumulator.stats());
      point.stats_seconds += seconds_since(stats_start);
      if (!probabilities.empty() && options.count >= options.is_splits) {
        point.is = inception_score(at::cat(probabilities, 0), options.is_splits);
        point.has_is = true;
        iss.push_back(point.is.mean);
      }
      fids.push_back(point.frechet.distance);
      result.points.push_back(point);
    }
    FidSummary summary;
    summary.steps = options.steps[s];
    std::tie(summary.fid_mean, summary.fid_std) = mean_and_sample_std(fids);
    std::tie(summary.is_mean, summary.is_std) = mean_and_sample_std(iss);
    result.summaries.push_back(summary);
  }
  result.seconds = seconds_since(run_start);
  return result;
}

FidResult run_fid_real(const at::Tensor& images, FeatureExtractor& extractor,
                       const GaussianStats& reference, const FidRunOptions& options,
                       const ProgressFn& progress) {
  if (options.count < 2) throw ConfigError("--n must be at least 2 for a covariance");
  if (images.size(0) < options.count) {
    throw ConfigError("--real: " + std::to_string(options.count) +
                      " images asked for, the data has " + std::to_string(images.size(0)));
  }
  const auto run_start = std::chrono::steady_clock::now();
  const PreparedGaussian prepared = prepare_gaussian(reference);
  FidResult result;
  std::vector<double> fids, iss;
  const std::int64_t total = options.count * static_cast<std::int64_t>(options.seeds.size());
  std::int64_t done = 0;
  for (std::uint64_t seed : options.seeds) {
    FidPoint point;
    point.seed = seed;
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    const at::Tensor pick = at::randperm(images.size(0), gen, at::kLong).slice(0, 0, options.count);
    GaussianAccumulator accumulator;
    std::vector<at::Tensor> probabilities;
    for (std::int64_t begin = 0; begin < options.count; begin += options.batch_size) {
      const std::int64_t end = std::min(options.count, begin + options.batch_size);
      const auto start = std::chrono::steady_clock::now();
      FeatureBatch batch = extractor.extract(images.index_select(0, pick.slice(0, begin, end)));
      point.feature_seconds += seconds_since(start);
      accumulator.add(batch.features);
      if (batch.probabilities.defined()) probabilities.push_back(batch.probabilities);
      done += end - begin;
      report_progress(progress, {done, total, "real images seed " + std::to_string(seed)});
    }
    point.frechet = frechet_distance(prepared, accumulator.stats());
    if (!probabilities.empty() && options.count >= options.is_splits) {
      point.is = inception_score(at::cat(probabilities, 0), options.is_splits);
      point.has_is = true;
      iss.push_back(point.is.mean);
    }
    fids.push_back(point.frechet.distance);
    result.points.push_back(point);
  }
  FidSummary summary;
  std::tie(summary.fid_mean, summary.fid_std) = mean_and_sample_std(fids);
  std::tie(summary.is_mean, summary.is_std) = mean_and_sample_std(iss);
  result.summaries.push_back(summary);
  result.seconds = seconds_since(run_start);
  return result;
}

nlohmann::json to_json(const FidPoint& p) {
  nlohmann::json json = {{"steps", p.steps},
                         {"seed", p.seed},
                         {"fid", p.frechet.distance},
                         {"mean_term", p.frechet.mean_term},
                         {"trace_term", p.frechet.trace_term},
                         {"clamped_eigenvalues", p.frechet.clamped_eigenvalues},
                         {"most_negative_eigenvalue", p.frechet.most_negative_eigenvalue},
                         {"sample_seconds", p.sample_seconds},
                         {"feature_seconds", p.feature_seconds},
                         {"stats_seconds", p.stats_seconds}};
  if (p.has_is) {
    json["is_mean"] = p.is.mean;
    json["is_std"] = p.is.std;
    json["is_splits"] = p.is.splits;
  } else {
    json["is_mean"] = nullptr;
    json["is_std"] = nullptr;
  }
  return json;
}

nlohmann::json to_json(const FidSummary& s) {
  return {{"steps", s.steps},
          {"fid_mean", s.fid_mean},
          {"fid_std", s.fid_std},
          {"is_mean", s.is_mean},
          {"is_std", s.is_std}};
}

nlohmann::json to_json(const FidResult& r) {
  nlohmann::json points = nlohmann::json::array(), summaries = nlohmann::json::array();
  for (const auto& p : r.points) points.push_back(to_json(p));
  for (const auto& s : r.summaries) summaries.push_back(to_json(s));
  return {{"points", points}, {"summaries", summaries}, {"seconds", r.seconds}};
}

std::string fid_csv(const FidResult& r) {
  std::ostringstream csv;
  csv.precision(10);
  csv << "steps,seed,fid,mean_term,trace_term,is_mean,is_std,clamped_eigenvalues,sample_seconds,"
         "feature_seconds\n";
  for (const auto& p : r.points) {
    csv << p.steps << ',' << p.seed << ',' << p.frechet.distance << ',' << p.frechet.mean_term
        << ',' << p.frechet.trace_term << ',';
    if (p.has_is)
      csv << p.is.mean << ',' << p.is.std;
    else
      csv << ',';
    csv << ',' << p.frechet.clamped_eigenvalues << ',' << p.sample_seconds << ','
        << p.feature_seconds << '\n';
  }
  return csv.str();
}

nlohmann::json fid_run_json(const FidRunInfo& info, const FidRunOptions& options,
                            const FeatureExtractor& extractor, const ReferenceStats& reference,
                            const FidResult& result) {
  const VersionInfo versions = version_info();
  std::int64_t clamped = 0;
  double most_negative = 0;
  for (const auto& p : result.points) {
    clamped += p.frechet.clamped_eigenvalues;
    most_negative = std::min(most_negative, p.frechet.most_negative_eigenvalue);
  }
  nlohmann::json summaries = nlohmann::json::array(), points = nlohmann::json::array();
  for (const auto& s : result.summaries) summaries.push_back(to_json(s));
  for (const auto& p : result.points) points.push_back(to_json(p));
  nlohmann::json first =
      result.summaries.empty() ? nlohmann::json() : to_json(result.summaries.front());
  return {{"schema_version", kRunSchemaVersion},
          {"kind", "fid"},
          {"model", {{"dir", info.model_dir.string()}, {"sha256", info.model_sha256}}},
          {"quant", info.quant_run.empty() ? nlohmann::json() : nlohmann::json(info.quant_run)},
          {"sampler",
           {{"kind", to_string(options.sampler.kind)},
            {"skip", to_string(options.sampler.skip)},
            {"clip_x0", options.sampler.clip_x0}}},
          {"n", options.count},
          {"batch", options.batch_size},
          {"steps", options.steps},
          {"seeds", options.seeds},
          {"features",
           {{"name", extractor.name()}, {"sha256", extractor.sha256()}, {"dim", extractor.dim()}}},
          {"reference",
           {{"source", reference.source},
            {"count", reference.stats.count},
            {"cache_file", reference.cache_file.string()},
            {"from_cache", reference.from_cache},
            {"seconds", reference.seconds}}},
          {"metrics",
           {{"fid", first.is_null() ? nlohmann::json() : first.at("fid_mean")},
            {"fid_std", first.is_null() ? nlohmann::json() : first.at("fid_std")},
            {"is_mean", first.is_null() ? nlohmann::json() : first.at("is_mean")},
            {"is_std", first.is_null() ? nlohmann::json() : first.at("is_std")},
            {"summaries", summaries},
            {"points", points},
            {"eigenvalues_clamped", clamped},
            {"most_negative_eigenvalue", most_negative},
            {"table_fallbacks", info.table_fallbacks},
            {"seconds", result.seconds}}},
          {"device", info.device},
          {"threads", at::get_num_threads()},
          {"versions", {{"tdq", versions.tdq}, {"libtorch", versions.libtorch}}},
          {"written", utc_timestamp()}};
}

std::filesystem::path write_fid_run(const std::filesystem::path& out,
                                    const nlohmann::json& run_json, const FidResult& result) {
  RunFolderWriter writer(out);
  writer.write_json(kRunJson, run_json);
  std::filesystem::create_directories(writer.temp_dir() / "tables");
  write_file_atomic(writer.temp_dir() / "tables" / "fid.csv", fid_csv(result));
  return writer.commit();
}

std::vector<std::int64_t> parse_int_list(const std::string& text, const std::string& option,
                                         std::int64_t min) {
  std::vector<std::int64_t> values;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    std::size_t used = 0;
    long long value = 0;
    try {
      value = std::stoll(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (item.empty() || used != item.size()) {
      throw ConfigError(option + ": '" + item +
                        "' is not an integer (expected a list like 100,50,20)");
    }
    if (value < min) {
      throw ConfigError(option + ": " + item + " is below the minimum " + std::to_string(min));
    }
    values.push_back(value);
  }
  if (values.empty()) throw ConfigError(option + ": empty list");
  return values;
}

}  // namespace tdq
