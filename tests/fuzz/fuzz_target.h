#pragma once
// A fuzz target is a function from arbitrary bytes to nothing that must neither crash nor throw
// anything but tdq::Error (the one-line messages the CLI and the GUI show). Each target file is
// built two ways:
//   - with clang's libFuzzer (-DTDQ_FUZZ=ON, scripts/fuzz): its own fuzzer binary fuzz_<name>;
//   - in every build: linked into test_fuzz, which replays tests/fuzz/corpus/<name>/ (seeds and
//     every input that once crashed) on each ctest run, with no clang needed.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tdq::fuzz {

using TargetFn = void (*)(std::string_view bytes);

bool register_target(const char* name, TargetFn fn);
const std::map<std::string, TargetFn>& targets();

// Runs `fn`, swallowing tdq::Error (the expected answer to bad bytes). Anything else escapes: a
// crash to libFuzzer, a failure to the replay test.
void run_one(TargetFn fn, std::string_view bytes);

// A folder (a model or a run folder) made once per process by `make`, of which one file at a time
// is replaced by fuzzed bytes: the first byte picks the file (modulo the number of .json and
// .safetensors files, in name order), the rest is its new content. `read` is called on the folder,
// then the file gets its original bytes back, so every input starts from the valid folder.
class FolderTemplate {
 public:
  explicit FolderTemplate(
      const std::function<std::filesystem::path(const std::filesystem::path&)>& make);
  void fuzz(std::string_view bytes, const std::function<void(const std::filesystem::path&)>& read);
  // One seed per file: its selector byte followed by its valid content.
  std::vector<std::string> seeds() const;
  const std::filesystem::path& folder() const { return folder_; }
  // The fuzzed files in selector order, and their valid content.
  const std::vector<std::filesystem::path>& files() const { return files_; }
  const std::string& original(std::size_t index) const { return originals_.at(index); }

 private:
  std::filesystem::path folder_;
  std::vector<std::filesystem::path> files_;
  std::vector<std::string> originals_;
};

// A file under this process's scratch folder (removed at exit) holding `bytes`.
std::filesystem::path scratch_file(const std::string& name, std::string_view bytes);
std::filesystem::path scratch_dir();

// Seeds a target offers beyond tests/fuzz/corpus (the valid folder files of FolderTemplate).
bool register_seeds(const char* name, std::vector<std::string> (*seeds)());
const std::map<std::string, std::vector<std::string> (*)()>& seed_makers();

}  // namespace tdq::fuzz

#ifdef TDQ_LIBFUZZER
#define TDQ_FUZZ_TARGET(name)                                                         \
  static void tdq_fuzz_##name(std::string_view bytes);                                \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) { \
    tdq::fuzz::run_one(tdq_fuzz_##name,                                               \
                       std::string_view(reinterpret_cast<const char*>(data), size));  \
    return 0;                                                                         \
  }                                                                                   \
  static void tdq_fuzz_##name(std::string_view bytes)
#else
#define TDQ_FUZZ_TARGET(name)                                     \
  static void tdq_fuzz_##name(std::string_view bytes);            \
  [[maybe_unused]] static const bool tdq_fuzz_registered_##name = \
      tdq::fuzz::register_target(#name, tdq_fuzz_##name);         \
  static void tdq_fuzz_##name(std::string_view bytes)
#endif

// Offers a FolderTemplate's seeds: the replay test replays them; a libFuzzer binary writes them
// into $TDQ_FUZZ_SEED_DIR at start (scripts/fuzz passes its working corpus), since a folder's valid
// files are made at run time and not committed.
#define TDQ_FUZZ_SEEDS(name, fn) \
  [[maybe_unused]] static const bool tdq_fuzz_seeds_##name = tdq::fuzz::register_seeds(#name, fn);
