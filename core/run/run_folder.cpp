#include "core/run/run_folder.h"

#include <unistd.h>

#include <ctime>

#include "core/common/errors.h"
#include "core/common/file_io.h"
#include "core/common/json_file.h"
#include "core/common/json_number.h"
#include "core/common/version.h"
#include "core/model/model_io.h"
#include "core/model/safetensors.h"
#include "core/run/stale_temporaries.h"

namespace tdq {

void require_new_run_folder(const std::filesystem::path& run_dir) {
  if (std::filesystem::exists(run_dir)) {
    throw IoError(run_dir.string() +
                  ": run folder exists already (choose another name or remove it)");
  }
}

nlohmann::json run_envelope(const std::string& kind) {
  const VersionInfo versions = version_info();
  return {{"schema_version", kRunSchemaVersion},
          {"kind", kind},
          {"versions", {{"tdq", versions.tdq}, {"libtorch", versions.libtorch}}},
          {"written", utc_timestamp()}};
}

nlohmann::json run_model_json(const std::filesystem::path& model_dir, const std::string& sha256) {
  return {{"dir", model_dir_for_record(model_dir)}, {"sha256", sha256}};
}

RunFolderWriter::RunFolderWriter(std::filesystem::path run_dir)
    : final_(std::move(run_dir)), temp_(final_.string() + ".tmp") {
  if (final_.empty()) throw ConfigError("run folder: empty path");
  require_new_run_folder(final_);
  std::error_code ec;
  std::filesystem::remove_all(temp_, ec);  // a crash's leftovers, never a finished run
  std::filesystem::create_directories(temp_, ec);
  if (ec) throw IoError(temp_.string() + ": cannot create folder: " + ec.message());
  // Names the writer, so that a folder left by a killed process can be told from a live one's.
  write_file_atomic(temp_ / kWriterPidFile, std::to_string(static_cast<long>(::getpid())) + "\n");
}

RunFolderWriter::~RunFolderWriter() {
  if (committed_) return;
  std::error_code ec;
  std::filesystem::remove_all(temp_, ec);
}

void RunFolderWriter::write_json(const std::string& name, const nlohmann::json& json) {
  write_file_atomic(temp_ / name, json.dump(2) + "\n");
}

void RunFolderWriter::write_tensors(const std::string& name,
                                    const std::map<std::string, at::Tensor>& tensors,
                                    const std::map<std::string, std::string>& metadata) {
  write_safetensors(temp_ / name, tensors, metadata);
}

std::filesystem::path RunFolderWriter::commit() {
  std::error_code ec;
  std::filesystem::remove(temp_ / kWriterPidFile, ec);
  std::filesystem::rename(temp_, final_, ec);
  if (ec) throw IoError(final_.string() + ": cannot finish the run folder: " + ec.message());
  committed_ = true;
  return final_;
}

nlohmann::json read_run_json(const std::filesystem::path& run_dir) {
  const auto file = run_dir / kRunJson;
  if (!std::filesystem::exists(file))
    throw IoError(file.string() + ": not found (is this a run folder?)");
  const nlohmann::json json = read_json_file(file);
  if (!json.is_object() || !json.contains("schema_version") ||
      !json["schema_version"].is_number_integer()) {
    throw FormatError(file, "no integer schema_version");
  }
  const int version = json_as<int>(json["schema_version"]);
  if (version != kRunSchemaVersion) {
    throw FormatError(file, "schema_version " + std::to_string(version) +
                                " is not supported (this build reads " +
                                std::to_string(kRunSchemaVersion) + ")");
  }
  return json;
}

std::filesystem::path run_checkpoint(const std::filesystem::path& run_dir) {
  std::filesystem::path run = run_dir;
  if (!run.has_filename()) run = run.parent_path();
  return run.parent_path() / (run.filename().string() + ".checkpoint.safetensors");
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
