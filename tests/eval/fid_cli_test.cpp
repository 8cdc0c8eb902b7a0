// `tdq fid` through the real binary: usage errors (exit 2), runtime errors (exit 1, one line naming
// the culprit), and a tiny run whose --json line and run folder agree.
#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/eval/feature_net.h"
#include "core/eval/frechet.h"
#include "core/model/model_io.h"
#include "core/run/run_folder.h"
#include "tests/support/run_cli.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tiny_models.h"
#include "tests/support/tiny_runs.h"

namespace tdq {
namespace {

using test::CliResult;
using test::run_tdq;

class FidCli : public ::testing::Test {
 protected:
  void SetUp() override { test::make_tiny_model(dir); }
  std::string base(const std::string& features = "", const std::string& ref = "") const {
    return "fid -q --model " + (dir / "model").string() + " --features " +
           (features.empty() ? (dir / "fnet").string() : features) + " --ref " +
           (ref.empty() ? (dir / "ref.safetensors").string() : ref) +
           " --n 8 --batch 4 --is-splits 2";
  }
  test::TempDir dir;
};

TEST_F(FidCli, BadValuesAreUsageErrors) {
  EXPECT_EQ(run_tdq(base(), dir).code, 2);  // --out is required
  const std::string out = " --out " + (dir / "run").string();
  EXPECT_EQ(run_tdq(base() + out + " --sampler euler", dir).code, 2);
  EXPECT_EQ(run_tdq(base() + out + " --n 1", dir).code, 2);
  const CliResult steps = run_tdq(base() + out + " --steps 20,x", dir);
  EXPECT_EQ(steps.code, 2);
  EXPECT_NE(steps.err.find("--steps"), std::string::npos) << steps.err;
  EXPECT_EQ(run_tdq(base() + out + " --steps 0", dir).code, 2);
  EXPECT_EQ(run_tdq(base() + out + " --seeds 1,-2", dir).code, 2);
  EXPECT_EQ(run_tdq(base() + out + " --features-range 0,2", dir).code, 2);
  EXPECT_FALSE(std::filesystem::exists(dir / "run"));
}

TEST_F(FidCli, RuntimeErrorsNameTheCulprit) {
  const std::string out = " --out " + (dir / "run").string();
  const CliResult features = run_tdq(base((dir / "nofnet").string()) + out, dir);
  EXPECT_EQ(features.code, 1);
  EXPECT_NE(features.err.find("nofnet"), std::string::npos) << features.err;
  EXPECT_EQ(std::count(features.err.begin(), features.err.end(), '\n'), 1) << features.err;
  const CliResult ref = run_tdq(base("", (dir / "noref.safetensors").string()) + out, dir);
  EXPECT_EQ(ref.code, 1);
  EXPECT_NE(ref.err.find("noref.safetensors"), std::string::npos) << ref.err;
  std::ofstream(dir / "inception.pt") << "not TorchScript";
  const CliResult pt = run_tdq(base((dir / "inception.pt").string()) + out, dir);
  EXPECT_EQ(pt.code, 1);
  EXPECT_NE(pt.err.find("inception.pt"), std::string::npos) << pt.err;
  std::filesystem::create_directories(dir / "exists");
  const CliResult exists = run_tdq(base() + " --out " + (dir / "exists").string(), dir);
  EXPECT_EQ(exists.code, 1);
  EXPECT_NE(exists.err.find("exists"), std::string::npos) << exists.err;
}

TEST_F(FidCli, TinyRunPrintsJsonAndWritesTheRun) {
  const CliResult run = run_tdq(
      base() + " --steps 2,1 --seeds 0,1 --json --out " + (dir / "runs" / "fid").string(), dir);
  ASSERT_EQ(run.code, 0) << run.err;
  const auto end = run.out.find_last_not_of('\n');
  const auto start = run.out.rfind('\n', end);
  const auto json =
      nlohmann::json::parse(run.out.substr(start == std::string::npos ? 0 : start + 1));
  EXPECT_EQ(json.at("steps"), (std::vector<int>{2, 1}));
  EXPECT_EQ(json.at("points").size(), 4u);
  EXPECT_GT(json.at("fid").get<double>(), 0.0);
  const auto saved = read_run_json(dir / "runs" / "fid");
  EXPECT_EQ(saved.at("kind"), "fid");
  EXPECT_EQ(saved.at("metrics").at("fid"), json.at("fid"));
  EXPECT_EQ(saved.at("sampler").at("kind"), "ddim");
}

}  // namespace
}  // namespace tdq
