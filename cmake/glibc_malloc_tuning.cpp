// TDQ_ALLOCATOR=glibc (cmake/allocator.cmake): glibc's malloc, told to keep freed memory. By
// default it serves blocks above a (sliding) mmap threshold with fresh mappings and trims the heap
// top when it frees, so LibTorch's uncached tensors page-fault their memory in on every use.
#include <malloc.h>

namespace {

struct GlibcMallocTuning {
  GlibcMallocTuning() {
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);    // the largest value glibc accepts on 64-bit
    mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);  // keep up to 1 GiB of free heap top
    mallopt(M_TOP_PAD, 64 * 1024 * 1024);           // grow the heap in 64 MiB steps
  }
};

const GlibcMallocTuning tuning;

}  // namespace
