#pragma once
// The model a run folder was made for, found again wherever the run and the model now are.
#include <filesystem>
#include <string>

#include "core/model/model_io.h"

namespace tdq {

// Loads the first folder holding the model with weights `sha256`, trying in order: `written` (the
// model dir the run's run.json records) as given, a relative `written` under each of the run
// folder's four nearest ancestors (a committed run opened from another folder or clone), and the
// shipped default model. A ConfigError naming the run.json when none does; where a candidate
// holds another model, the message names it ("not found" alone would send the user looking for a
// folder that is right there).
LoadedModel find_model(const std::filesystem::path& run, const std::filesystem::path& written,
                       const std::string& sha256);

}  // namespace tdq
