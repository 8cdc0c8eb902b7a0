// The allocator of cmake/allocator.cmake: LibTorch frees every activation-sized tensor back to
// malloc, and glibc's default malloc returns such blocks to the kernel, so each new tensor
// page-faults its memory in again (measured: 822,000 minor faults for `tdq sample --n 64 --steps
// 20`, 63,000 with tcmalloc). This guards the fix without timing anything: the minor page faults
// of a small sampling run stay below a bound that the unfixed build exceeds several times over.
#include <dlfcn.h>
#include <sys/resource.h>

#include <gtest/gtest.h>

#include <iostream>

#include "tests/support/run_cli.h"

namespace tdq {
namespace {

long children_minor_faults() {
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  return usage.ru_minflt;
}

TEST(Allocator, TheBinariesUseTheConfiguredAllocator) {
  const std::string configured = TDQ_ALLOCATOR_NAME;
  const bool tcmalloc = dlsym(RTLD_DEFAULT, "tc_malloc") != nullptr;
  const bool jemalloc = dlsym(RTLD_DEFAULT, "mallctl") != nullptr;
  EXPECT_EQ(tcmalloc, configured == "tcmalloc") << configured;
  EXPECT_EQ(jemalloc, configured == "jemalloc") << configured;
}

TEST(Allocator, SamplingDoesNotPageFaultItsTensorsInAgain) {
  const std::string configured = TDQ_ALLOCATOR_NAME;
  if (configured == "system") GTEST_SKIP() << "built with TDQ_ALLOCATOR=system (measuring)";
  test::TempDir dir;
  const long before = children_minor_faults();
  const auto run = test::run_tdq(
      "sample -q --threads 1 --n 32 --steps 20 --out " + (dir / "grid.png").string(), dir);
  const long faults = children_minor_faults() - before;
  ASSERT_EQ(run.code, 0) << run.err;
  // Measured 2026-12-02 on the default model, 1 thread: 41,000 with tcmalloc, 530,000 with
  // glibc's malloc (the same objects linked without it); most of the 41,000 are start-up.
  EXPECT_LT(faults, 120000) << "minor page faults of `tdq sample --n 32 --steps 20`";
  std::cout << "minor page faults: " << faults << "\n";
}

}  // namespace
}  // namespace tdq
