// A feature-network folder (config.json + model.safetensors), as `tdq fid --features` loads it.
#include "core/eval/feature_net.h"
#include "tests/fuzz/fuzz_target.h"
#include "tests/support/tiny_runs.h"

namespace {

tdq::fuzz::FolderTemplate& feature_net_folder() {
  static tdq::fuzz::FolderTemplate folder(
      [](const std::filesystem::path& dir) { return tdq::test::make_tiny_model(dir).features; });
  return folder;
}

std::vector<std::string> feature_net_seeds() { return feature_net_folder().seeds(); }

}  // namespace

TDQ_FUZZ_SEEDS(feature_net, feature_net_seeds)

TDQ_FUZZ_TARGET(feature_net) {
  feature_net_folder().fuzz(bytes,
                            [](const std::filesystem::path& dir) { tdq::load_feature_net(dir); });
}
