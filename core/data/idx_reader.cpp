#include "core/data/idx_reader.h"

#include <ATen/ATen.h>
#include <zlib.h>

#include <cstring>

#include "core/common/errors.h"
#include "core/common/file_io.h"

namespace tdq {

std::string gunzip(std::string_view bytes, const std::filesystem::path& source) {
  z_stream stream{};
  // 15 + 32: accept gzip or zlib headers.
  if (inflateInit2(&stream, 15 + 32) != Z_OK) throw FormatError(source, "cannot initialise zlib");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  std::string out;
  char buffer[1 << 16];
  int status = Z_OK;
  while (status != Z_STREAM_END) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    status = inflate(&stream, Z_NO_FLUSH);
    if (status != Z_OK && status != Z_STREAM_END) {
      const std::string message = stream.msg ? stream.msg : (status == Z_BUF_ERROR ? "truncated data" : "error");
      const auto offset = static_cast<std::int64_t>(stream.total_in);
      inflateEnd(&stream);
      throw FormatError(source, "corrupt gzip data: " + message, offset);
    }
    out.append(buffer, sizeof buffer - stream.avail_out);
  }
  inflateEnd(&stream);
  return out;
}

IdxArray parse_idx(std::string_view bytes, const std::filesystem::path& source) {
  if (bytes.size() < 4) throw FormatError(source, "too short for an IDX header (" + std::to_string(bytes.size()) + " bytes)");
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  if (data[0] != 0 || data[1] != 0) throw FormatError(source, "bad IDX magic: the first two bytes must be zero", 0);
  const int type = data[2];
  const int rank = data[3];
  if (type != 0x08) {
    throw FormatError(source, "unsupported IDX element type 0x" + std::string(1, "0123456789abcdef"[type >> 4]) +
                                  std::string(1, "0123456789abcdef"[type & 15]) + " (only 0x08 unsigned byte)", 2);
  }
  if (rank < 1 || rank > 4) throw FormatError(source, "IDX rank " + std::to_string(rank) + " is not in 1..4", 3);
  const std::size_t header = 4 + 4 * static_cast<std::size_t>(rank);
  if (bytes.size() < header) throw FormatError(source, "truncated IDX header: " + std::to_string(rank) + " dims announced");
  IdxArray array;
  std::size_t expected = 1;
  for (int i = 0; i < rank; ++i) {
    const unsigned char* d = data + 4 + 4 * i;
    const std::uint32_t dim = (std::uint32_t(d[0]) << 24) | (std::uint32_t(d[1]) << 16) | (std::uint32_t(d[2]) << 8) | d[3];
    array.dims.push_back(dim);
    expected *= dim;
  }
  const std::size_t actual = bytes.size() - header;
  if (actual < expected) {
    throw FormatError(source, "truncated: " + std::to_string(expected) + " data bytes expected, " +
                                  std::to_string(actual) + " present");
  }
  if (actual > expected) {
    throw FormatError(source, std::to_string(actual - expected) + " trailing bytes after " +
                                  std::to_string(expected) + " data bytes", static_cast<std::int64_t>(header + expected));
  }
  array.values = at::empty(array.dims, at::TensorOptions().dtype(at::kByte));
  if (expected) std::memcpy(array.values.data_ptr<std::uint8_t>(), data + header, expected);
  return array;
}

IdxArray read_idx(const std::filesystem::path& file) {
  const std::string bytes = read_file_bytes(file);
  const bool gzipped = bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
                       static_cast<unsigned char>(bytes[1]) == 0x8b;
  return gzipped ? parse_idx(gunzip(bytes, file), file) : parse_idx(bytes, file);
}

}  // namespace tdq
