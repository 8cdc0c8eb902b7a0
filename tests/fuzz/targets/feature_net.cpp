// A feature-network folder (config.json + model.safetensors), as `tdq fid --features` loads it.
#include "core/eval/feature_net.h"
#include "tests/fuzz/fuzz_target.h"
#include "tests/support/tiny_runs.h"

namespace {

tdq::fuzz::FolderTemplate& folder() {
  static tdq::fuzz::FolderTemplate folder(
      [](const std::filesystem::path& dir) { return tdq::test::make_tiny_model(dir).features; });
  return folder;
}

std::vector<std::string> seeds() { return folder().seeds(); }

}  // namespace

TDQ_FUZZ_SEEDS(feature_net, seeds)

TDQ_FUZZ_TARGET(feature_net) {
  folder().fuzz(bytes, [](const std::filesystem::path& dir) { tdq::load_feature_net(dir); });
}
