#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <ATen/Tensor.h>

namespace tdq {

// An IDX array (the MNIST file format): magic 00 00 <type> <rank>, big-endian u32 dims, then the
// big-endian values.
struct IdxArray {
  std::vector<std::int64_t> dims;
  // Shaped `dims`, native byte order, owning its memory. Type 0x08 -> uint8, 0x09 -> int8,
  // 0x0B -> int16, 0x0C -> int32, 0x0D -> float32, 0x0E -> float64.
  at::Tensor values;
};

// Strict: every inconsistency is a FormatError naming `source` and what is wrong.
IdxArray parse_idx(std::string_view bytes, const std::filesystem::path& source);

// Reads a raw or gzip-compressed (detected by its magic bytes 1f 8b) IDX file.
IdxArray read_idx(const std::filesystem::path& file);

// Inflates a whole gzip buffer (concatenated members too); FormatError with zlib's message when
// the data is corrupt or truncated.
std::string gunzip(std::string_view bytes, const std::filesystem::path& source);

}  // namespace tdq
