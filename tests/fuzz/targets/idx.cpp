// IDX files, raw or gzip-compressed, through the reader `--data` folders go through.
#include "core/data/idx_reader.h"
#include "tests/fuzz/fuzz_target.h"

TDQ_FUZZ_TARGET(idx) { tdq::read_idx(tdq::fuzz::scratch_file("fuzz.idx", bytes)); }
