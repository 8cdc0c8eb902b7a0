#include "core/sensitivity/sample_statistic.h"

#include <ATen/ATen.h>

#include <algorithm>

#include "core/common/errors.h"

namespace tdq {

std::string to_string(SampleStatistic statistic) {
  switch (statistic) {
    case SampleStatistic::Mean:
      return "mean";
    case SampleStatistic::Median:
      return "median";
    case SampleStatistic::Trimmed:
      return "trimmed";
  }
  return "mean";
}

SampleStatistic parse_sample_statistic(const std::string& name) {
  for (auto s : {SampleStatistic::Mean, SampleStatistic::Median, SampleStatistic::Trimmed})
    if (to_string(s) == name) return s;
  throw ConfigError("search.measure_statistic", name, "must be mean, median or trimmed");
}

at::Tensor sample_statistic(const at::Tensor& per_sample, SampleStatistic statistic) {
  const at::Tensor x = per_sample.to(at::kDouble);
  const std::int64_t n = x.size(-1);
  switch (statistic) {
    case SampleStatistic::Mean:
      return x.mean(-1);
    case SampleStatistic::Median:
      return std::get<0>(x.median(-1));
    case SampleStatistic::Trimmed: {
      const std::int64_t keep = std::max<std::int64_t>(1, n - n / 4);
      return std::get<0>(x.sort(-1)).narrow(-1, 0, keep).mean(-1);
    }
  }
  return x.mean(-1);
}

}  // namespace tdq
