// Integers read from JSON (core/common/json_number.h): nlohmann's get<int>() casts a double to int
// unchecked, undefined behaviour out of range; libFuzzer + UBSan found it in the quant config and
// config.json readers. json_as must refuse what does not fit and keep what does.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "core/common/errors.h"
#include "core/common/json_number.h"
#include "core/model/unet_config.h"
#include "core/quant/quant_config.h"

namespace tdq {
namespace {

using Json = nlohmann::json;

TEST(JsonNumber, IntegersThatFitAreRead) {
  EXPECT_EQ(json_as<int>(Json(8)), 8);
  EXPECT_EQ(json_as<int>(Json::parse("8.0")), 8);  // a whole double, as other writers may emit
  EXPECT_EQ(json_as<int>(Json(std::numeric_limits<int>::max())), std::numeric_limits<int>::max());
  EXPECT_EQ(json_as<int>(Json(std::numeric_limits<int>::min())), std::numeric_limits<int>::min());
  EXPECT_EQ(json_as<std::int64_t>(Json(std::numeric_limits<std::int64_t>::max())),
            std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(json_as<std::uint64_t>(Json(std::numeric_limits<std::uint64_t>::max())),
            std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(json_as<std::vector<std::int64_t>>(Json::parse("[1, 2, 3.0]")),
            (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(json_as<std::string>(Json("x")), "x");  // other types as nlohmann reads them
}

TEST(JsonNumber, WhatDoesNotFitIsRefusedNotCast) {
  for (const char* text : {"8.5", "1e10", "2147483648", "-2147483649", "1e999999999999999999",
                           "8444444444444444444444444444444444444444444444444444444444444"}) {
    SCOPED_TRACE(text);
    Json value;
    try {
      value = Json::parse(text);
    } catch (const Json::exception&) {
      continue;  // 1e999...: refused by the parser itself
    }
    EXPECT_THROW(json_as<int>(value), Json::exception);
  }
  EXPECT_THROW(json_as<std::int64_t>(Json::parse("9223372036854775808")), Json::exception);
  EXPECT_THROW(json_as<std::int64_t>(Json::parse("9.3e18")), Json::exception);
  EXPECT_THROW(json_as<std::uint64_t>(Json(-1)), Json::exception);
  EXPECT_THROW(json_as<int>(Json("8")), Json::type_error);
  EXPECT_THROW(json_as<int>(Json(true)), Json::type_error);
  EXPECT_THROW(json_as<std::vector<int>>(Json::parse("[1, 2.5]")), Json::exception);
  EXPECT_THROW(json_as<std::vector<int>>(Json(3)), Json::type_error);
}

TEST(JsonNumber, ValueOrChecksWhatIsThere) {
  const Json object = Json::parse(R"({"a": 4, "b": 1e30})");
  EXPECT_EQ(json_value_or(object, "a", 0), 4);
  EXPECT_EQ(json_value_or(object, "missing", -1), -1);
  EXPECT_THROW(json_value_or(object, "b", 0), Json::exception);
  EXPECT_THROW(json_value_or(Json(3), "a", 0), Json::type_error);
}

TEST(JsonNumber, ConfigReadersGiveOneErrorForAHugeBitWidth) {
  // The fuzzers' inputs, reduced: a bit width too long for int64 is parsed as a double.
  const std::string huge = "8444444444444444444444444444444444444444444444444444444444444";
  Json quant = Json::parse(R"({"method": "minmax", "w_bits": 8, "a_bits": 8, "overrides": [)"
                           R"({"pattern": "conv_in", "w_bits": )" +
                           huge + "}]}");
  EXPECT_THROW(quant_config_from_json(quant), Error);
  quant = Json::parse(R"({"method": "minmax", "w_bits": )" + huge + "}");
  EXPECT_THROW(quant_config_from_json(quant), Error);
  const Json unet = Json::parse(R"({"in_channels": )" + huge + "}");
  EXPECT_THROW(unet_config_from_json(unet), Error);
}

}  // namespace
}  // namespace tdq
