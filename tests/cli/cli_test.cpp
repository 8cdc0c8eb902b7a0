// Runs the real `tdq` binary: exit codes (0 ok, 1 runtime error, 2 usage error), one-line errors,
// and the --json contract (one JSON object as the last line of stdout).
#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/image/image_grid.h"
#include "core/model/model_io.h"
#include "tests/support/run_cli.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tiny_models.h"

namespace tdq {
namespace {

using test::CliResult;
using test::last_json_line;
using test::run_tdq;

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    UNet model(test::tiny_unet_config());
    save_model(dir.path() / "model", *model);
  }
  test::TempDir dir;
  std::string model() const { return (dir.path() / "model").string(); }
};

TEST_F(Cli, NoCommandOrUnknownOptionIsUsageError) {
  EXPECT_EQ(run_tdq("", dir).code, 2);
  const CliResult unknown = run_tdq("info --frobnicate", dir);
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("frobnicate"), std::string::npos) << unknown.err;
  EXPECT_EQ(run_tdq("launch", dir).code, 2);
}

TEST_F(Cli, BadValuesAreUsageErrors) {
  EXPECT_EQ(run_tdq("sample --model " + model() + " --sampler euler", dir).code, 2);
  EXPECT_EQ(run_tdq("sample --model " + model() + " --steps 0", dir).code, 2);
  EXPECT_EQ(run_tdq("sample --model " + model() + " --n many", dir).code, 2);
  EXPECT_EQ(run_tdq("train --out x --lr -1", dir).code, 2);
  EXPECT_EQ(run_tdq("train", dir).code, 2);  // --out is required
}

TEST_F(Cli, HelpAndVersionExitZero) {
  EXPECT_EQ(run_tdq("--help", dir).code, 0);
  EXPECT_EQ(run_tdq("sample --help", dir).code, 0);
  EXPECT_EQ(run_tdq("--version", dir).code, 0);
}

TEST_F(Cli, RuntimeErrorsExitOneWithOneLine) {
  const CliResult missing = run_tdq("info --model " + (dir.path() / "nowhere").string(), dir);
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("nowhere"), std::string::npos) << missing.err;
  EXPECT_EQ(std::count(missing.err.begin(), missing.err.end(), '\n'), 1) << missing.err;

  std::ofstream(dir.path() / "model" / "config.json") << "{ not json";
  const CliResult corrupt = run_tdq("info --model " + model(), dir);
  EXPECT_EQ(corrupt.code, 1);
  EXPECT_NE(corrupt.err.find("config.json"), std::string::npos) << corrupt.err;
}

TEST_F(Cli, InfoListsLayersAsJson) {
  const CliResult run = run_tdq("info --json --model " + model(), dir);
  ASSERT_EQ(run.code, 0) << run.err;
  const auto json = last_json_line(run.out);
  EXPECT_GT(json.at("parameters").get<int64_t>(), 1000);
  EXPECT_EQ(json.at("layers").at(0).at("path"), "conv_in");
  EXPECT_EQ(json.at("layers").at(0).at("kind"), "Conv2d");
  EXPECT_EQ(json.at("config").at("_class_name"), "UNet2DModel");
}

TEST_F(Cli, SampleWritesAGridAndIsSeedDeterministic) {
  const std::string args =
      "sample --json -q --model " + model() + " --n 4 --steps 3 --seed 5 --out ";
  const CliResult a = run_tdq(args + (dir.path() / "a.png").string(), dir);
  ASSERT_EQ(a.code, 0) << a.err;
  const auto json = last_json_line(a.out);
  const std::string path = json.at("out");
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(json.at("n"), 4);
  const CliResult b = run_tdq(args + (dir.path() / "b.png").string(), dir);
  ASSERT_EQ(b.code, 0) << b.err;
  const at::Tensor image_a = read_image(path);
  const at::Tensor image_b = read_image(last_json_line(b.out).at("out").get<std::string>());
  EXPECT_EQ(image_a.size(0), 2 + 2 * (8 + 2));  // 2x2 grid of 8x8 tiles with 2 px padding
  EXPECT_TRUE(at::equal(image_a, image_b));
}

}  // namespace
}  // namespace tdq

namespace tdq {
namespace {

TEST_F(Cli, QuantizeWritesARunThatSampleUses) {
  const std::string run = (dir.path() / "run").string();
  const CliResult bad =
      run_tdq("quantize --model " + model() + " --method magic --out " + run, dir);
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(run_tdq("quantize --model " + model() + " --abits 9 --out " + run, dir).code, 2);
  EXPECT_EQ(run_tdq("quantize --model " + model() + " --override 'x=w9' --out " + run, dir).code,
            2);
  const CliResult typo =
      run_tdq("quantize -q --model " + model() + " --override 'nowhere.*=w4' --out " + run, dir);
  EXPECT_EQ(typo.code, 2);  // a flag's value the run cannot use is a usage error
  // The core names the config field; the CLI names its flag.
  EXPECT_NE(typo.err.find("--override nowhere.*: matches no layer"), std::string::npos) << typo.err;
  const CliResult device =
      run_tdq("quantize -q --model " + model() + " --device tpu --out " + run, dir);
  EXPECT_EQ(device.code, 2);
  EXPECT_NE(device.err.find("tdq: error: --device tpu: unknown device"), std::string::npos)
      << device.err;
  EXPECT_FALSE(std::filesystem::exists(run));
  EXPECT_FALSE(std::filesystem::exists(run + ".tmp"));

  const CliResult ok =
      run_tdq("quantize -q --json --model " + model() +
                  " --method table --wbits 6 --abits 6 --calib 2 --calib-steps 4 --out " + run,
              dir);
  ASSERT_EQ(ok.code, 0) << ok.err;
  EXPECT_GT(last_json_line(ok.out).at("quantized_layers").get<int>(), 0);
  const CliResult again = run_tdq("quantize -q --model " + model() + " --out " + run, dir);
  EXPECT_EQ(again.code, 1);  // never overwrites a run

  const CliResult sampled = run_tdq("sample -q --json --model " + model() + " --quant " + run +
                                        " --n 2 --steps 4 --out " + (dir.path() / "q.png").string(),
                                    dir);
  ASSERT_EQ(sampled.code, 0) << sampled.err;
  EXPECT_EQ(last_json_line(sampled.out).at("table_fallbacks"), 0);
  const CliResult other_schedule =
      run_tdq("sample -q --json --model " + model() + " --quant " + run +
                  " --n 2 --steps 3 --out " + (dir.path() / "q3.png").string(),
              dir);
  ASSERT_EQ(other_schedule.code, 0) << other_schedule.err;
  EXPECT_GT(last_json_line(other_schedule.out).at("table_fallbacks").get<int>(), 0);
}

}  // namespace
}  // namespace tdq
