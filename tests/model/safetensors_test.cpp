#include "core/model/safetensors.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/common/errors.h"
#include "tests/support/temp_dir.h"

namespace tdq {
namespace {

// Length prefix + header + data, without the writer's padding, as other writers may produce.
std::string file_bytes(const std::string& header, const std::string& data = {}) {
  std::string out;
  for (int i = 0; i < 8; ++i) {
    out.push_back(static_cast<char>((static_cast<std::uint64_t>(header.size()) >> (8 * i)) & 0xff));
  }
  return out + header + data;
}

std::string bytes_of(std::initializer_list<unsigned char> values) {
  return std::string(values.begin(), values.end());
}

void expect_same(const at::Tensor& actual, const at::Tensor& expected, const std::string& name) {
  SCOPED_TRACE(name);
  EXPECT_EQ(actual.scalar_type(), expected.scalar_type());
  EXPECT_EQ(actual.sizes(), expected.sizes());
  EXPECT_TRUE(actual.is_contiguous());
  EXPECT_TRUE(at::equal(actual, expected));
}

TEST(Safetensors, RoundTripsEveryDtypeAndShape) {
  at::manual_seed(1);
  const std::map<std::string, at::Tensor> tensors = {
      {"f64", at::randn({2, 3}, at::kDouble)},
      {"f32", at::randn({4}, at::kFloat)},
      {"f16", at::randn({3, 1, 2}).to(at::kHalf)},
      {"bf16", at::randn({5}).to(at::kBFloat16)},
      {"i64", at::tensor({std::int64_t{-5}, std::int64_t{1} << 40}, at::kLong)},
      {"i32", at::arange(-3, 3, at::kInt).reshape({2, 3})},
      {"i16", at::tensor({-32768, 32767}, at::kShort)},
      {"i8", at::tensor({-128, 0, 127}, at::kChar)},
      {"u8", at::tensor({0, 128, 255}, at::kByte)},
      {"bool", at::tensor({1, 0, 1}, at::kByte).to(at::kBool)},
      {"scalar", at::scalar_tensor(3.5, at::kFloat)},
      {"empty_rows", at::zeros({0, 3}, at::kFloat)},
      {"empty_cols", at::zeros({2, 0}, at::kLong)},
      {"nested.layer.weight", at::randn({2, 2, 2, 2})},
  };
  const std::map<std::string, std::string> metadata = {{"format", "pt"},
                                                       {"json", R"({"a": [1, 2]})"}};
  const std::string bytes = serialize_safetensors(tensors, metadata);
  const SafetensorsFile file = parse_safetensors(bytes, "round.safetensors");
  ASSERT_EQ(file.tensors.size(), tensors.size());
  for (const auto& [name, tensor] : tensors) {
    ASSERT_TRUE(file.tensors.count(name)) << name;
    expect_same(file.tensors.at(name), tensor, name);
  }
  EXPECT_EQ(file.metadata, metadata);
  EXPECT_EQ(file.tensors.at("scalar").dim(), 0);
}

TEST(Safetensors, WriterPadsHeaderAndOrdersData) {
  const std::string bytes = serialize_safetensors(
      {{"b", at::tensor({1, 2}, at::kByte)}, {"a", at::tensor({3}, at::kByte)}});
  std::uint64_t header_size = 0;
  for (int i = 7; i >= 0; --i)
    header_size = (header_size << 8) | static_cast<unsigned char>(bytes[i]);
  EXPECT_EQ(header_size % 8, 0u);
  ASSERT_EQ(bytes.size(), 8 + header_size + 3);
  // Key order: "a" first, then "b".
  EXPECT_EQ(bytes.substr(8 + header_size), bytes_of({3, 1, 2}));
}

TEST(Safetensors, SerializesKnownBytes) {
  const std::string bytes = serialize_safetensors({{"x", at::tensor({1.0f, 2.0f})}});
  // 54 bytes of JSON, padded with two spaces to 56.
  const std::string header = R"({"x":{"data_offsets":[0,8],"dtype":"F32","shape":[2]}}  )";
  ASSERT_EQ(header.size(), 56u);
  const std::string expected = bytes_of({56, 0, 0, 0, 0, 0, 0, 0}) + header +
                               bytes_of({0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x40});
  EXPECT_EQ(bytes, expected);
}

TEST(Safetensors, ParsesHandBuiltBytes) {
  const std::string header =
      R"({"__metadata__":{"k":"v"},"w":{"dtype":"I16","shape":[2],"data_offsets":[0,4]},)"
      R"("b":{"dtype":"BOOL","shape":[1,2],"data_offsets":[4,6]}})";
  SafetensorsFile file;
  {
    // The tensors must own their memory: the buffer is gone before they are read.
    const std::string bytes = file_bytes(header, bytes_of({0x01, 0x00, 0xff, 0xff, 0x01, 0x00}));
    file = parse_safetensors(bytes, "hand.safetensors");
  }
  ASSERT_EQ(file.tensors.size(), 2u);
  expect_same(file.tensors.at("w"), at::tensor({1, -1}, at::kShort), "w");
  expect_same(file.tensors.at("b"), at::tensor({1, 0}, at::kByte).to(at::kBool).reshape({1, 2}),
              "b");
  EXPECT_EQ(file.metadata, (std::map<std::string, std::string>{{"k", "v"}}));
}

TEST(Safetensors, AcceptsZeroSizeTensorsAnywhere) {
  const std::string header = R"({"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},)"
                             R"("b":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},)"
                             R"("c":{"dtype":"I64","shape":[3,0],"data_offsets":[2,2]},)"
                             R"("d":{"dtype":"U8","shape":[0,5],"data_offsets":[2,2]}})";
  const SafetensorsFile file = parse_safetensors(file_bytes(header, "xy"), "zero.safetensors");
  EXPECT_EQ(file.tensors.at("a").numel(), 0);
  EXPECT_EQ(file.tensors.at("c").sizes(), (std::vector<std::int64_t>{3, 0}));
  EXPECT_EQ(file.tensors.at("b")[1].item<std::uint8_t>(), 'y');
  // An empty file holds no tensors: the header alone is valid.
  EXPECT_TRUE(parse_safetensors(file_bytes("{}"), "none.safetensors").tensors.empty());
}

TEST(Safetensors, WritesAnyLayoutAsContiguous) {
  const at::Tensor base = at::arange(6, at::kFloat).reshape({2, 3});
  const at::Tensor transposed = base.t();
  const at::Tensor strided = at::arange(10, at::kInt).slice(0, 1, 10, 3);
  const SafetensorsFile file = parse_safetensors(
      serialize_safetensors({{"t", transposed}, {"s", strided}}), "layout.safetensors");
  expect_same(file.tensors.at("t"), transposed.contiguous(), "t");
  expect_same(file.tensors.at("s"), at::tensor({1, 4, 7}, at::kInt), "s");
}

TEST(Safetensors, RejectsUnsupportedDtypeOnWrite) {
  try {
    serialize_safetensors({{"complex_weight", at::zeros({2}, at::kComplexFloat)}});
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("complex_weight"), std::string::npos) << e.what();
  }
  EXPECT_THROW(serialize_safetensors({{"__metadata__", at::zeros({1})}}), ConfigError);
  EXPECT_THROW(serialize_safetensors({{"undefined", at::Tensor()}}), ConfigError);
}

struct Malformed {
  const char* label;
  std::string bytes;
  const char* message;  // substring the FormatError must contain
};

std::string entry_file(const std::string& entry, const std::string& data) {
  return file_bytes(R"({"t":)" + entry + "}", data);
}

TEST(Safetensors, RejectsMalformedFiles) {
  const std::string eight(8, '\0');
  const std::string huge_length = bytes_of({0, 0, 0, 0, 0, 1, 0, 0}) + "{}";
  const std::string long_length = bytes_of({100, 0, 0, 0, 0, 0, 0, 0}) + "{}";
  const std::vector<Malformed> cases = {
      {"empty", "", "too short"},
      {"7 bytes", "1234567", "too short"},
      {"absurd header length", huge_length, "absurdly large"},
      {"header past the end", long_length, "larger than the file"},
      {"bad JSON", file_bytes(R"({"t": )"), "not valid JSON"},
      {"not UTF-8", file_bytes("{\"\xff\": 1}"), "not valid JSON"},
      {"array header", file_bytes("[1, 2]"), "not a JSON object"},
      {"duplicate tensor",
       file_bytes(R"({"t":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},)"
                  R"("t":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}})",
                  "ab"),
       "duplicate key 't'"},
      {"entry not object", entry_file("3", ""), "tensor 't': entry is not an object"},
      {"missing dtype", entry_file(R"({"shape":[1],"data_offsets":[0,1]})", "a"),
       "missing \"dtype\""},
      {"missing shape", entry_file(R"({"dtype":"U8","data_offsets":[0,1]})", "a"),
       "missing \"shape\""},
      {"missing offsets", entry_file(R"({"dtype":"U8","shape":[1]})", "a"),
       "missing \"data_offsets\""},
      {"dtype not string", entry_file(R"({"dtype":8,"shape":[1],"data_offsets":[0,1]})", "a"),
       "dtype is not a string"},
      {"unknown dtype", entry_file(R"({"dtype":"F8","shape":[1],"data_offsets":[0,1]})", "a"),
       "unknown dtype \"F8\""},
      {"shape not array", entry_file(R"({"dtype":"U8","shape":1,"data_offsets":[0,1]})", "a"),
       "shape is not an array"},
      {"negative dim", entry_file(R"({"dtype":"U8","shape":[-1],"data_offsets":[0,1]})", "a"),
       "negative dimension -1"},
      {"float dim", entry_file(R"({"dtype":"U8","shape":[1.0],"data_offsets":[0,1]})", "a"),
       "non-integer dimension"},
      {"string dim", entry_file(R"({"dtype":"U8","shape":["1"],"data_offsets":[0,1]})", "a"),
       "non-integer dimension"},
      {"huge shape",
       entry_file(R"({"dtype":"U8","shape":[4294967296,4294967296],"data_offsets":[0,0]})", ""),
       "too large"},
      {"one offset", entry_file(R"({"dtype":"U8","shape":[1],"data_offsets":[1]})", "a"),
       "data_offsets must be 2"},
      {"offsets not array", entry_file(R"({"dtype":"U8","shape":[1],"data_offsets":1})", "a"),
       "data_offsets must be 2"},
      {"float offset", entry_file(R"({"dtype":"U8","shape":[1],"data_offsets":[0,1.0]})", "a"),
       "data_offsets must be 2"},
      {"negative offset", entry_file(R"({"dtype":"U8","shape":[1],"data_offsets":[-1,0]})", "a"),
       "data_offsets must be 2"},
      {"unordered offsets", entry_file(R"({"dtype":"U8","shape":[0],"data_offsets":[1,0]})", "a"),
       "not ordered"},
      {"size mismatch",
       entry_file(R"({"dtype":"F32","shape":[3],"data_offsets":[0,8]})", "abcdefgh"),
       "needs 12 bytes but data_offsets [0,8] span 8"},
      {"outside the data",
       entry_file(R"({"dtype":"F32","shape":[2],"data_offsets":[0,8]})", "abcd"),
       "outside the data buffer"},
      {"overlap",
       file_bytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                  R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                  std::string(12, 'x')),
       "tensor 'b' at [4, 12) overlaps tensor 'a'"},
      {"hole", entry_file(R"({"dtype":"F32","shape":[1],"data_offsets":[4,8]})", eight),
       "hole: data bytes [0, 4)"},
      {"trailing bytes", entry_file(R"({"dtype":"U8","shape":[1],"data_offsets":[0,1]})", "ab"),
       "1 trailing bytes"},
      {"trailing bytes, no tensors", file_bytes("{}", "z"), "1 trailing bytes"},
      {"bad bool", entry_file(R"({"dtype":"BOOL","shape":[2],"data_offsets":[0,2]})", "\x01\x02"),
       "BOOL byte is neither 0 nor 1"},
      {"metadata not object", file_bytes(R"({"__metadata__":["a"]})"),
       "__metadata__ is not an object"},
      {"metadata value not string", file_bytes(R"({"__metadata__":{"k":1}})"),
       "__metadata__ value 'k' is not a string"},
  };
  for (const Malformed& c : cases) {
    SCOPED_TRACE(c.label);
    try {
      parse_safetensors(c.bytes, "bad.safetensors");
      ADD_FAILURE() << "no FormatError";
    } catch (const FormatError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find("bad.safetensors"), std::string::npos) << message;
      EXPECT_NE(message.find(c.message), std::string::npos) << message;
    }
  }
}

TEST(Safetensors, WritesAtomicallyAndReadsBack) {
  test::TempDir dir;
  const auto file = dir / "weights.safetensors";
  const std::map<std::string, at::Tensor> tensors = {{"w", at::randn({3, 2})}};
  write_safetensors(file, tensors, {{"note", "first"}});
  write_safetensors(file, tensors, {{"note", "second"}});  // replaces the existing file
  ASSERT_TRUE(std::filesystem::exists(file));
  for (const auto& item : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(item.path().filename().string().find(".tmp."), std::string::npos) << item.path();
  }
  const SafetensorsFile read = read_safetensors(file);
  expect_same(read.tensors.at("w"), tensors.at("w"), "w");
  EXPECT_EQ(read.metadata.at("note"), "second");
}

TEST(Safetensors, MissingFileIsIoError) {
  test::TempDir dir;
  EXPECT_THROW(read_safetensors(dir / "missing.safetensors"), IoError);
}

}  // namespace
}  // namespace tdq
