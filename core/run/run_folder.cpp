#include "core/run/run_folder.h"

#include <ctime>

#include "core/common/errors.h"
#include "core/common/file_io.h"
#include "core/model/safetensors.h"

namespace tdq {

RunFolderWriter::RunFolderWriter(std::filesystem::path run_dir)
    : final_(std::move(run_dir)), temp_(final_.string() + ".tmp") {
  if (final_.empty()) throw ConfigError("run folder: empty path");
  if (std::filesystem::exists(final_)) {
    throw IoError(final_.string() + ": run folder exists already (choose another --out or remove it)");
  }
  std::error_code ec;
  std::filesystem::remove_all(temp_, ec);  // a crash's leftovers, never a finished run
  std::filesystem::create_directories(temp_, ec);
  if (ec) throw IoError(temp_.string() + ": cannot create folder: " + ec.message());
}

RunFolderWriter::~RunFolderWriter() {
  if (committed_) return;
  std::error_code ec;
  std::filesystem::remove_all(temp_, ec);
}

void RunFolderWriter::write_json(const std::string& name, const nlohmann::json& json) {
  write_file_atomic(temp_ / name, json.dump(2) + "\n");
}

void RunFolderWriter::write_tensors(const std::string& name, const std::map<std::string, at::Tensor>& tensors,
                                    const std::map<std::string, std::string>& metadata) {
  write_safetensors(temp_ / name, tensors, metadata);
}

std::filesystem::path RunFolderWriter::commit() {
  std::error_code ec;
  std::filesystem::rename(temp_, final_, ec);
  if (ec) throw IoError(final_.string() + ": cannot finish the run folder: " + ec.message());
  committed_ = true;
  return final_;
}

nlohmann::json read_run_json(const std::filesystem::path& run_dir) {
  const auto file = run_dir / kRunJson;
  if (!std::filesystem::exists(file)) throw IoError(file.string() + ": not found (is this a run folder?)");
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(read_file_bytes(file));
  } catch (const nlohmann::json::parse_error& e) {
    throw FormatError(file, std::string("not valid JSON: ") + e.what(), static_cast<std::int64_t>(e.byte));
  }
  if (!json.is_object() || !json.contains("schema_version") || !json["schema_version"].is_number_integer()) {
    throw FormatError(file, "no integer schema_version");
  }
  const int version = json["schema_version"].get<int>();
  if (version != kRunSchemaVersion) {
    throw FormatError(file, "schema_version " + std::to_string(version) + " is not supported (this build reads " +
                                std::to_string(kRunSchemaVersion) + ")");
  }
  return json;
}

std::string utc_timestamp() {
  const std::time_t now = std::time(nullptr);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return text;
}

nlohmann::json read_run_json(const std::filesystem::path& run_dir, const std::string& kind) {
  nlohmann::json json = read_run_json(run_dir);
  const std::string found = json.value("kind", "");
  if (found != kind) {
    throw FormatError(run_dir / kRunJson, "key kind is '" + found + "', not '" + kind + "'");
  }
  return json;
}

}  // namespace tdq
