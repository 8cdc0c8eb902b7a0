#include "core/eval/fid_run_folder.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <sstream>

#include "core/common/errors.h"
#include "core/common/file_io.h"
#include "core/common/json_number.h"
#include "core/eval/frechet.h"
#include "core/run/run_folder.h"

namespace tdq {

namespace {
constexpr const char* kStatsDir = "stats";
// stats/steps<k>.seed<s>.safetensors: the reference-statistics format (mu, sigma, count), so that
// a point's statistics also serve as `tdq fid --ref`.
std::filesystem::path point_file(std::int64_t steps, std::uint64_t seed) {
  return std::filesystem::path(kStatsDir) /
         ("steps" + std::to_string(steps) + ".seed" + std::to_string(seed) + ".safetensors");
}
}  // namespace

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
  if (p.has_vs_fp) json["fid_vs_fp"] = p.vs_fp.distance;
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
  nlohmann::json json = {{"steps", s.steps},
                         {"fid_mean", s.fid_mean},
                         {"fid_std", s.fid_std},
                         {"is_mean", s.is_mean},
                         {"is_std", s.is_std}};
  if (s.has_vs_fp) {
    json["fid_vs_fp_mean"] = s.vs_fp_mean;
    json["fid_vs_fp_std"] = s.vs_fp_std;
  }
  return json;
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
  std::int64_t clamped = 0;
  double most_negative = 0;
  for (const auto& p : result.points) {
    clamped += p.frechet.clamped_eigenvalues;
    most_negative = std::min(most_negative, p.frechet.most_negative_eigenvalue);
  }
  const nlohmann::json numbers = to_json(result);
  const nlohmann::json first =
      result.summaries.empty() ? nlohmann::json() : to_json(result.summaries.front());
  auto headline = [&](const char* key) { return first.is_null() ? nlohmann::json() : first[key]; };
  nlohmann::json run = run_envelope("fid");
  run.update(
      {{"model", run_model_json(info.model_dir, info.model_sha256)},
       {"quant", info.quant_run.empty() ? nlohmann::json() : nlohmann::json(info.quant_run)},
       {"vs_fp", info.vs_fp_run.empty() ? nlohmann::json() : nlohmann::json(info.vs_fp_run)},
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
        {{"fid", headline("fid_mean")},
         {"fid_std", headline("fid_std")},
         {"is_mean", headline("is_mean")},
         {"is_std", headline("is_std")},
         {"summaries", numbers.at("summaries")},
         {"points", numbers.at("points")},
         {"eigenvalues_clamped", clamped},
         {"most_negative_eigenvalue", most_negative},
         {"table_fallbacks", info.table_fallbacks},
         {"seconds", result.seconds}}},
       {"device", info.device},
       {"world_size", info.world_size},
       {"threads", at::get_num_threads()}});
  return run;
}

std::filesystem::path write_fid_run(const std::filesystem::path& out,
                                    const nlohmann::json& run_json, const FidResult& result) {
  RunFolderWriter writer(out);
  std::filesystem::create_directories(writer.temp_dir() / "tables");
  write_file_atomic(writer.temp_dir() / "tables" / "fid.csv", fid_csv(result));
  for (const auto& p : result.points) {
    if (!p.stats.mean.defined()) continue;
    std::filesystem::create_directories(writer.temp_dir() / kStatsDir);
    write_gaussian_stats(writer.temp_dir() / point_file(p.steps, p.seed), p.stats);
  }
  writer.write_json(kRunJson, run_json);  // last: a folder with run.json is complete
  return writer.commit();
}

FidPointStats read_fp_point_stats(const std::filesystem::path& run, const FidRunOptions& options,
                                  const std::string& model_sha256,
                                  const std::string& features_sha256) {
  const nlohmann::json json = read_run_json(run, "fid");
  auto refuse = [&](const std::string& why) { return ConfigError("fid.vs_fp", run.string(), why); };
  try {
    if (!json.value("quant", nlohmann::json()).is_null())
      throw refuse("is not a run of the FP model");
    if (json.at("model").value("sha256", "") != model_sha256)
      throw refuse("was made with another model");
    if (json.at("features").value("sha256", "") != features_sha256)
      throw refuse("was made with another feature network");
    const nlohmann::json& sampler = json.at("sampler");
    if (json.value("n", std::int64_t{-1}) != options.count ||
        json.value("batch", std::int64_t{-1}) != options.batch_size ||
        sampler.value("kind", "") != to_string(options.sampler.kind) ||
        sampler.value("skip", "") != to_string(options.sampler.skip) ||
        sampler.value("clip_x0", !options.sampler.clip_x0) != options.sampler.clip_x0) {
      throw refuse("was sampled with another n, batch or sampler, so from other noise");
    }
    FidPointStats points;
    for (const auto& p : json.at("metrics").at("points")) {
      const auto steps = json_as<std::int64_t>(p.at("steps"));
      const auto seed = json_as<std::uint64_t>(p.at("seed"));
      const auto file = run / point_file(steps, seed);
      if (!std::filesystem::exists(file)) throw refuse("has no statistics file " + file.string());
      points[{steps, seed}] = read_gaussian_stats(file);
    }
    return points;
  } catch (const nlohmann::json::exception& e) {
    // A key of another type than this build writes: name the file, not only nlohmann's words.
    throw FormatError(run / kRunJson, std::string("unexpected content: ") + e.what());
  }
}

}  // namespace tdq
