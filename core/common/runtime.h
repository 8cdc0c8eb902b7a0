#pragma once
#include <string>

#include <c10/core/Device.h>

namespace tdq {

// LibTorch starts with one intra-op thread here; use every core unless `threads` > 0 says
// otherwise.
void configure_threads(int threads = 0);

// "cpu" or "cuda[:N]"; ConfigError when unknown or when CUDA is asked for but not available.
c10::Device parse_device(const std::string& name);

}  // namespace tdq
