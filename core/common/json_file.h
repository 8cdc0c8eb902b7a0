#pragma once
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "core/common/errors.h"
#include "core/common/json_number.h"

namespace tdq {

// A whole JSON file: IoError when it cannot be read, FormatError naming the file and the byte
// offset when it is not valid JSON. Every reader of run.json, config.json and the other JSON files
// a run folder holds goes through here, so their errors read alike.
nlohmann::json read_json_file(const std::filesystem::path& file);

// The value at a JSON pointer ("/model/dir") of a file's JSON as T; FormatError naming the file
// and the key when it is missing or of another type.
template <class T>
T json_field(const nlohmann::json& json, const std::string& pointer,
             const std::filesystem::path& file) {
  try {
    return json_as<T>(json.at(nlohmann::json::json_pointer(pointer)));
  } catch (const nlohmann::json::exception&) {
    throw FormatError(file, "key " + pointer + " is missing or has the wrong type");
  }
}

}  // namespace tdq
