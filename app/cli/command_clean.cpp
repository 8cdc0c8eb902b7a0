// `tdq clean`: removes what writers stopped by a kill or crash left in a folder (`<run>.tmp/`
// folders, `<file>.tmp.<pid>` files; core/run/stale_temporaries.h). Finished runs and resumable
// checkpoints are never touched; a live writer's temporaries are never listed.
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/cli/cli_support.h"
#include "core/run/stale_temporaries.h"

namespace tdq::cli {

namespace {

struct CleanOptions {
  CommonOptions common;
  std::string dir = ".";
  bool dry_run = false;
};

void run_clean(const CleanOptions& o) {
  apply_common_options(o.common);
  const auto entries = o.dry_run ? stale_temporaries(o.dir) : remove_stale_temporaries(o.dir);
  std::ostringstream human;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& p : entries) {
    list.push_back(p.string());
    human << (o.dry_run ? "would remove " : "removed ") << p.string() << "\n";
  }
  if (entries.empty()) human << "no leftovers of stopped runs in " << o.dir << "\n";
  print_result(o.common, {{"dir", o.dir}, {"dry_run", o.dry_run}, {"entries", list}}, human.str());
}

}  // namespace

void add_clean_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<CleanOptions>();
  CLI::App* c = app.add_subcommand(
      "clean",
      "Remove what runs stopped by a kill or crash left in a folder (RUN.tmp folders, "
      "FILE.tmp.PID files); finished runs and checkpoints stay");
  c->add_option("dir", o->dir, "Folder holding run folders")->capture_default_str();
  c->add_flag("--dry-run", o->dry_run, "Only list what would be removed");
  add_common_options(*c, o->common);
  c->callback([o, &action] { action = [o] { run_clean(*o); }; });
}

}  // namespace tdq::cli
