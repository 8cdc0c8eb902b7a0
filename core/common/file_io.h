#pragma once
#include <filesystem>
#include <string>
#include <string_view>

namespace tdq {

// Whole file as bytes; IoError naming the file when it cannot be read.
std::string read_file_bytes(const std::filesystem::path& file);

// Writes `<file>.tmp.<pid>` and renames it over `file`, so readers never see a half-written file
// and a failed write leaves the previous version in place.
void write_file_atomic(const std::filesystem::path& file, std::string_view bytes);

// Lowercase hex SHA-256 of bytes or of a file's content (model references, data set hashes).
std::string sha256_hex(std::string_view bytes);
std::string sha256_file(const std::filesystem::path& file);

}  // namespace tdq
