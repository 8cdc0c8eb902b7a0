// `tdq analyze --nproc 2` against one process, through the real binary on loopback: the same
// record (integer counts and histograms equal, float64 statistics to round-off), the same sample
// grids and step images byte for byte, one run folder written by rank 0; a share too small for
// the ranks refused naming --n.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>

#include "core/dist/dist_context.h"
#include "core/model/safetensors.h"
#include "core/run/run_folder.h"
#include "tests/support/run_cli.h"
#include "tests/support/tiny_runs.h"

namespace tdq {
namespace {

namespace fs = std::filesystem;
using test::CliResult;
using test::run_tdq;

class ShardedAnalyze : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!distributed_support()) GTEST_SKIP() << "built without TDQ_WITH_DISTRIBUTED";
    const auto tiny = test::make_tiny_model(dir);
    run_quantize_job(test::tiny_quantize_job(tiny, QuantMethod::Table), dir / "quant");
  }
  // One thread per process: oneDNN then sums in the same order in both runs, so each batch's
  // inputs are the same bits and only the reduction of the sums differs.
  std::string base(std::int64_t n, std::int64_t batch) const {
    return "analyze --threads 1 -q --model " + (dir / "model").string() + " --quant " +
           (dir / "quant").string() + " --steps 4 --bins 16 --edge-samples 2 --n " +
           std::to_string(n) + " --batch " + std::to_string(batch);
  }
  test::TempDir dir;
};

std::string bytes_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST_F(ShardedAnalyze, TwoRanksGiveTheSingleProcessRecord) {
  // 10 samples in batches of 3: 4 batches, the last one short; 2 per rank.
  const CliResult one = run_tdq(base(10, 3) + " --out " + (dir / "one").string(), dir);
  ASSERT_EQ(one.code, 0) << one.err;
  const CliResult two = run_tdq(base(10, 3) + " --nproc 2 --out " + (dir / "two").string(), dir);
  ASSERT_EQ(two.code, 0) << two.err;
  EXPECT_EQ(read_run_json(dir / "one").at("analysis").at("world_size"), 1);
  EXPECT_EQ(read_run_json(dir / "two").at("analysis").at("world_size"), 2);

  const auto a = read_safetensors(dir / "one" / "stats.safetensors").tensors;
  const auto b = read_safetensors(dir / "two" / "stats.safetensors").tensors;
  ASSERT_EQ(a.size(), b.size());
  double worst = 0;
  std::string worst_key;
  for (const auto& [key, x] : a) {
    SCOPED_TRACE(key);
    ASSERT_TRUE(b.count(key));
    const at::Tensor& y = b.at(key);
    ASSERT_EQ(x.sizes(), y.sizes());
    if (!at::isFloatingType(x.scalar_type())) {
      EXPECT_TRUE(x.equal(y));  // counts, histograms, clip counts, fallbacks: exact
      continue;
    }
    const at::Tensor xd = x.to(at::kDouble), yd = y.to(at::kDouble);
    EXPECT_TRUE(xd.isnan().equal(yd.isnan()));
    const at::Tensor finite = xd.isfinite() & yd.isfinite();
    EXPECT_TRUE((xd.isinf() == yd.isinf()).all().item<bool>());
    if (!finite.any().item<bool>()) continue;
    const at::Tensor difference = (xd - yd).abs().masked_select(finite);
    const double scale = std::max(xd.abs().masked_select(finite).max().item<double>(), 1e-300);
    const double relative = difference.max().item<double>() / scale;
    if (relative > worst) worst = relative, worst_key = key;
  }
  std::cout << "2 ranks vs 1 process: largest relative difference " << worst << " (" << worst_key
            << ")\n";
  // float64 sums added in another order: round-off only. A wrong share (other noise, a batch lost
  // or counted twice) changes the counts above and these by far more.
  EXPECT_LT(worst, 1e-9);
  for (const char* image : {"samples/fp.png", "samples/quant.png"}) {
    ASSERT_TRUE(fs::exists(dir / "one" / image)) << image;
    EXPECT_EQ(bytes_of(dir / "one" / image), bytes_of(dir / "two" / image)) << image;
  }
  std::size_t step_files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir / "one" / "samples" / "steps")) {
    if (!entry.is_regular_file()) continue;
    const fs::path relative = fs::relative(entry.path(), dir / "one");
    EXPECT_EQ(bytes_of(entry.path()), bytes_of(dir / "two" / relative)) << relative;
    ++step_files;
  }
  EXPECT_GT(step_files, 0u);
}

TEST_F(ShardedAnalyze, FewerBatchesThanRanksIsAUsageError) {
  const CliResult run = run_tdq(base(3, 3) + " --nproc 2 --out " + (dir / "run").string(), dir);
  EXPECT_EQ(run.code, 2) << run.err;
  EXPECT_NE(run.err.find("--n 3: gives 1 batch(es) for 2 ranks"), std::string::npos) << run.err;
  EXPECT_FALSE(fs::exists(dir / "run"));
}

}  // namespace
}  // namespace tdq
