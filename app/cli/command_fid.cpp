// `tdq fid`: FID and Inception Score of the FP model or a quantized twin, for several step counts
// and seeds, written as a run folder of kind "fid".
#include <iomanip>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/cli/cli_support.h"
#include "app/cli/int_list.h"
#include "core/common/errors.h"
#include "core/common/runtime.h"
#include "core/data/fashion_mnist.h"
#include "core/dist/dist_context.h"
#include "core/eval/feature_extractor.h"
#include "core/eval/feature_net.h"
#include "core/eval/fid_reference.h"
#include "core/eval/fid_run.h"
#include "core/eval/fid_run_folder.h"
#include "core/model/model_io.h"
#include "core/quant/quant_run.h"
#include "core/run/run_folder.h"

namespace tdq::cli {

namespace {

struct FidOptions {
  CommonOptions common;
  std::string model = default_model_dir().string();
  std::string quant;
  std::string out;
  std::string steps = "20";
  std::string seeds;  // default: --seed
  SamplerOptions sampling;
  std::string features = default_feature_net_dir().string();
  std::string features_range = "0,1";
  std::string ref;
  std::string data = default_fashion_mnist_dir().string();
  std::string cache;
  std::string vs_fp;
  std::int64_t ref_n = -1;
  std::int64_t n = 1000;
  std::int64_t batch = 64;
  std::int64_t is_splits = 10;
  bool real = false;
};

void run_fid_command(const FidOptions& given) {
  // Under torchrun or --nproc every rank runs this; one process is the world of size 1.
  const DistContext dist = connect_dist(dist_env_from_process());
  FidOptions o = given;
  if (!is_root(dist)) o.common.quiet = true;  // one progress bar and one report: rank 0's
  apply_common_options(o.common);
  note_stale_temporaries(o.out, o.common);
  const c10::Device device = parse_device(o.common.device);
  const std::filesystem::path out = o.out;
  require_new_run_folder(out);
  FidRunOptions options;
  options.count = o.n;
  options.batch_size = o.batch;
  options.is_splits = o.is_splits;
  options.steps = parse_int_list(o.steps, "--steps", 1);
  options.seeds.clear();
  if (o.seeds.empty()) {
    options.seeds.push_back(o.common.seed);
  } else {
    for (std::int64_t seed : parse_int_list(o.seeds, "--seeds", 0)) {
      options.seeds.push_back(static_cast<std::uint64_t>(seed));
    }
  }
  for (std::int64_t steps : options.steps) {
    if (steps > 1000)
      throw ConfigError("--steps: " + std::to_string(steps) + " exceeds the 1000 time steps");
  }
  options.sampler = sampler_config(o.sampling, options.sampler.steps);  // steps: per point

  const std::filesystem::path features = o.features;
  std::unique_ptr<FeatureExtractor> extractor =
      features.extension() == ".pt" || features.extension() == ".pth" ||
              std::filesystem::is_regular_file(features)
          ? make_inception_extractor(features, parse_inception_range(o.features_range), device)
          : make_feature_net_extractor(features, device);
  LoadedModel loaded = load_model(o.model);
  loaded.model->to(device);
  std::unique_ptr<QuantizedModel> twin;
  if (!o.quant.empty()) twin = load_quantize_run(o.quant, loaded);

  const std::filesystem::path cache = !o.cache.empty()
                                          ? std::filesystem::path(o.cache)
                                          : std::filesystem::absolute(out).parent_path() / ".cache";
  auto load_reference = [&] {
    return o.ref.empty() ? fashion_mnist_reference(*extractor, o.data, cache, o.ref_n, o.batch,
                                                   make_progress_bar("reference", o.common))
                         : file_reference(o.ref, extractor->dim());
  };
  // Rank 0 computes and caches the reference first; the other ranks then read its cache instead
  // of each computing (and writing) the same file.
  ReferenceStats reference;
  if (is_root(dist)) reference = load_reference();
  barrier(dist);
  if (!is_root(dist)) reference = load_reference();
  FidPointStats fp_points;
  if (!o.vs_fp.empty()) {
    if (o.real) throw ConfigError("--vs-fp compares samples; it does not go with --real");
    fp_points = read_fp_point_stats(o.vs_fp, options, loaded.weights_sha256, extractor->sha256());
  }
  FidResult result;
  if (o.real) {
    options.steps = {0};
    const ImageDataset train = load_fashion_mnist(o.data, Split::Train);
    result = run_fid_real(train.images, *extractor, reference.stats, options,
                          make_progress_bar("fid", o.common));
  } else {
    result = run_fid(*loaded.model, linear_schedule(), *extractor, reference.stats, options, device,
                     make_progress_bar("fid", o.common), twin.get(),
                     o.vs_fp.empty() ? nullptr : &fp_points, dist);
  }
  if (!is_root(dist)) return;  // every rank holds the result; rank 0 alone writes and reports
  FidRunInfo info;
  info.world_size = dist.world_size;
  info.model_dir = loaded.dir;
  info.model_sha256 = loaded.weights_sha256;
  info.quant_run = o.quant;
  info.table_fallbacks = twin ? twin->fallbacks() : 0;
  info.device = o.common.device;
  info.vs_fp_run = o.vs_fp;
  nlohmann::json run = fid_run_json(info, options, *extractor, reference, result);
  if (o.real) run["real_images"] = "fashion-mnist train (" + o.data + ")";
  const auto written = write_fid_run(out, run, result);

  std::ostringstream human;
  human << std::fixed << std::setprecision(3);
  human << "FID (" << extractor->name() << ", " << o.n << " samples, " << o.sampling.sampler
        << ", reference " << reference.source << ")\n";
  for (const auto& p : result.points) {
    human << "  " << (o.real ? "real images" : "steps " + std::to_string(p.steps)) << " seed "
          << p.seed << ": FID " << p.frechet.distance;
    if (p.has_vs_fp) human << "  FID vs FP " << p.vs_fp.distance;
    if (p.has_is) human << "  IS " << p.is.mean << " +- " << p.is.std;
    human << "  (" << p.sample_seconds << " s sampling, " << p.feature_seconds << " s features)\n";
  }
  for (const auto& s : result.summaries) {
    human << "  steps " << s.steps << ": FID " << s.fid_mean << " +- " << s.fid_std << " over "
          << options.seeds.size() << " seed(s)";
    if (s.has_vs_fp) human << "; vs FP samples " << s.vs_fp_mean << " +- " << s.vs_fp_std;
    human << "\n";
  }
  human << "run written to " << written.string() << " in " << result.seconds << " s\n";
  nlohmann::json printed = run.at("metrics");
  printed["out"] = written.string();
  printed["n"] = o.n;
  printed["steps"] = options.steps;
  printed["seeds"] = options.seeds;
  printed["sampler"] = o.sampling.sampler;
  printed["features_sha256"] = extractor->sha256();
  print_result(o.common, printed, human.str());
}

// CLI11 validator: a bad list is a usage error (exit 2) caught before any work starts.
CLI::Validator int_list(const std::string& option, std::int64_t min) {
  return CLI::Validator(
      [option, min](std::string& value) {
        try {
          parse_int_list(value, option, min);
        } catch (const std::exception& e) {
          return std::string(e.what());
        }
        return std::string();
      },
      "LIST");
}

}  // namespace

void add_fid_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<FidOptions>();
  CLI::App* c =
      app.add_subcommand("fid", "FID and Inception Score of generated samples (FP or quantized)");
  c->add_option("--out", o->out, "Run folder to write (run.json, tables/fid.csv)")->required();
  c->add_option("--model", o->model, "Model folder")->capture_default_str();
  c->add_option("--quant", o->quant, "Quantize run folder: evaluate the quantized twin");
  c->add_option("--n", o->n, "Samples per (steps, seed)")
      ->check(CLI::Range(2, 1000000))
      ->capture_default_str();
  c->add_option("--steps", o->steps, "Sampling step counts, comma-separated (e.g. 100,50,20,10)")
      ->check(int_list("--steps", 1))
      ->capture_default_str();
  c->add_option("--seeds", o->seeds, "Seeds, comma-separated (default: --seed)")
      ->check(int_list("--seeds", 0));
  add_sampler_options(*c, o->sampling);
  c->add_option("--batch", o->batch, "Images per forward pass")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  c->add_option("--features", o->features,
                "Feature network folder, or a TorchScript Inception file (.pt) returning [N, 2048]")
      ->capture_default_str();
  c->add_option("--features-range", o->features_range,
                "Input range of a TorchScript Inception: 0,1 (pytorch-fid), -1,1 or 0,255")
      ->check(CLI::IsMember({"0,1", "-1,1", "0,255"}))
      ->capture_default_str();
  c->add_option("--ref", o->ref,
                "Reference statistics (.safetensors with float64 mu, sigma); default: "
                "Fashion-MNIST test set");
  c->add_option("--data", o->data, "Fashion-MNIST folder for the reference statistics")
      ->capture_default_str();
  c->add_option("--vs-fp", o->vs_fp,
                "FP FID run made with the same --n, --batch and sampler: also the FID against "
                "its samples from the same noise (what quantization changed)");
  c->add_option("--ref-n", o->ref_n, "Reference images (default: all 10,000 test images)")
      ->check(CLI::PositiveNumber);
  c->add_option("--cache", o->cache,
                "Folder for cached reference statistics (default: <run store>/.cache)");
  c->add_option("--is-splits", o->is_splits, "Inception Score splits")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  c->add_flag(
      "--real", o->real,
      "Score --n real training images per seed instead of samples: the FID floor for this n");
  add_common_options(*c, o->common);
  add_nproc_option(*c);
  c->callback([o, &action] { action = [o] { run_fid_command(*o); }; });
}

}  // namespace tdq::cli
