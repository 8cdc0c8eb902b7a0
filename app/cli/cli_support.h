#pragma once
#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/common/progress.h"
#include "core/diffusion/sampler.h"

namespace tdq::cli {

// Options every command has.
struct CommonOptions {
  std::uint64_t seed = 0;
  std::string device = "cpu";
  int threads = 0;
  bool json = false;
  bool quiet = false;
};

void add_common_options(CLI::App& command, CommonOptions& options);

// --sampler, --skip and --no-clip of every command that samples.
struct SamplerOptions {
  std::string sampler = "ddim";
  std::string skip = "uniform";
  bool no_clip = false;
};
void add_sampler_options(CLI::App& command, SamplerOptions& options);
// The sampler they describe with `steps` steps.
SamplerConfig sampler_config(const SamplerOptions& options, std::int64_t steps);

// `--nproc N` of the commands that run sharded (fid): main() then launches N local workers of the
// same command instead of running it (app/cli/local_launch.h).
void add_nproc_option(CLI::App& command);
int requested_workers();  // 1 unless --nproc asked for more

// Applies thread count; call first in every command's action.
void apply_common_options(const CommonOptions& options);

// A progress bar on stderr: redrawn in place on a terminal, one line per percent otherwise (logs).
ProgressFn make_progress_bar(const std::string& label, const CommonOptions& options);

// Human output goes to stderr so that with --json the JSON object is the last line of stdout.
void print_result(const CommonOptions& options, const nlohmann::json& result,
                  const std::string& human);

// One line on stderr (unless --quiet) when the folder a run will be written to holds leftovers of
// stopped runs, naming them and `tdq clean`. Commands that write run folders call it first.
void note_stale_temporaries(const std::string& out, const CommonOptions& options);

// Each command registers itself and sets the action run after a successful parse.
using Action = std::function<void()>;
void add_info_command(CLI::App& app, Action& action);
void add_train_command(CLI::App& app, Action& action);
void add_sample_command(CLI::App& app, Action& action);
void add_quantize_command(CLI::App& app, Action& action);
void add_train_features_command(CLI::App& app, Action& action);
void add_fid_command(CLI::App& app, Action& action);
void add_analyze_command(CLI::App& app, Action& action);
void add_demo_command(CLI::App& app, Action& action);
void add_sensitivity_command(CLI::App& app, Action& action);
void add_search_bits_command(CLI::App& app, Action& action);
void add_clean_command(CLI::App& app, Action& action);

}  // namespace tdq::cli
