#include "core/model/find_model.h"

#include <vector>

#include "core/common/errors.h"
#include "core/run/run_folder.h"

namespace tdq {
namespace {

std::vector<std::filesystem::path> model_candidates(const std::filesystem::path& run,
                                                    const std::filesystem::path& written) {
  std::vector<std::filesystem::path> out = {written};
  if (written.is_relative()) {
    std::filesystem::path base = std::filesystem::absolute(run).lexically_normal();
    for (int up = 0; up < 4 && base.has_parent_path() && base != base.parent_path(); ++up) {
      base = base.parent_path();
      out.push_back(base / written);
    }
  }
  out.push_back(default_model_dir());
  return out;
}

}  // namespace

LoadedModel find_model(const std::filesystem::path& run, const std::filesystem::path& written,
                       const std::string& sha256) {
  std::string other;
  for (const auto& dir : model_candidates(run, written)) {
    if (!std::filesystem::exists(dir / kConfigFile)) continue;
    LoadedModel model = load_model(dir);
    if (model.weights_sha256 == sha256) return model;
    if (other.empty()) {
      other = "; " + dir.string() + " holds another model (sha256 " +
              model.weights_sha256.substr(0, 12) + "...)";
    }
  }
  throw ConfigError((run / kRunJson).string() + ": its model " + written.string() + " (sha256 " +
                    sha256.substr(0, 12) + "...) is not found" + other);
}

}  // namespace tdq
