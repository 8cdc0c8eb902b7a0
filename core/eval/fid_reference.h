#pragma once
// The reference side of a FID: Gaussian statistics of real images under a feature network,
// computed from the Fashion-MNIST test set (and cached, since they cost a pass over 10,000 images)
// or read from a file.
#include <cstdint>
#include <filesystem>
#include <string>

#include "core/common/progress.h"
#include "core/eval/feature_extractor.h"
#include "core/eval/frechet.h"

namespace tdq {

struct ReferenceStats {
  GaussianStats stats;
  std::string source;                // "fashion-mnist test (10000 images)" or the file
  std::filesystem::path cache_file;  // empty when not cached
  bool from_cache = false;
  double seconds = 0;  // computing or reading them
};

// Statistics of the Fashion-MNIST test images under `extractor` (the first `limit`, all when < 0).
// With a non-empty `cache_dir` they are read from, or written atomically to,
// cache_dir/fmnist-test-<extractor cache key>-n<count>.safetensors.
ReferenceStats fashion_mnist_reference(FeatureExtractor& extractor,
                                       const std::filesystem::path& data_dir,
                                       const std::filesystem::path& cache_dir,
                                       std::int64_t limit = -1, std::int64_t batch_size = 250,
                                       const ProgressFn& progress = {});
// Reference statistics from a .safetensors file with float64 `mu` and `sigma` (ConfigError for
// field "reference" when their dimension differs from the extractor's).
ReferenceStats file_reference(const std::filesystem::path& file, std::int64_t expected_dim);

}  // namespace tdq
