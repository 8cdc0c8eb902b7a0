# The process-wide allocator of every binary the project builds (tdq, tdq-workbench, benches, tests).
#
# Why: LibTorch's CPU allocator does not cache. Every activation-sized tensor it frees goes back to
# glibc, which returns large blocks to the kernel (munmap / heap trim), so the next tensor of the
# same size page-faults its memory in again. On the 2-core virtual machines this project is built
# on, `tdq sample --n 64 --steps 20` took 11.5-39.6 s with 822,000 minor page faults under glibc's
# malloc and 5.1-5.7 s with 63,000 under tcmalloc, which keeps freed spans for reuse (figures and
# the comparison with jemalloc and glibc's tunables: README "Memory allocator", docs/benchmarks.md).
#
# TDQ_ALLOCATOR:
#   tcmalloc  link Debian's libtcmalloc_minimal (google-perftools; the default where found)
#   jemalloc  link libjemalloc
#   glibc     keep glibc's malloc, raising its mmap and trim thresholds at start-up (mallopt), for
#             machines without either library (GPU servers with pip LibTorch)
#   system    glibc's malloc untouched (for measuring the difference)
# The library is linked with --no-as-needed: the binaries call malloc only through libstdc++ and
# LibTorch, so an as-needed linker would drop it.
find_library(TDQ_TCMALLOC_LIBRARY NAMES tcmalloc_minimal libtcmalloc_minimal.so.4)
find_library(TDQ_JEMALLOC_LIBRARY NAMES jemalloc libjemalloc.so.2)
if(TDQ_TCMALLOC_LIBRARY)
  set(tdq_default_allocator tcmalloc)
else()
  set(tdq_default_allocator glibc)
endif()
set(TDQ_ALLOCATOR "${tdq_default_allocator}" CACHE STRING "tcmalloc, jemalloc, glibc or system")
set_property(CACHE TDQ_ALLOCATOR PROPERTY STRINGS tcmalloc jemalloc glibc system)

add_library(tdq_allocator INTERFACE)
if(TDQ_ALLOCATOR STREQUAL "tcmalloc" OR TDQ_ALLOCATOR STREQUAL "jemalloc")
  if(TDQ_ALLOCATOR STREQUAL "tcmalloc")
    set(tdq_allocator_library ${TDQ_TCMALLOC_LIBRARY})
  else()
    set(tdq_allocator_library ${TDQ_JEMALLOC_LIBRARY})
  endif()
  if(NOT tdq_allocator_library)
    message(FATAL_ERROR "TDQ_ALLOCATOR=${TDQ_ALLOCATOR}: library not found (Debian: "
      "libgoogle-perftools-dev or libjemalloc-dev); use TDQ_ALLOCATOR=glibc")
  endif()
  target_link_options(tdq_allocator INTERFACE "LINKER:--no-as-needed")
  target_link_libraries(tdq_allocator INTERFACE ${tdq_allocator_library})
elseif(TDQ_ALLOCATOR STREQUAL "glibc")
  # Compiled into each executable (a static initialiser in a static library would be dropped).
  target_sources(tdq_allocator INTERFACE ${CMAKE_CURRENT_LIST_DIR}/glibc_malloc_tuning.cpp)
elseif(NOT TDQ_ALLOCATOR STREQUAL "system")
  message(FATAL_ERROR "TDQ_ALLOCATOR must be tcmalloc, jemalloc, glibc or system, got '${TDQ_ALLOCATOR}'")
endif()
message(STATUS "TDQ allocator: ${TDQ_ALLOCATOR} ${tdq_allocator_library}")
