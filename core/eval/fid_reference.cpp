#include "core/eval/fid_reference.h"

#include <chrono>

#include "core/common/errors.h"
#include "core/common/stopwatch.h"
#include "core/data/fashion_mnist.h"

namespace tdq {

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
    throw ConfigError("reference", file.string(),
                      "statistics have dimension " + std::to_string(ref.stats.mean.size(0)) +
                          ", the feature network gives " + std::to_string(expected_dim));
  }
  ref.source = file.string();
  ref.seconds = seconds_since(start);
  return ref;
}

}  // namespace tdq
