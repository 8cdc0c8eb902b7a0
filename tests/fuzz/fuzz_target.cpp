#include "tests/fuzz/fuzz_target.h"

#include <unistd.h>
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <random>
#include <system_error>

#include "core/common/errors.h"
#include "core/common/file_io.h"
#include "core/common/runtime.h"

namespace tdq::fuzz {
namespace {

std::map<std::string, TargetFn>& target_table() {
  static std::map<std::string, TargetFn> table;
  return table;
}

std::map<std::string, std::vector<std::string> (*)()>& seed_table() {
  static std::map<std::string, std::vector<std::string> (*)()> table;
  return table;
}

// Removes the scratch folder when the process ends normally (libFuzzer exits through exit()).
struct Scratch {
  std::filesystem::path dir;
  Scratch() {
    dir = std::filesystem::temp_directory_path() /
          ("tdq-fuzz-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir);
  }
  ~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

// Plain write, not write_file_atomic: the fuzzed file is rewritten millions of times and a torn
// write cannot happen inside one process.
void write_bytes(const std::filesystem::path& file, std::string_view bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

bool fuzzed_kind(const std::filesystem::path& file) {
  const auto ext = file.extension();
  return ext == ".json" || ext == ".safetensors";
}

}  // namespace

bool register_target(const char* name, TargetFn fn) {
  target_table()[name] = fn;
  return true;
}

const std::map<std::string, TargetFn>& targets() { return target_table(); }

bool register_seeds(const char* name, std::vector<std::string> (*seeds)()) {
  seed_table()[name] = seeds;
  return true;
}

const std::map<std::string, std::vector<std::string> (*)()>& seed_makers() { return seed_table(); }

void run_one(TargetFn fn, std::string_view bytes) {
  try {
    fn(bytes);
  } catch (const tdq::Error&) {
    // The expected answer to bad bytes: one clear message.
  }
}

std::filesystem::path scratch_dir() {
  static Scratch scratch;
  return scratch.dir;
}

std::filesystem::path scratch_file(const std::string& name, std::string_view bytes) {
  const auto file = scratch_dir() / name;
  write_bytes(file, bytes);
  return file;
}

FolderTemplate::FolderTemplate(
    const std::function<std::filesystem::path(const std::filesystem::path&)>& make) {
  // One input at a time on one thread: idle OpenBLAS/OpenMP workers spinning on a shared machine
  // made the replay several times slower.
  configure_threads(1);
  folder_ = make(scratch_dir());
  for (const auto& entry : std::filesystem::recursive_directory_iterator(folder_))
    if (entry.is_regular_file() && fuzzed_kind(entry.path())) files_.push_back(entry.path());
  std::sort(files_.begin(), files_.end());
  if (files_.empty()) throw std::logic_error("fuzz template without .json/.safetensors files");
  for (const auto& file : files_) originals_.push_back(read_file_bytes(file));
}

void FolderTemplate::fuzz(std::string_view bytes,
                          const std::function<void(const std::filesystem::path&)>& read) {
  if (bytes.empty()) return read(folder_);
  const std::size_t index = static_cast<unsigned char>(bytes[0]) % files_.size();
  write_bytes(files_[index], bytes.substr(1));
  struct Restore {  // also when `read` throws
    const std::filesystem::path& file;
    const std::string& original;
    ~Restore() { write_bytes(file, original); }
  } restore{files_[index], originals_[index]};
  read(folder_);
}

std::vector<std::string> FolderTemplate::seeds() const {
  std::vector<std::string> seeds;
  for (std::size_t i = 0; i < files_.size(); ++i)
    seeds.push_back(std::string(1, static_cast<char>(i)) + originals_[i]);
  return seeds;
}

}  // namespace tdq::fuzz

#ifdef TDQ_LIBFUZZER
// libFuzzer calls this before it reads the corpus folders: a target with a folder template writes
// its valid files as seeds into $TDQ_FUZZ_SEED_DIR (scripts/fuzz passes the working corpus), so
// fuzzing starts from valid folders instead of rediscovering the formats from nothing.
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  const char* dir = std::getenv("TDQ_FUZZ_SEED_DIR");
  if (dir == nullptr || *dir == '\0') return 0;
  for (const auto& [name, make_seeds] : tdq::fuzz::seed_makers()) {
    const auto seeds = make_seeds();
    for (std::size_t i = 0; i < seeds.size(); ++i) {
      tdq::write_file_atomic(
          std::filesystem::path(dir) / (name + "-seed-file-" + std::to_string(i)), seeds[i]);
    }
  }
  return 0;
}
#endif
