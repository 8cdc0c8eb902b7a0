#pragma once
#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include <ATen/Tensor.h>

namespace tdq {

// An IDX array (the MNIST file format): big-endian dims, then the values.
struct IdxArray {
  std::vector<std::int64_t> dims;
  at::Tensor values;  // uint8 (type 0x08) shaped `dims`
};

// Strict: every inconsistency is a FormatError naming `source` and what is wrong.
IdxArray parse_idx(std::string_view bytes, const std::filesystem::path& source);

// Reads a raw or gzip-compressed (detected by its magic bytes) IDX file.
IdxArray read_idx(const std::filesystem::path& file);

// gzip/zlib inflate of a whole buffer; FormatError with zlib's message when corrupt.
std::string gunzip(std::string_view bytes, const std::filesystem::path& source);

}  // namespace tdq
