// Safetensors bytes as every reader of model weights, run state and statistics parses them.
#include "core/model/safetensors.h"
#include "tests/fuzz/fuzz_target.h"

TDQ_FUZZ_TARGET(safetensors) { tdq::parse_safetensors(bytes, "fuzz.safetensors"); }
