#pragma once
// Hand-built IDX files (and their gzip form) for the data readers' tests.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <vector>

#include "core/common/file_io.h"

namespace tdq::test {

inline std::string bytes_of(std::initializer_list<unsigned char> values) {
  return std::string(values.begin(), values.end());
}

// Magic (0, 0, type, rank), big-endian dims, then the payload as given.
inline std::string idx_bytes(unsigned char type, const std::vector<std::uint32_t>& dims,
                             const std::string& payload) {
  std::string out = bytes_of({0, 0, type, static_cast<unsigned char>(dims.size())});
  for (std::uint32_t dim : dims) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(dim >> shift));
  }
  return out + payload;
}

inline std::string gzip(const std::string& bytes) {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY),
            Z_OK);
  std::string out(deflateBound(&stream, bytes.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

// Eight made-up 28x28 training images with labels under Fashion-MNIST's file names in `dir`
// (padded to 32x32 by the loader): QAT data for tests of `tdq quantize`.
inline void write_tiny_training_set(const std::filesystem::path& dir) {
  std::string pixels(8 * 28 * 28, '\0');
  for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<char>(i * 37 % 251);
  write_file_atomic(dir / "train-images-idx3-ubyte", idx_bytes(0x08, {8, 28, 28}, pixels));
  write_file_atomic(dir / "train-labels-idx1-ubyte", idx_bytes(0x08, {8}, std::string(8, '\1')));
}

}  // namespace tdq::test
