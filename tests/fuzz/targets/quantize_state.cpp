// The parsers of a quantize run folder, one file per input, in the steps of load_quantize_run:
// run.json (kind, model hash, quant_config, the layers list against the twin that config builds)
// and quant.safetensors (parsed and loaded into the twin), for a per-step table run and a TDQ-PTQ
// run. The quantize_run target drives the same readers end to end, but loads and hashes the model
// and builds twins per input (a few inputs a second under ASan); here the model is loaded once and
// a twin is built once per quant config, so the parsers see millions of inputs.
//
// Input: the first byte picks the file (as FolderTemplate does), the rest is its content.
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>

#include "core/common/errors.h"
#include "core/common/file_io.h"
#include "core/model/safetensors.h"
#include "core/quant/quant_run.h"
#include "core/run/run_folder.h"
#include "tests/fuzz/fuzz_target.h"
#include "tests/fuzz/quantize_run_template.h"

namespace {

using tdq::QuantizedModel;
using TensorMap = std::map<std::string, at::Tensor>;

bool same_state(const TensorMap& a, const TensorMap& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [key, tensor] : a) {
    const auto it = b.find(key);
    if (it == b.end() || tensor.scalar_type() != it->second.scalar_type() ||
        !tensor.sizes().equals(it->second.sizes()) || !at::equal(tensor, it->second)) {
      return false;
    }
  }
  return true;
}

// A twin of one quant config with a run's valid state loaded, as load_quantize_run leaves it; the
// outcome of that load is kept, so that a run.json naming the config answers as it would.
struct CachedTwin {
  std::unique_ptr<QuantizedModel> twin;
  std::optional<std::string> load_error;  // the valid state did not fit this config
  TensorMap state;                        // the twin's state after the valid load
};

struct StateRuns {
  std::filesystem::path model_dir;
  tdq::fuzz::FolderTemplate folder;
  tdq::LoadedModel model;
  std::map<std::string, TensorMap> valid_state;          // by run name (table, tdq)
  std::map<std::string, tdq::QuantConfig> valid_config;  // by run name
  std::map<std::string, CachedTwin> twins;               // by twin_key

  StateRuns()
      : folder([this](const std::filesystem::path& dir) {
          const auto made = tdq::fuzz::make_quantize_runs(dir / "quantize_state");
          model_dir = made.model_dir;
          return made.runs;
        }),
        model(tdq::load_model(model_dir)) {
    for (const char* name : {"table", "tdq"}) {
      const auto file = folder.folder() / name / tdq::kQuantState;
      valid_state[name] = tdq::read_safetensors(file).tensors;
      const auto run = folder.folder() / name;
      valid_config[name] = tdq::quantize_run_config(tdq::read_run_json(run), run, model);
      if (twin(name, valid_config[name]).load_error) {  // else every state input fails alike
        throw std::logic_error(
            "fuzz template: the " + std::string(name) +
            " run's own state does not load: " + *twin(name, valid_config[name]).load_error);
      }
    }
  }

  static std::string twin_key(const std::string& run, const tdq::QuantConfig& config) {
    return run + "\n" + tdq::to_json(config).dump();
  }

  CachedTwin& twin(const std::string& run, const tdq::QuantConfig& config) {
    const std::string key = twin_key(run, config);
    auto it = twins.find(key);
    if (it != twins.end()) return it->second;
    if (twins.size() >= 64) twins.clear();  // fuzzed configs: keep memory bounded
    CachedTwin made;
    made.twin = std::make_unique<QuantizedModel>(*model.model, config);
    try {
      made.twin->load_state(valid_state.at(run));
    } catch (const tdq::ConfigError& e) {
      made.load_error = e.what();
    }
    made.state = made.twin->state();
    return twins.emplace(key, std::move(made)).first->second;
  }
};

StateRuns& state_runs() {
  static StateRuns runs;
  return runs;
}

std::vector<std::string> quantize_state_seeds() { return state_runs().folder.seeds(); }

}  // namespace

TDQ_FUZZ_SEEDS(quantize_state, quantize_state_seeds)

TDQ_FUZZ_TARGET(quantize_state) {
  StateRuns& r = state_runs();
  const auto& files = r.folder.files();
  const std::size_t index = bytes.empty() ? 0 : static_cast<unsigned char>(bytes[0]) % files.size();
  const std::string_view content =
      bytes.empty() ? std::string_view(r.folder.original(index)) : bytes.substr(1);
  const std::filesystem::path& file = files[index];
  const std::string run_name = file.parent_path().filename().string();

  if (file.filename() == tdq::kRunJson) {
    // Written into a scratch run folder, so that read_run_json reads it as it reads any run.json.
    const auto scratch = tdq::fuzz::scratch_dir() / "quantize_state" / run_name;
    std::filesystem::create_directories(scratch);
    tdq::write_file_atomic(scratch / tdq::kRunJson, content);
    const nlohmann::json json = tdq::read_run_json(scratch);
    CachedTwin& cached = r.twin(run_name, tdq::quantize_run_config(json, scratch, r.model));
    tdq::check_recorded_layers(json, *cached.twin, scratch);
    if (cached.load_error) throw tdq::ConfigError(*cached.load_error);
    return;
  }
  // quant.safetensors, loaded into the twin of the run's valid config. A file that does not parse
  // (FormatError) never reaches the twin.
  const tdq::SafetensorsFile parsed = tdq::parse_safetensors(content, file);
  const std::string key = StateRuns::twin_key(run_name, r.valid_config.at(run_name));
  CachedTwin& cached = r.twin(run_name, r.valid_config.at(run_name));
  struct Restore {  // a load that failed half-way, or succeeded, changed the cached twin
    StateRuns& r;
    const std::string& key;
    ~Restore() {
      auto it = r.twins.find(key);
      if (it != r.twins.end() && !same_state(it->second.twin->state(), it->second.state))
        r.twins.erase(it);
    }
  } restore{r, key};
  tdq::load_quant_state(*cached.twin, parsed.tensors, file);
}
