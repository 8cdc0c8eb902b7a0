#pragma once
// How a config's per-sample errors become one number per seed (`tdq search-bits
// --measure-statistic`, docs/method.md section 10). The final-sample error of a few dozen samples
// is heavy-tailed (a few trajectories that end in another image carry a quarter of it), so its
// mean moves with those few: on held-out noise the mean ranked a refined mix better than uniform
// bits that FID ranked better; the median and the trimmed mean did not.
#include <string>

#include <ATen/Tensor.h>

namespace tdq {

enum class SampleStatistic {
  Mean,
  Median,   // the lower median for an even count
  Trimmed,  // the mean of the smallest 75 % (the largest quarter dropped)
};

std::string to_string(SampleStatistic statistic);
// ConfigError (search.measure_statistic) for another name.
SampleStatistic parse_sample_statistic(const std::string& name);

// [..., samples] -> [...] (double).
at::Tensor sample_statistic(const at::Tensor& per_sample, SampleStatistic statistic);

}  // namespace tdq
