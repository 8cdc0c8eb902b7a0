// Replays every fuzz target's corpus (tests/fuzz/corpus/<target>/) and fixed mutations of its
// seeds: each input must give a tdq::Error or nothing, never another exception or a crash.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <stdexcept>

#include "core/common/errors.h"
#include "core/common/file_io.h"
#include "tests/fuzz/fuzz_target.h"

namespace tdq::fuzz {
namespace {

const std::filesystem::path kCorpus = std::filesystem::path(TDQ_SOURCE_DIR) / "tests/fuzz/corpus";

std::vector<std::string> target_names() {
  std::vector<std::string> names;
  for (const auto& [name, fn] : targets()) names.push_back(name);
  return names;
}

// One input through one target; anything but tdq::Error is reported with the input's name.
void replay(const std::string& target, const std::string& input_name, std::string_view bytes) {
  try {
    run_one(targets().at(target), bytes);
  } catch (const std::exception& e) {
    ADD_FAILURE() << target << " on " << input_name << ": " << typeid(e).name() << ": " << e.what();
  }
}

// Truncations and byte flips of a seed, the same on every run (seeded).
std::vector<std::string> mutations(const std::string& seed, std::uint32_t rng_seed) {
  std::vector<std::string> out;
  for (int k = 1; k < 8; ++k) out.push_back(seed.substr(0, seed.size() * k / 8));
  std::mt19937 rng(rng_seed);
  for (int k = 0; k < 24 && seed.size() > 1; ++k) {
    std::string flipped = seed;
    // Never the first byte of a folder seed: it picks the file.
    const std::size_t at = 1 + rng() % (seed.size() - 1);
    flipped[at] = static_cast<char>(flipped[at] ^ (1u << (rng() % 8)));
    out.push_back(flipped);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> corpus_of(const std::string& target) {
  std::vector<std::pair<std::string, std::string>> inputs;
  const auto dir = kCorpus / target;
  if (!std::filesystem::is_directory(dir)) return inputs;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.is_regular_file())
      inputs.emplace_back(entry.path().filename().string(), read_file_bytes(entry.path()));
  std::sort(inputs.begin(), inputs.end());
  return inputs;
}

class FuzzReplay : public ::testing::TestWithParam<std::string> {};

TEST_P(FuzzReplay, CorpusAndSeedMutationsGiveOnlyClearErrors) {
  const std::string& target = GetParam();
  auto inputs = corpus_of(target);
  if (const auto maker = seed_makers().find(target); maker != seed_makers().end()) {
    const auto seeds = maker->second();
    for (std::size_t i = 0; i < seeds.size(); ++i)
      inputs.emplace_back("template-file-" + std::to_string(i), seeds[i]);
  }
  ASSERT_FALSE(inputs.empty()) << "no corpus in " << (kCorpus / target);
  std::uint32_t rng_seed = 0;
  for (const auto& [name, bytes] : inputs) {
    replay(target, name, bytes);
    for (const auto& mutated : mutations(bytes, rng_seed++))
      replay(target, name + " (mutated)", mutated);
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzReplay, ::testing::ValuesIn(target_names()),
                         [](const auto& info) { return info.param; });

TEST(FuzzHarness, OnlyTdqErrorsAreSwallowed) {
  // If run_one swallowed everything, no fuzzer and no replay could ever fail.
  EXPECT_NO_THROW(run_one([](std::string_view) { throw FormatError("f", "bad"); }, ""));
  EXPECT_THROW(run_one([](std::string_view) { throw std::logic_error("bug"); }, ""),
               std::logic_error);
}

TEST(FuzzHarness, EveryParserOfIssue18HasATarget) {
  for (const char* name : {"safetensors", "idx", "unet_config", "quant_config", "model_folder",
                           "quantize_run", "analyze_run", "fid_run", "feature_net"})
    EXPECT_TRUE(targets().count(name)) << name;
}

}  // namespace
}  // namespace tdq::fuzz
