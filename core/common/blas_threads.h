#pragma once
// The thread count of LibTorch's BLAS where it is OpenBLAS (Debian's libtorch), which
// at::set_num_threads leaves alone. Where the BLAS offers no such call (pip LibTorch's MKL), these
// do nothing. Why it matters: the pthread build of OpenBLAS keeps its worker threads spinning in
// sched_yield for a while after every call (OPENBLAS_THREAD_TIMEOUT, read only when the library
// loads), and the network's GEMMs are small while LibTorch parallelises its own kernels over
// OpenMP: one BLAS thread during sampling and training, all cores for the large GEMMs and
// factorisations of the Frechet distance (ScopedBlasThreads).

namespace tdq {

// The BLAS's thread count, or 0 where it offers no control.
int blas_threads();
// Sets it where the BLAS offers control (threads >= 1); returns whether it could.
bool set_blas_threads(int threads);

// `threads` BLAS threads for a scope (0: LibTorch's intra-op thread count), the previous count
// restored after. The count is process-wide: BLAS calls of other threads (a second GUI job) may
// use them meanwhile, which OpenBLAS allows (it reads the count at every call).
class ScopedBlasThreads {
 public:
  explicit ScopedBlasThreads(int threads = 0);
  ~ScopedBlasThreads();
  ScopedBlasThreads(const ScopedBlasThreads&) = delete;
  ScopedBlasThreads& operator=(const ScopedBlasThreads&) = delete;

 private:
  int previous_;
};

}  // namespace tdq
