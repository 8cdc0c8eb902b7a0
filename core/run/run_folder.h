#pragma once
#include <filesystem>
#include <map>
#include <string>

#include <ATen/Tensor.h>
#include <nlohmann/json.hpp>

namespace tdq {

constexpr int kRunSchemaVersion = 1;
constexpr const char* kRunJson = "run.json";

// IoError when `run_dir` exists already: a run is never overwritten. Jobs call it before any
// work, so a name clash does not cost a calibration or a sampling run first.
void require_new_run_folder(const std::filesystem::path& run_dir);

// The fields every run.json (and training.json) starts from: schema_version, kind, versions of
// the program and LibTorch, and the UTC time written. Writers add their own fields to it.
nlohmann::json run_envelope(const std::string& kind);

// The "model" block of a run.json: the model folder as model_dir_for_record names it, and the
// sha256 of its weights, by which find_model finds it again.
nlohmann::json run_model_json(const std::filesystem::path& model_dir, const std::string& sha256);

// Writes a run folder atomically: everything goes to `<run>.tmp/`, renamed to `<run>` by commit().
// A writer destroyed without commit (error, cancel) removes the temp folder, so a failed or
// cancelled job never leaves a half-written run. An existing run is never overwritten.
class RunFolderWriter {
 public:
  explicit RunFolderWriter(std::filesystem::path run_dir);
  ~RunFolderWriter();
  RunFolderWriter(const RunFolderWriter&) = delete;
  RunFolderWriter& operator=(const RunFolderWriter&) = delete;

  const std::filesystem::path& temp_dir() const { return temp_; }
  void write_json(const std::string& name, const nlohmann::json& json);
  void write_tensors(const std::string& name, const std::map<std::string, at::Tensor>& tensors,
                     const std::map<std::string, std::string>& metadata = {});
  std::filesystem::path commit();

 private:
  std::filesystem::path final_, temp_;
  bool committed_ = false;
};

// run.json with its schema version checked; FormatError for a missing file, bad JSON or an unknown
// version.
nlohmann::json read_run_json(const std::filesystem::path& run_dir);
// The same for a run of one kind ("fid", "analyze", ...): FormatError naming the file otherwise.
nlohmann::json read_run_json(const std::filesystem::path& run_dir, const std::string& kind);

// <run>.checkpoint.safetensors beside the run folder: where every resumable job (QAT, sensitivity)
// keeps its progress until the run folder holds the result.
std::filesystem::path run_checkpoint(const std::filesystem::path& run_dir);

// UTC time as ISO 8601, for run.json.
std::string utc_timestamp();

}  // namespace tdq
