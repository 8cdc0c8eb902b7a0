#include "core/common/blas_threads.h"

#include <dlfcn.h>

#include <ATen/Parallel.h>

namespace tdq {
namespace {

// Looked up at run time: the symbols exist only when the process loaded OpenBLAS.
using SetThreads = void (*)(int);
using GetThreads = int (*)();

SetThreads openblas_set() {
  static const auto fn =
      reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  return fn;
}

GetThreads openblas_get() {
  static const auto fn =
      reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  return fn;
}

}  // namespace

int blas_threads() {
  const auto get = openblas_get();
  return get ? get() : 0;
}

bool set_blas_threads(int threads) {
  const auto set = openblas_set();
  if (!set || threads < 1) return false;
  set(threads);
  return true;
}

ScopedBlasThreads::ScopedBlasThreads(int threads) : previous_(blas_threads()) {
  set_blas_threads(threads > 0 ? threads : at::get_num_threads());
}

ScopedBlasThreads::~ScopedBlasThreads() { set_blas_threads(previous_); }

}  // namespace tdq
