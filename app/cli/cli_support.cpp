#include "app/cli/cli_support.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "core/common/runtime.h"
#include "core/run/stale_temporaries.h"

namespace tdq::cli {

void add_common_options(CLI::App& command, CommonOptions& options) {
  command.add_option("--seed", options.seed, "Random seed")->capture_default_str();
  command.add_option("--device", options.device, "cpu or cuda[:N]")->capture_default_str();
  command.add_option("--threads", options.threads, "CPU threads (0: all cores)")
      ->check(CLI::NonNegativeNumber);
  command.add_flag("--json", options.json, "Print one JSON object as the last line of stdout");
  command.add_flag("-q,--quiet", options.quiet, "No progress bar");
}

namespace {
int workers = 1;  // one per process: main() reads it after parsing
}  // namespace

void add_nproc_option(CLI::App& command) {
  command
      .add_option("--nproc", workers,
                  "Run as N local processes (c10d/Gloo on loopback), each sampling its share")
      ->check(CLI::Range(1, 256));
}

int requested_workers() { return workers; }

void add_sampler_options(CLI::App& command, SamplerOptions& options) {
  command.add_option("--sampler", options.sampler, "ddim or ddpm")
      ->check(CLI::IsMember({"ddim", "ddpm"}))
      ->capture_default_str();
  command.add_option("--skip", options.skip, "DDIM time-step skip: uniform or quadratic")
      ->check(CLI::IsMember({"uniform", "quadratic"}))
      ->capture_default_str();
  command.add_flag("--no-clip", options.no_clip, "Do not clamp the predicted x_0 to [-1, 1]");
}

SamplerConfig sampler_config(const SamplerOptions& options, std::int64_t steps) {
  SamplerConfig config;
  config.kind = parse_sampler_kind(options.sampler);
  config.skip = parse_skip_kind(options.skip);
  config.steps = steps;
  config.clip_x0 = !options.no_clip;
  return config;
}

void apply_common_options(const CommonOptions& options) { configure_threads(options.threads); }

namespace {
std::string format_seconds(double seconds) {
  char text[32];
  const int s = static_cast<int>(seconds + 0.5);
  if (s >= 3600)
    std::snprintf(text, sizeof text, "%dh%02dm", s / 3600, (s / 60) % 60);
  else
    std::snprintf(text, sizeof text, "%dm%02ds", s / 60, s % 60);
  return text;
}
}  // namespace

ProgressFn make_progress_bar(const std::string& label, const CommonOptions& options) {
  if (options.quiet) return {};
  struct State {
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    int last_percent = -1;
    std::int64_t first_done =
        -1;  // a resumed job starts part-way: its ETA uses this session's rate
    bool tty = ::isatty(STDERR_FILENO) != 0;
  };
  auto state = std::make_shared<State>();
  return [label, state](const ProgressInfo& info) {
    if (info.total <= 0) return true;
    const double fraction = static_cast<double>(info.done) / static_cast<double>(info.total);
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - state->start).count();
    if (state->first_done < 0) state->first_done = info.done - 1;
    const double rate =
        static_cast<double>(info.done - state->first_done) / std::max(elapsed, 1e-9);
    const double eta = rate > 0 ? static_cast<double>(info.total - info.done) / rate : 0;
    const int percent = static_cast<int>(fraction * 100);
    if (!state->tty && percent == state->last_percent && info.done != info.total) return true;
    state->last_percent = percent;
    const int width = 30;
    const int filled = static_cast<int>(fraction * width);
    std::fprintf(
        stderr, "%s%s [%s%s] %3d%% %lld/%lld %s elapsed %s eta %s%s", state->tty ? "\r" : "",
        label.c_str(), std::string(static_cast<std::size_t>(filled), '#').c_str(),
        std::string(static_cast<std::size_t>(width - filled), ' ').c_str(),
        static_cast<int>(fraction * 100), static_cast<long long>(info.done),
        static_cast<long long>(info.total), info.message.c_str(), format_seconds(elapsed).c_str(),
        format_seconds(eta).c_str(), state->tty ? "\033[K" : "\n");
    if (state->tty && info.done == info.total) std::fputc('\n', stderr);
    std::fflush(stderr);
    return true;
  };
}

void print_result(const CommonOptions& options, const nlohmann::json& result,
                  const std::string& human) {
  if (!human.empty()) (options.json ? std::cerr : std::cout) << human << std::flush;
  if (options.json) std::cout << result.dump() << std::endl;
}

void note_stale_temporaries(const std::string& out, const CommonOptions& options) {
  if (options.quiet) return;
  std::filesystem::path dir = std::filesystem::path(out).parent_path();
  if (dir.empty()) dir = ".";
  const auto stale = stale_temporaries(dir);
  if (stale.empty()) return;
  std::string names;
  for (std::size_t i = 0; i < stale.size() && i < 3; ++i)
    names += (i ? ", " : "") + stale[i].filename().string();
  if (stale.size() > 3) names += ", ...";
  std::cerr << "tdq: note: " << stale.size() << " leftover(s) of stopped runs in " << dir.string()
            << " (" << names << "); `tdq clean " << dir.string() << "` removes them\n";
}

}  // namespace tdq::cli
