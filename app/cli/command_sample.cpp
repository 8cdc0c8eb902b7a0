#include <chrono>
#include <cmath>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/cli/cli_support.h"
#include "core/common/runtime.h"
#include "core/diffusion/generate.h"
#include "core/image/image_grid.h"
#include "core/model/model_io.h"
#include "core/quant/quant_run.h"

namespace tdq::cli {

namespace {

struct SampleOptions {
  CommonOptions common;
  std::string model = default_model_dir().string();
  std::string quant;
  std::string out = "samples.png";
  SamplerOptions sampling;
  std::int64_t n = 64;
  std::int64_t steps = 100;
  std::int64_t batch = 64;
  std::int64_t columns = 0;
};

void run_sample(const SampleOptions& o) {
  apply_common_options(o.common);
  const c10::Device device = parse_device(o.common.device);
  LoadedModel loaded = load_model(o.model);
  loaded.model->to(device);
  GenerateOptions options;
  options.count = o.n;
  options.batch_size = o.batch;
  options.seed = o.common.seed;
  options.sampler = sampler_config(o.sampling, o.steps);
  std::unique_ptr<QuantizedModel> twin;
  if (!o.quant.empty()) twin = load_quantize_run(o.quant, loaded);
  const auto start = std::chrono::steady_clock::now();
  const at::Tensor images = generate_samples(*loaded.model, linear_schedule(), options, device,
                                             make_progress_bar("sample", o.common), twin.get());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::int64_t columns =
      o.columns > 0 ? o.columns
                    : static_cast<std::int64_t>(std::ceil(std::sqrt(static_cast<double>(o.n))));
  const auto written = write_image(o.out, make_image_grid(images, columns));
  std::ostringstream human;
  human << "wrote " << o.n << " samples (" << o.sampling.sampler << ", " << o.steps
        << " steps, seed " << o.common.seed << ") to " << written.string() << " in " << seconds
        << " s\n";
  print_result(o.common,
               {{"out", written.string()},
                {"model", loaded.dir.string()},
                {"model_sha256", loaded.weights_sha256},
                {"n", o.n},
                {"steps", o.steps},
                {"sampler", o.sampling.sampler},
                {"skip", o.sampling.skip},
                {"seed", o.common.seed},
                {"quant", o.quant},
                {"table_fallbacks", twin ? twin->fallbacks() : 0},
                {"seconds", seconds}},
               human.str());
}

}  // namespace

void add_sample_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<SampleOptions>();
  CLI::App* c =
      app.add_subcommand("sample", "Generate images with DDIM or DDPM and write a grid image");
  c->add_option("--model", o->model, "Model folder")->capture_default_str();
  c->add_option("--quant", o->quant, "Quantize run folder: sample with the quantized twin");
  c->add_option("--out", o->out, "Grid image (PNG; PGM/PPM without OpenCV)")->capture_default_str();
  c->add_option("--n", o->n, "Number of images")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  c->add_option("--steps", o->steps, "Sampling steps")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  add_sampler_options(*c, o->sampling);
  c->add_option("--batch", o->batch, "Images per forward pass")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  c->add_option("--columns", o->columns, "Grid columns (default: square)")
      ->check(CLI::NonNegativeNumber);
  add_common_options(*c, o->common);
  c->callback([o, &action] { action = [o] { run_sample(*o); }; });
}

}  // namespace tdq::cli
