# Multi-process runs (core/dist): c10d's TCPStore and ProcessGroupGloo, which LibTorch exports, and
# Gloo's headers, which ProcessGroupGloo.hpp includes but Debian ships apart (libgloo-dev).
# TDQ_WITH_DISTRIBUTED: AUTO (default) enables them when everything is found, ON requires them,
# OFF leaves them out. Without them the build has single processes only, and a multi-process
# environment (WORLD_SIZE > 1, --nproc) is refused with one message naming this option.
set(TDQ_WITH_DISTRIBUTED AUTO CACHE STRING "Multi-process runs on c10d/Gloo: AUTO, ON or OFF")
set_property(CACHE TDQ_WITH_DISTRIBUTED PROPERTY STRINGS AUTO ON OFF)

set(TDQ_DISTRIBUTED_ENABLED OFF)
if(TDQ_WITH_DISTRIBUTED STREQUAL "OFF")
  message(STATUS "Multi-process runs: off (TDQ_WITH_DISTRIBUTED=OFF)")
else()
  set(_tdq_dist_missing "")
  # core/dist is written against LibTorch 1.13's c10d (ProcessGroupGloo is a ProcessGroup; in 2.x
  # it became a Backend behind a ProcessGroup), the version Debian 12 ships.
  if(Torch_VERSION VERSION_GREATER_EQUAL 2.0)
    list(APPEND _tdq_dist_missing "LibTorch 1.x (found ${Torch_VERSION})")
  endif()
  find_path(TDQ_C10D_INCLUDE torch/csrc/distributed/c10d/ProcessGroupGloo.hpp
    PATHS ${TORCH_INCLUDE_DIRS} NO_DEFAULT_PATH)
  if(NOT TDQ_C10D_INCLUDE)
    list(APPEND _tdq_dist_missing "c10d headers in LibTorch")
  endif()
  find_package(Gloo CONFIG QUIET)
  if(NOT TARGET gloo)
    list(APPEND _tdq_dist_missing "Gloo (Debian: libgloo-dev)")
  endif()
  if(_tdq_dist_missing)
    if(TDQ_WITH_DISTRIBUTED STREQUAL "ON")
      message(FATAL_ERROR "TDQ_WITH_DISTRIBUTED=ON needs: ${_tdq_dist_missing}")
    endif()
    message(STATUS "Multi-process runs: off (missing ${_tdq_dist_missing})")
  else()
    set(TDQ_DISTRIBUTED_ENABLED ON)
    message(STATUS "Multi-process runs: on (c10d, Gloo)")
  endif()
endif()
