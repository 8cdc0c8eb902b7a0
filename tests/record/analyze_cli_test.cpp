// `tdq analyze` through the real binary, as in tests/cli: exit codes, --json, the run folder.
#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/model/model_io.h"
#include "core/record/analysis_io.h"
#include "tests/support/run_cli.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tiny_models.h"

namespace tdq {
namespace {

using test::CliResult;
using test::last_json_line;
using test::run_tdq;

TEST(AnalyzeCli, FpAndQuantizedRunsAndBadInput) {
  test::TempDir dir;
  at::manual_seed(0);
  UNet model(test::tiny_unet_config());
  save_model(dir / "model", *model);
  const std::string m = (dir / "model").string();

  EXPECT_EQ(run_tdq("analyze --model " + m + " --steps 0 --out " + (dir / "x").string(), dir).code,
            2);
  EXPECT_EQ(run_tdq("analyze --model " + m, dir).code, 2);  // --out is required
  const CliResult bad_quant =
      run_tdq("analyze -q --threads 1 --model " + m + " --quant " + (dir / "nowhere").string() +
                  " --out " + (dir / "x").string(),
              dir);
  EXPECT_EQ(bad_quant.code, 1);
  EXPECT_NE(bad_quant.err.find("nowhere"), std::string::npos) << bad_quant.err;
  EXPECT_EQ(std::count(bad_quant.err.begin(), bad_quant.err.end(), '\n'), 1) << bad_quant.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "x"));

  const CliResult fp =
      run_tdq("analyze -q --threads 1 --json --model " + m +
                  " --n 2 --steps 4 --batch 2 --bins 8 --seed 3 --out " + (dir / "fp").string(),
              dir);
  ASSERT_EQ(fp.code, 0) << fp.err;
  const auto json = last_json_line(fp.out);
  EXPECT_EQ(json.at("statistic"), "max-min");
  EXPECT_EQ(json.at("paper").at("fraction_above_0.5"), 0.621);
  EXPECT_TRUE(json.at("most_time_dependent").is_array());
  const Analysis a = read_analysis(dir / "fp");
  EXPECT_EQ(a.info.seed, 3u);
  EXPECT_EQ(a.info.n, 2);
  // An existing run folder is refused before sampling.
  const CliResult again = run_tdq(
      "analyze -q --threads 1 --model " + m + " --n 2 --steps 4 --out " + (dir / "fp").string(),
      dir);
  EXPECT_EQ(again.code, 1);
  EXPECT_NE(again.err.find("exists"), std::string::npos) << again.err;

  const std::string quant = (dir / "quant").string();
  ASSERT_EQ(
      run_tdq("quantize -q --threads 1 --model " + m + " --calib 2 --calib-steps 4 --out " + quant,
              dir)
          .code,
      0);
  const CliResult q = run_tdq("analyze -q --threads 1 --json --model " + m + " --quant " + quant +
                                  " --n 2 --steps 4 --bins 8 --out " + (dir / "q").string(),
                              dir);
  ASSERT_EQ(q.code, 0) << q.err;
  EXPECT_EQ(last_json_line(q.out).at("quant").at("calibrated_steps"), 4);
  EXPECT_TRUE(std::filesystem::exists(dir / "q" / "samples"));
  const Analysis b = read_analysis(dir / "q");
  EXPECT_EQ(b.info.quant_method, "minmax");
  EXPECT_EQ(b.info.calibration_timesteps.size(), 4u);
}

}  // namespace
}  // namespace tdq
