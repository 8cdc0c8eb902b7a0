#pragma once
// Refusing work that cannot fit before allocating it (issue 18 item 5): an absurd --n, a model
// config of tens of GB. A refused run names the field and the sizes; the OOM killer names nothing.
#include <cstdint>
#include <string>

namespace tdq {

// Memory available to a new allocation now: MemAvailable of /proc/meminfo (what the kernel can
// hand out without swapping), else free physical pages.
std::uint64_t available_memory_bytes();

// ConfigError (field, value, "needs N GB for WHAT; M GB are available") when `bytes` exceed what
// is available.
void require_memory(std::uint64_t bytes, const std::string& field, const std::string& value,
                    const std::string& what);

// Bytes of `count` float32 images of c x h x w, saturating instead of overflowing.
std::uint64_t image_bytes(std::int64_t count, std::int64_t c, std::int64_t h, std::int64_t w);

// "1.2 GB", "340 MB": sizes in messages.
std::string human_bytes(std::uint64_t bytes);

}  // namespace tdq
