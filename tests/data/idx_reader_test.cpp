#include "core/data/idx_reader.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/common/errors.h"
#include "core/common/file_io.h"
#include "tests/support/idx_fixtures.h"
#include "tests/support/temp_dir.h"

namespace tdq {
namespace {

using test::bytes_of;
using test::gzip;
using test::idx_bytes;

// 2 x 3 unsigned bytes 0, 1, 2, 250, 251, 255.
std::string sample_ubyte() { return idx_bytes(0x08, {2, 3}, bytes_of({0, 1, 2, 250, 251, 255})); }

void expect_sample(const IdxArray& array) {
  EXPECT_EQ(array.dims, (std::vector<std::int64_t>{2, 3}));
  ASSERT_EQ(array.values.scalar_type(), at::kByte);
  EXPECT_TRUE(
      at::equal(array.values, at::tensor({0, 1, 2, 250, 251, 255}, at::kByte).reshape({2, 3})));
}

template <typename Fn>
void expect_format_error(Fn&& fn, const std::string& file, const std::string& text) {
  try {
    fn();
    ADD_FAILURE() << "no FormatError, expected one mentioning: " << text;
  } catch (const FormatError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(file), std::string::npos) << message;
    EXPECT_NE(message.find(text), std::string::npos) << message;
  }
}

TEST(IdxReader, ParsesUnsignedBytes) { expect_sample(parse_idx(sample_ubyte(), "a.idx")); }

TEST(IdxReader, ParsesBigEndianTypes) {
  const IdxArray i8 = parse_idx(idx_bytes(0x09, {2}, bytes_of({0xff, 0x7f})), "i8");
  EXPECT_TRUE(at::equal(i8.values, at::tensor({-1, 127}, at::kChar)));
  const IdxArray i16 = parse_idx(idx_bytes(0x0B, {2}, bytes_of({0x01, 0x02, 0xff, 0xfe})), "i16");
  EXPECT_TRUE(at::equal(i16.values, at::tensor({258, -2}, at::kShort)));
  const IdxArray i32 =
      parse_idx(idx_bytes(0x0C, {1, 1}, bytes_of({0x01, 0x02, 0x03, 0x04})), "i32");
  EXPECT_EQ(i32.values.item<std::int32_t>(), 0x01020304);
  const IdxArray f32 = parse_idx(idx_bytes(0x0D, {1}, bytes_of({0x3f, 0xc0, 0, 0})), "f32");
  EXPECT_EQ(f32.values.item<float>(), 1.5f);
  const IdxArray f64 =
      parse_idx(idx_bytes(0x0E, {1}, bytes_of({0xc0, 0x04, 0, 0, 0, 0, 0, 0})), "f64");
  EXPECT_EQ(f64.values.item<double>(), -2.5);
}

TEST(IdxReader, ParsesEmptyArraysAndFourDims) {
  const IdxArray empty = parse_idx(idx_bytes(0x08, {0, 28, 28}, ""), "empty");
  EXPECT_EQ(empty.values.sizes(), (std::vector<std::int64_t>{0, 28, 28}));
  const IdxArray four = parse_idx(idx_bytes(0x08, {1, 2, 1, 2}, "abcd"), "four");
  EXPECT_EQ(four.values.sizes(), (std::vector<std::int64_t>{1, 2, 1, 2}));
}

TEST(IdxReader, ReadsRawAndGzippedFiles) {
  test::TempDir dir;
  write_file_atomic(dir / "raw", sample_ubyte());
  write_file_atomic(dir / "packed.gz", gzip(sample_ubyte()));
  expect_sample(read_idx(dir / "raw"));
  expect_sample(read_idx(dir / "packed.gz"));
  // Detection is by content, not by name.
  write_file_atomic(dir / "packed-no-suffix", gzip(sample_ubyte()));
  expect_sample(read_idx(dir / "packed-no-suffix"));
  // Concatenated gzip members decompress to their concatenation, as with gzip -d.
  const std::string whole = sample_ubyte();
  write_file_atomic(dir / "members.gz", gzip(whole.substr(0, 5)) + gzip(whole.substr(5)));
  expect_sample(read_idx(dir / "members.gz"));
}

TEST(IdxReader, RejectsMalformedArrays) {
  const auto parse = [](const std::string& bytes) {
    return [bytes] { parse_idx(bytes, "bad.idx"); };
  };
  expect_format_error(parse(bytes_of({0, 0, 8})), "bad.idx", "too short for the IDX header");
  expect_format_error(parse(bytes_of({0, 0, 8, 3, 0, 0, 0, 1})), "bad.idx", "3 dims need 16 bytes");
  expect_format_error(parse(bytes_of({0, 1, 8, 1, 0, 0, 0, 0})), "bad.idx", "bad IDX magic");
  expect_format_error(parse(bytes_of({0x1f, 0x8b, 8, 0})), "bad.idx", "bad IDX magic");
  expect_format_error(parse(idx_bytes(0x0A, {1}, "a")), "bad.idx", "unknown IDX type code 0x0a");
  expect_format_error(parse(idx_bytes(0x08, {}, "")), "bad.idx", "0 dims");
  expect_format_error(parse(idx_bytes(0x08, {1, 1, 1, 1, 1}, "a")), "bad.idx", "5 dims");
  expect_format_error(parse(idx_bytes(0x08, {2, 3}, "abcde")), "bad.idx",
                      "truncated: dims [2, 3] need 6 data bytes, file has 5");
  expect_format_error(parse(idx_bytes(0x0B, {2}, "abc")), "bad.idx",
                      "truncated: dims [2] need 4 data bytes, file has 3");
  expect_format_error(parse(idx_bytes(0x08, {2, 3}, "abcdefg")), "bad.idx",
                      "1 trailing bytes: dims [2, 3] need 6 data bytes, file has 7");
  expect_format_error(parse(idx_bytes(0x0E, {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, "")),
                      "bad.idx", "truncated");
}

TEST(IdxReader, RejectsCorruptGzip) {
  test::TempDir dir;
  const std::string packed = gzip(sample_ubyte());
  const auto read = [&](const std::string& name, const std::string& bytes) {
    write_file_atomic(dir / name, bytes);
    return [&dir, name] { read_idx(dir / name); };
  };
  std::string bad_method = packed;
  bad_method[2] = 7;  // only 8 (deflate) exists
  expect_format_error(read("method.gz", bad_method), "method.gz",
                      "corrupt gzip data: unknown compression method");
  std::string bad_crc = packed;
  bad_crc[bad_crc.size() - 8] ^= 0x55;  // the CRC-32 of the trailer
  expect_format_error(read("crc.gz", bad_crc), "crc.gz", "corrupt gzip data: incorrect data check");
  expect_format_error(read("short.gz", packed.substr(0, packed.size() - 6)), "short.gz",
                      "corrupt gzip data: truncated");
  expect_format_error(read("magic-only.gz", bytes_of({0x1f, 0x8b})), "magic-only.gz",
                      "corrupt gzip data");
  expect_format_error(read("garbage.gz", packed + "garbage"), "garbage.gz", "corrupt gzip data");
  // Valid gzip around an invalid IDX still names the file.
  expect_format_error(read("inner.gz", gzip(idx_bytes(0x08, {4}, "abc"))), "inner.gz", "truncated");
}

TEST(IdxReader, MissingFileIsIoError) {
  test::TempDir dir;
  EXPECT_THROW(read_idx(dir / "nothing"), IoError);
}

}  // namespace
}  // namespace tdq
