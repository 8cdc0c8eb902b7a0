#include <sstream>

#include <nlohmann/json.hpp>

#include "app/cli/cli_support.h"
#include "core/model/model_io.h"

namespace tdq::cli {

void add_info_command(CLI::App& app, Action& action) {
  struct Options {
    CommonOptions common;
    std::string model = default_model_dir().string();
  };
  auto options = std::make_shared<Options>();
  CLI::App* command =
      app.add_subcommand("info", "Show a model's config, parameter count and conv/linear layers");
  command->add_option("--model", options->model, "Model folder (config.json + safetensors)")
      ->capture_default_str();
  add_common_options(*command, options->common);
  command->callback([options, &action] {
    action = [options] {
      apply_common_options(options->common);
      const LoadedModel loaded = load_model(options->model);
      const UNetImpl& model = *loaded.model;
      nlohmann::json layers = nlohmann::json::array();
      std::ostringstream human;
      human << "model " << loaded.dir.string() << "\n"
            << "parameters " << model.parameter_count() << "\n"
            << "sha256 " << loaded.weights_sha256 << "\n"
            << "block_out_channels";
      for (auto c : model.config().block_out_channels) human << " " << c;
      human << ", layers_per_block " << model.config().layers_per_block << ", sample_size "
            << model.config().sample_size << "\n"
            << model.layers().size() << " conv/linear layers:\n";
      for (const LayerInfo& layer : model.layers()) {
        layers.push_back({{"index", layer.index},
                          {"path", layer.path},
                          {"kind", to_string(layer.kind)},
                          {"weight_shape", layer.weight_shape}});
        human << "  " << layer.index << "\t" << to_string(layer.kind) << "\t" << layer.path
              << "\t[";
        for (std::size_t i = 0; i < layer.weight_shape.size(); ++i) {
          human << (i ? "," : "") << layer.weight_shape[i];
        }
        human << "]\n";
      }
      print_result(options->common,
                   {{"model", loaded.dir.string()},
                    {"sha256", loaded.weights_sha256},
                    {"parameters", model.parameter_count()},
                    {"config", unet_config_to_json(model.config())},
                    {"layers", layers}},
                   human.str());
    };
  });
}

}  // namespace tdq::cli
