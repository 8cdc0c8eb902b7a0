# Unity builds (issue 19, item 5): each target's sources are compiled in batches of
# TDQ_UNITY_BATCH files, one translation unit per batch. A TU that includes LibTorch pays seconds of
# fixed cost (the precompiled header, the templates every file instantiates, code generation of the
# same inline functions) however little code it adds; a cold build on 2 cores spent about half its
# time on that. Off for day-to-day work where one edited file should recompile alone
# (-DTDQ_UNITY_BUILD=OFF). Never batched: the kernels, whose files carry their own floating-point
# flags, and the Qt code (views, workbench, GUI tests): Qt's keyword macros (slots, signals, emit)
# break LibTorch headers included after them, and QCustomPlot's header needs those macros, so
# QT_NO_KEYWORDS is no way out. A file with compile definitions of its own is left out of the
# batches (tdq_own_definitions).
option(TDQ_UNITY_BUILD "Compile each target's sources in batches: faster cold builds" ON)
set(TDQ_UNITY_BATCH 8 CACHE STRING "Source files per unity translation unit")

function(tdq_unity_build target)
  if(TDQ_UNITY_BUILD)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_MODE BATCH
      UNITY_BUILD_BATCH_SIZE ${TDQ_UNITY_BATCH})
  endif()
endfunction()

# Compile definitions for a few source files only, kept out of the unity batches so that they do
# not leak into the files batched with them.
function(tdq_own_definitions definitions)
  set_source_files_properties(${ARGN} PROPERTIES COMPILE_DEFINITIONS "${definitions}"
    SKIP_UNITY_BUILD_INCLUSION ON)
endfunction()
