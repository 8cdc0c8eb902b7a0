// `tdq quantize --nproc 2` against one process through the real binary. Data-parallel QAT: the
// same losses and quantizer state to float tolerance, one run folder with world_size 2 and no
// checkpoint left. PTQ with its sampling split over the ranks: the same quantizer state bit for
// bit; too few calibration batches for the ranks refused naming --calib.
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <string>

#include "core/dist/dist_context.h"
#include "core/model/safetensors.h"
#include "core/run/run_folder.h"
#include "tests/support/idx_fixtures.h"
#include "tests/support/run_cli.h"
#include "tests/support/tiny_runs.h"

namespace tdq {
namespace {

using test::CliResult;
using test::run_tdq;

class QuantizeNproc : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!distributed_support()) GTEST_SKIP() << "built without TDQ_WITH_DISTRIBUTED";
    tiny = test::make_tiny_model(dir);
    test::write_tiny_training_set(dir / "data");
  }
  std::string base(const std::string& method) const {
    return "quantize -q --json --threads 1 --model " + tiny.model.string() + " --method " + method +
           " --wbits 4 --abits 4 --data " + (dir / "data").string();
  }
  test::TempDir dir;
  test::TinyRuns tiny;
};

TEST_F(QuantizeNproc, TwoRanksTrainTheOneProcessTwin) {
  // A slow step rate (see data_parallel_qat_test.cpp): Adam turns a summation-order sign flip of a
  // near-zero gradient into a move of 2 lr, which at LSQ's default rate is tens of percent.
  const std::string args = base("lsq") + " --qat-steps 3 --batch 4 --act-lr-scale 0.1";
  const CliResult one = run_tdq(args + " --out " + (dir / "one").string(), dir);
  ASSERT_EQ(one.code, 0) << one.err;
  const CliResult two = run_tdq(args + " --nproc 2 --out " + (dir / "two").string(), dir);
  ASSERT_EQ(two.code, 0) << two.err;
  const auto a = read_run_json(dir / "one"), b = read_run_json(dir / "two");
  EXPECT_EQ(a.at("metrics").at("world_size"), 1);
  EXPECT_EQ(b.at("metrics").at("world_size"), 2);
  EXPECT_EQ(b.at("metrics").at("qat_steps"), 3);
  const double la = a.at("metrics").at("final_loss").get<double>();
  const double lb = b.at("metrics").at("final_loss").get<double>();
  EXPECT_LT(std::abs(la - lb) / la, 1e-5) << la << " vs " << lb;
  const SafetensorsFile qa = read_safetensors(dir / "one" / "quant.safetensors");
  const SafetensorsFile qb = read_safetensors(dir / "two" / "quant.safetensors");
  ASSERT_EQ(qa.tensors.size(), qb.tensors.size());
  double worst = 0;
  for (const auto& [name, t] : qa.tensors) {
    const at::Tensor x = t.to(at::kDouble), y = qb.tensors.at(name).to(at::kDouble);
    worst = std::max(
        worst,
        ((x - y).abs().max() / std::max(x.abs().max().item<double>(), 1e-30)).item<double>());
  }
  std::cout << "tdq quantize lsq, 3 steps, batch 4: --nproc 2 vs one process, largest relative "
               "difference in quant.safetensors "
            << worst << ", final loss " << la << " vs " << lb << "\n";
  EXPECT_LT(worst, 1e-4);
  EXPECT_FALSE(std::filesystem::exists(run_checkpoint(dir / "two")));
}

// 65 calibration samples (MinMax) or trajectories (PTQ4DM): batches of 64 and 1, one per rank. The
// ranges are exact unions and the reconstruction runs whole on each rank from the gathered set, so
// nothing may differ. (TDQ-PTQ's per-step start reads the same merged ranges:
// tests/dist/reduce_ranges_test.cpp.)
TEST_F(QuantizeNproc, PostTrainingCalibrationSplitGivesTheOneProcessTwin) {
  for (const std::string method : {"minmax", "ptq4dm"}) {
    SCOPED_TRACE(method);
    const std::string name = method.substr(0, method.find(' '));
    const std::string args =
        base(method) + " --calib 65 --calib-steps 4 --calib-t 3 --iters 4 --recon-batch 8";
    const CliResult one = run_tdq(args + " --out " + (dir / (name + "-one")).string(), dir);
    ASSERT_EQ(one.code, 0) << one.err;
    const CliResult two =
        run_tdq(args + " --nproc 2 --out " + (dir / (name + "-two")).string(), dir);
    ASSERT_EQ(two.code, 0) << two.err;
    EXPECT_EQ(read_run_json(dir / (name + "-two")).at("metrics").at("world_size"), 2);
    const SafetensorsFile qa = read_safetensors(dir / (name + "-one") / "quant.safetensors");
    const SafetensorsFile qb = read_safetensors(dir / (name + "-two") / "quant.safetensors");
    ASSERT_EQ(qa.tensors.size(), qb.tensors.size());
    for (const auto& [key, t] : qa.tensors) {
      ASSERT_TRUE(qb.tensors.count(key)) << key;
      EXPECT_TRUE(t.equal(qb.tensors.at(key))) << key;
    }
  }
}

TEST_F(QuantizeNproc, FewerCalibrationBatchesThanRanksIsAUsageError) {
  const CliResult run = run_tdq(
      base("minmax") + " --calib 2 --calib-steps 4 --nproc 2 --out " + (dir / "run").string(), dir);
  EXPECT_EQ(run.code, 2) << run.err;
  EXPECT_NE(run.err.find("--calib 2: gives 1 batch(es) for 2 ranks"), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "run"));
}

}  // namespace
}  // namespace tdq
