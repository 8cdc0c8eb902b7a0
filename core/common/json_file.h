#pragma once
#include <filesystem>

#include <nlohmann/json_fwd.hpp>

namespace tdq {

// A whole JSON file: IoError when it cannot be read, FormatError naming the file and the byte
// offset when it is not valid JSON. Every reader of run.json, config.json and the other JSON files
// a run folder holds goes through here, so their errors read alike.
nlohmann::json read_json_file(const std::filesystem::path& file);

}  // namespace tdq
