#pragma once
// at::parallel_for is a header template: with LibTorch's OpenMP backend it splits work over
// threads only in code compiled with OpenMP (ATen/ParallelOpenMP.h tests _OPENMP), and the
// kernels' loops ran on one thread until kernels/CMakeLists.txt added the flag. This reports what
// a parallel_for in this library does.
namespace tdq::kernels {

// How many distinct threads a parallel_for over `chunks` one-element chunks, compiled here, runs
// on (at most at::get_num_threads()).
int parallel_for_threads(int chunks);

}  // namespace tdq::kernels
