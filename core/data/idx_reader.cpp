#include "core/data/idx_reader.h"

#include <ATen/ATen.h>
#include <zlib.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstring>

#include "core/common/errors.h"
#include "core/common/file_io.h"

namespace tdq {

namespace {

struct IdxType {
  int code;
  at::ScalarType type;
};

constexpr IdxType kIdxTypes[] = {{0x08, at::kByte}, {0x09, at::kChar},  {0x0B, at::kShort},
                                 {0x0C, at::kInt},  {0x0D, at::kFloat}, {0x0E, at::kDouble}};

std::string hex_byte(int value) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%02x", value & 0xff);
  return text;
}

std::string dims_text(const std::vector<std::int64_t>& dims) {
  std::string text = "[";
  for (std::size_t i = 0; i < dims.size(); ++i) text += (i ? ", " : "") + std::to_string(dims[i]);
  return text + "]";
}

// inflateEnd on every path out of gunzip, exceptions included.
struct InflateGuard {
  z_stream* stream;
  ~InflateGuard() { inflateEnd(stream); }
};

}  // namespace

std::string gunzip(std::string_view bytes, const std::filesystem::path& source) {
  z_stream stream{};
  // 15 + 16: the largest window, gzip wrapper only (a bare zlib stream is not a .gz file).
  if (inflateInit2(&stream, 15 + 16) != Z_OK) throw FormatError(source, "cannot initialise zlib");
  InflateGuard guard{&stream};
  std::string out;
  std::size_t fed = 0;  // avail_in is 32-bit, so larger inputs go in slices
  const auto unread_offset = [&] { return static_cast<std::int64_t>(fed - stream.avail_in); };
  std::vector<unsigned char> buffer(1 << 16);
  for (;;) {
    if (stream.avail_in == 0 && fed < bytes.size()) {
      const std::size_t slice = std::min<std::size_t>(bytes.size() - fed, UINT_MAX);
      stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data() + fed));
      stream.avail_in = static_cast<uInt>(slice);
      fed += slice;
    }
    stream.next_out = buffer.data();
    stream.avail_out = static_cast<uInt>(buffer.size());
    const int status = inflate(&stream, Z_NO_FLUSH);
    out.append(reinterpret_cast<const char*>(buffer.data()), buffer.size() - stream.avail_out);
    if (status == Z_OK) continue;
    if (status == Z_STREAM_END) {
      if (stream.avail_in == 0 && fed == bytes.size()) break;
      // gzip allows members back to back (`cat a.gz b.gz`), and gzip -d reads them all; bytes
      // that are no gzip member fail the next header check below.
      if (inflateReset(&stream) != Z_OK) throw FormatError(source, "cannot reset zlib");
      continue;
    }
    // With fresh output space, Z_BUF_ERROR means zlib wants input that is not there.
    if (status == Z_BUF_ERROR) {
      throw FormatError(source, "corrupt gzip data: truncated (unexpected end of compressed data)",
                        unread_offset());
    }
    throw FormatError(
        source, std::string("corrupt gzip data: ") + (stream.msg ? stream.msg : zError(status)),
        unread_offset());
  }
  return out;
}

IdxArray parse_idx(std::string_view bytes, const std::filesystem::path& source) {
  if (bytes.size() < 4) {
    throw FormatError(source, "too short for the IDX header (" + std::to_string(bytes.size()) +
                                  " bytes, need at least 4)");
  }
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  if (data[0] != 0 || data[1] != 0) {
    throw FormatError(source,
                      "bad IDX magic " + hex_byte(data[0]) + " " + hex_byte(data[1]) + " " +
                          hex_byte(data[2]) + " " + hex_byte(data[3]) +
                          ": the first two bytes must be zero (not an IDX file?)",
                      0);
  }
  const int code = data[2];
  const auto known = std::find_if(std::begin(kIdxTypes), std::end(kIdxTypes),
                                  [&](const IdxType& t) { return t.code == code; });
  if (known == std::end(kIdxTypes)) {
    throw FormatError(source,
                      "unknown IDX type code " + hex_byte(code) +
                          " (known: 0x08 ubyte, 0x09 byte, 0x0b short, 0x0c int, 0x0d float, "
                          "0x0e double)",
                      2);
  }
  const int rank = data[3];
  if (rank < 1 || rank > 4) {
    throw FormatError(source, "IDX array with " + std::to_string(rank) + " dims (expected 1 to 4)",
                      3);
  }
  const std::size_t header = 4 + 4 * static_cast<std::size_t>(rank);
  if (bytes.size() < header) {
    throw FormatError(source, "too short for the IDX header: " + std::to_string(rank) +
                                  " dims need " + std::to_string(header) + " bytes, file has " +
                                  std::to_string(bytes.size()));
  }

  IdxArray array;
  const std::size_t element_size = c10::elementSize(known->type);
  std::uint64_t expected = element_size;
  bool overflow = false;
  for (int i = 0; i < rank; ++i) {
    const unsigned char* d = data + 4 + 4 * i;
    const std::uint32_t dim = (std::uint32_t{d[0]} << 24) | (std::uint32_t{d[1]} << 16) |
                              (std::uint32_t{d[2]} << 8) | std::uint32_t{d[3]};
    array.dims.push_back(dim);
    overflow |= __builtin_mul_overflow(expected, std::uint64_t{dim}, &expected);
  }
  const std::uint64_t actual = bytes.size() - header;
  if (overflow || actual < expected) {
    throw FormatError(source, "truncated: dims " + dims_text(array.dims) + " need " +
                                  (overflow ? "over 2^64" : std::to_string(expected)) +
                                  " data bytes, file has " + std::to_string(actual));
  }
  if (actual > expected) {
    throw FormatError(source,
                      std::to_string(actual - expected) + " trailing bytes: dims " +
                          dims_text(array.dims) + " need " + std::to_string(expected) +
                          " data bytes, file has " + std::to_string(actual),
                      static_cast<std::int64_t>(header + expected));
  }

  array.values = at::empty(array.dims, at::TensorOptions().dtype(known->type));
  auto* out = static_cast<unsigned char*>(array.values.data_ptr());
  if (expected > 0) std::memcpy(out, data + header, expected);
  if (element_size > 1 && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) {
    // IDX values are big-endian.
    for (unsigned char* p = out; p < out + expected; p += element_size) {
      std::reverse(p, p + element_size);
    }
  }
  return array;
}

IdxArray read_idx(const std::filesystem::path& file) {
  const std::string bytes = read_file_bytes(file);
  const bool gzipped = bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
                       static_cast<unsigned char>(bytes[1]) == 0x8b;
  return gzipped ? parse_idx(gunzip(bytes, file), file) : parse_idx(bytes, file);
}

}  // namespace tdq
