// The CLI's own parsing and error wording (app/cli), without running the binary.
#include <gtest/gtest.h>

#include "app/cli/cli_errors.h"
#include "app/cli/int_list.h"
#include "core/common/errors.h"

namespace tdq::cli {
namespace {

TEST(IntList, ParsesCommaSeparatedIntegersAndNamesTheFlag) {
  EXPECT_EQ(parse_int_list("100,50,20", "--steps", 1), (std::vector<std::int64_t>{100, 50, 20}));
  EXPECT_THROW(parse_int_list("", "--steps", 1), ConfigError);
  EXPECT_THROW(parse_int_list("10,,5", "--steps", 1), ConfigError);
  EXPECT_THROW(parse_int_list("10,x", "--steps", 1), ConfigError);
  try {
    parse_int_list("0", "--seeds", 1);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), "--seeds: 0 is below the minimum 1");
  }
}

TEST(CliErrors, CoreFieldsReadAsTheCommandsFlags) {
  EXPECT_EQ(error_message(ConfigError("quant.w_bits", "9", "bits must be in 3..8"), "quantize"),
            "--wbits 9: bits must be in 3..8");
  EXPECT_EQ(error_message(ConfigError("device", "tpu", "unknown device"), "sample"),
            "--device tpu: unknown device");
  // One field, two flags: calibration images are --calib in `tdq quantize`, --n elsewhere.
  EXPECT_EQ(flag_of_field("quantize", "generate.count"), "--calib");
  EXPECT_EQ(flag_of_field("sample", "generate.count"), "--n");
  EXPECT_EQ(flag_of_field("quantize", "sampler.steps"), "--calib-steps");
  EXPECT_EQ(error_message(ConfigError("fid.seeds", "", "no seed given"), "fid"),
            "--seeds: no seed given");
}

TEST(CliErrors, OtherErrorsReadAsTheyAre) {
  EXPECT_EQ(error_message(ConfigError("no.such.field", "1", "why"), "sample"),
            "no.such.field = 1: why");
  EXPECT_EQ(error_message(ConfigError("model.safetensors: key x is missing"), "sample"),
            "model.safetensors: key x is missing");
  EXPECT_EQ(error_message(IoError("x: not found"), "info"), "x: not found");
}

}  // namespace
}  // namespace tdq::cli
