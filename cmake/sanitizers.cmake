# Instrumented builds (issue 18). Both need their own malloc (ASan replaces it), so the allocator is
# forced to glibc's, untouched (TDQ_ALLOCATOR=system).
#
# TDQ_SANITIZE=address,undefined   GCC or Clang; the whole project and ctest run under the
#                                  sanitizers (scripts/test-sanitize).
# TDQ_FUZZ=ON                      Clang only: every source gets libFuzzer's coverage hooks and
#                                  ASan/UBSan, and tests/fuzz builds one fuzz_<target> binary per
#                                  parser (scripts/fuzz). The GUI is not built.
set(TDQ_SANITIZE "" CACHE STRING "sanitizers for every target, e.g. address,undefined")
option(TDQ_FUZZ "Build the libFuzzer targets (Clang)" OFF)

set(tdq_sanitizers "${TDQ_SANITIZE}")
if(TDQ_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "TDQ_FUZZ=ON needs Clang (CXX=clang++); this is ${CMAKE_CXX_COMPILER_ID}")
  endif()
  if(NOT tdq_sanitizers)
    set(tdq_sanitizers address,undefined)
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
  set(TDQ_BUILD_GUI OFF CACHE BOOL "" FORCE)
endif()

if(tdq_sanitizers)
  # UBSan findings stop the process, so a test or a fuzzer cannot pass over them.
  add_compile_options(-fsanitize=${tdq_sanitizers} -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${tdq_sanitizers})
  # GCC 12's -Wmaybe-uninitialized misfires inside libstdc++'s <regex> (std::function in its NFA
  # states) once ASan instruments it, in every TU that builds a std::regex; the release build is
  # silent there.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
  set(TDQ_ALLOCATOR system CACHE STRING "" FORCE)
endif()
