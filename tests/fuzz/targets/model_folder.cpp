// A model folder (config.json + weights) as `--model` and the workbench load it.
#include "core/model/model_io.h"
#include "tests/fuzz/fuzz_target.h"
#include "tests/support/tiny_runs.h"

namespace {

tdq::fuzz::FolderTemplate& model_template() {
  static tdq::fuzz::FolderTemplate folder(
      [](const std::filesystem::path& dir) { return tdq::test::make_tiny_model(dir).model; });
  return folder;
}

std::vector<std::string> model_folder_seeds() { return model_template().seeds(); }

}  // namespace

TDQ_FUZZ_SEEDS(model_folder, model_folder_seeds)

TDQ_FUZZ_TARGET(model_folder) {
  model_template().fuzz(bytes, [](const std::filesystem::path& dir) { tdq::load_model(dir); });
}
