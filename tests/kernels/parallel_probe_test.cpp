#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include "kernels/parallel_probe.h"

namespace tdq::kernels {
namespace {

// Without OpenMP on the kernels' compile lines, LibTorch's inline parallel_for ran every fused
// fake-quant and statistics loop on one thread whatever --threads said.
TEST(ParallelKernels, LoopsSplitOverTheConfiguredThreads) {
#ifndef TDQ_KERNELS_OPENMP
  GTEST_SKIP() << "kernels built without OpenMP (LibTorch ships its own runtime or none is found)";
#endif
  const int before = at::get_num_threads();
  at::set_num_threads(2);
  EXPECT_EQ(parallel_for_threads(8), 2);
  at::set_num_threads(1);
  EXPECT_EQ(parallel_for_threads(8), 1);
  at::set_num_threads(before);
}

}  // namespace
}  // namespace tdq::kernels
