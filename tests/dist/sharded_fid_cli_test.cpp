// `tdq fid --nproc 2` against one process, through the real binary on loopback: the same FID
// (measured difference printed), the same Inception Score bit for bit, one run folder written by
// rank 0; a share too small for the ranks refused; a killed rank named, with no run folder left.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

#include "core/dist/dist_context.h"
#include "core/eval/frechet.h"
#include "core/run/run_folder.h"
#include "core/run/stale_temporaries.h"
#include "tests/support/run_cli.h"
#include "tests/support/tiny_runs.h"

extern char** environ;

namespace tdq {
namespace {

using Clock = std::chrono::steady_clock;
using test::CliResult;
using test::run_tdq;

class ShardedFid : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!distributed_support()) GTEST_SKIP() << "built without TDQ_WITH_DISTRIBUTED";
    test::make_tiny_model(dir);
  }
  // One thread per process: oneDNN then sums in the same order in both runs, so each batch's
  // images are the same bits and only the reduction of the moments differs.
  std::string base(std::int64_t n, std::int64_t batch) const {
    return "fid --threads 1 --model " + (dir / "model").string() + " --features " +
           (dir / "fnet").string() + " --ref " + (dir / "ref.safetensors").string() + " --n " +
           std::to_string(n) + " --batch " + std::to_string(batch) + " --is-splits 2";
  }
  test::TempDir dir;
};

double relative(double a, double b) { return std::abs(a - b) / std::max(std::abs(b), 1e-300); }

TEST_F(ShardedFid, TwoRanksGiveTheSingleProcessResult) {
  // 22 samples in batches of 4: 6 batches, the last one short; 3 per rank.
  const std::string args = base(22, 4) + " -q --json --steps 2,1 --seeds 0,3";
  const CliResult one = run_tdq(args + " --out " + (dir / "one").string(), dir);
  ASSERT_EQ(one.code, 0) << one.err;
  const CliResult two = run_tdq(args + " --nproc 2 --out " + (dir / "two").string(), dir);
  ASSERT_EQ(two.code, 0) << two.err;
  // Rank 0 alone reports: one JSON line, and the run records the two processes.
  const auto printed = test::last_json_line(two.out);
  EXPECT_EQ(std::count(two.out.begin(), two.out.end(), '\n'), 1) << two.out;
  const auto run_one = read_run_json(dir / "one");
  const auto run_two = read_run_json(dir / "two");
  EXPECT_EQ(run_one.at("world_size"), 1);
  EXPECT_EQ(run_two.at("world_size"), 2);
  EXPECT_EQ(printed.at("fid"), run_two.at("metrics").at("fid"));
  const auto& points_one = run_one.at("metrics").at("points");
  const auto& points_two = run_two.at("metrics").at("points");
  ASSERT_EQ(points_one.size(), 4u);
  ASSERT_EQ(points_two.size(), 4u);
  double worst_fid = 0, worst_mean = 0, worst_cov = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    const double fid_one = points_one[i].at("fid").get<double>();
    const double fid_two = points_two[i].at("fid").get<double>();
    worst_fid = std::max(worst_fid, relative(fid_two, fid_one));
    // The class probabilities are gathered row by row, not summed: the IS is the same bits.
    EXPECT_EQ(points_one[i].at("is_mean"), points_two[i].at("is_mean"));
    EXPECT_EQ(points_one[i].at("is_std"), points_two[i].at("is_std"));
    EXPECT_GT(points_one[i].at("is_mean").get<double>(), 0.0);
    const std::string file = "stats/steps" + std::to_string(points_one[i].at("steps").get<int>()) +
                             ".seed" + std::to_string(points_one[i].at("seed").get<int>()) +
                             ".safetensors";
    const GaussianStats a = read_gaussian_stats(dir / "one" / file);
    const GaussianStats b = read_gaussian_stats(dir / "two" / file);
    EXPECT_EQ(a.count, 22);
    EXPECT_EQ(b.count, 22);
    worst_mean =
        std::max(worst_mean, ((a.mean - b.mean).abs().max() / a.mean.abs().max()).item<double>());
    worst_cov =
        std::max(worst_cov, ((a.cov - b.cov).abs().max() / a.cov.abs().max()).item<double>());
  }
  std::cout << "2 ranks vs 1 process: FID relative difference " << worst_fid << ", feature mean "
            << worst_mean << ", covariance " << worst_cov << " (largest over 4 points)\n";
  // float64 sums in another order: round-off only. A wrong shard (other noise, a lost or doubled
  // batch) moves the FID of 22 samples by percents.
  EXPECT_LT(worst_fid, 1e-9);
  EXPECT_LT(worst_mean, 1e-12);
  EXPECT_LT(worst_cov, 1e-12);
}

TEST_F(ShardedFid, FewerBatchesThanRanksIsAUsageError) {
  const CliResult run = run_tdq(base(8, 8) + " -q --nproc 2 --out " + (dir / "run").string(), dir);
  EXPECT_EQ(run.code, 2) << run.err;
  EXPECT_NE(run.err.find("--n 8: gives 1 batch(es) for 2 ranks"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("the first rank to fail"), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "run"));
}

TEST_F(ShardedFid, NprocInsideADistributedRunIsRefused) {
  ::setenv("WORLD_SIZE", "2", 1);
  const CliResult nested =
      run_tdq(base(8, 4) + " -q --nproc 2 --out " + (dir / "nested").string(), dir);
  ::unsetenv("WORLD_SIZE");
  EXPECT_EQ(nested.code, 2);
  EXPECT_NE(nested.err.find("--nproc 2: cannot launch workers"), std::string::npos) << nested.err;
}

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The pid of the worker with RANK=`rank` among `launcher`'s children, or -1.
pid_t worker_of(pid_t launcher, int rank) {
  std::ifstream children("/proc/" + std::to_string(launcher) + "/task/" + std::to_string(launcher) +
                         "/children");
  pid_t pid;
  while (children >> pid) {
    const std::string environment = read_text("/proc/" + std::to_string(pid) + "/environ");
    std::istringstream entries(environment);
    std::string entry;
    while (std::getline(entries, entry, '\0')) {
      if (entry == "RANK=" + std::to_string(rank)) return pid;
    }
  }
  return -1;
}

TEST_F(ShardedFid, AKilledRankIsNamedAndNoRunFolderIsLeft) {
  // Long enough (100 batches x 20 steps per rank) that the kill lands mid-run.
  const std::string tdq =
      std::string(std::getenv("TDQ_BIN_DIR") ? std::getenv("TDQ_BIN_DIR") : "build/bin") + "/tdq";
  const std::filesystem::path out = dir / "runs" / "fid";
  std::filesystem::create_directories(dir / "runs");
  std::vector<std::string> args = {tdq,          "fid",
                                   "--threads",  "1",
                                   "--model",    (dir / "model").string(),
                                   "--features", (dir / "fnet").string(),
                                   "--ref",      (dir / "ref.safetensors").string(),
                                   "--n",        "800",
                                   "--batch",    "4",
                                   "--steps",    "20",
                                   "--nproc",    "2",
                                   "--out",      out.string()};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string err_file = (dir / "launcher.err").string();
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  ::setenv("TDQ_DIST_TIMEOUT", "10", 1);
  pid_t launcher = -1;
  ASSERT_EQ(posix_spawn(&launcher, tdq.c_str(), &actions, nullptr, argv.data(), environ), 0);
  ::unsetenv("TDQ_DIST_TIMEOUT");
  posix_spawn_file_actions_destroy(&actions);
  // Rank 0's progress bar starts after the rendezvous: then both ranks are in the run.
  const auto start = Clock::now();
  while (read_text(err_file).find("fid [") == std::string::npos &&
         Clock::now() - start < std::chrono::seconds(30)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const pid_t victim = worker_of(launcher, 1);
  ASSERT_GT(victim, 0) << read_text(err_file);
  ASSERT_EQ(::kill(victim, SIGKILL), 0);
  const auto killed = Clock::now();
  int status = 0;
  ASSERT_EQ(::waitpid(launcher, &status, 0), launcher);
  const double seconds = std::chrono::duration<double>(Clock::now() - killed).count();
  const std::string err = read_text(err_file);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1) << err;
  // The launcher names the rank and stops the others at once.
  EXPECT_NE(err.find("rank 1 of 2 was killed by signal 9"), std::string::npos) << err;
  EXPECT_LT(seconds, 10.0) << err;  // within the 10 s timeout
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_TRUE(stale_temporaries(dir / "runs").empty());
  std::cout << "killed rank 1: launcher exited " << seconds << " s later\n";
}

}  // namespace
}  // namespace tdq
