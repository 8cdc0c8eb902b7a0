// `tdq quantize --nproc 2` (data-parallel QAT) against one process through the real binary: the
// same losses and quantizer state to float tolerance, one run folder with world_size 2 and no
// checkpoint left; PTQ methods refused with several ranks.
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
  const std::string args = base("lsq") + " --qat-steps 3 --batch 4";
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

TEST_F(QuantizeNproc, PostTrainingMethodsAreRefused) {
  const CliResult run = run_tdq(
      base("minmax") + " --calib 2 --calib-steps 4 --nproc 2 --out " + (dir / "run").string(), dir);
  EXPECT_EQ(run.code, 2) << run.err;
  EXPECT_NE(run.err.find("--method minmax: is post-training"), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "run"));
}

}  // namespace
}  // namespace tdq
