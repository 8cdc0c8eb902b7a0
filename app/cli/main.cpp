// tdq: the headless command-line front end of TDQ Workbench.
// Exit codes: 0 ok, 1 runtime error (one line on stderr), 2 usage error (message and usage).
#include <iostream>

#include "app/cli/cli_errors.h"
#include "app/cli/cli_support.h"
#include "app/cli/local_launch.h"
#include "core/common/errors.h"

int main(int argc, char** argv) {
  CLI::App app{"TDQ Workbench command line: train, sample and study quantized diffusion models"};
  app.require_subcommand(1);
  app.set_version_flag("--version", TDQ_VERSION);
  tdq::cli::Action action;
  tdq::cli::add_info_command(app, action);
  tdq::cli::add_train_command(app, action);
  tdq::cli::add_sample_command(app, action);
  tdq::cli::add_quantize_command(app, action);
  tdq::cli::add_train_features_command(app, action);
  tdq::cli::add_fid_command(app, action);
  tdq::cli::add_analyze_command(app, action);
  tdq::cli::add_demo_command(app, action);
  tdq::cli::add_sensitivity_command(app, action);
  tdq::cli::add_search_bits_command(app, action);
  tdq::cli::add_clean_command(app, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  const std::string command = app.get_subcommands().front()->get_name();
  try {
    if (tdq::cli::requested_workers() > 1) {
      // This process only launches the workers; each runs the command without --nproc.
      return tdq::cli::run_local_workers(tdq::cli::requested_workers(),
                                         tdq::cli::worker_arguments(argc, argv));
    }
    action();
    return 0;
  } catch (const tdq::CancelledError&) {
    std::cerr << "tdq: cancelled\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "tdq: error: " << tdq::cli::error_message(e, command) << "\n";
    return tdq::cli::exit_code(e, command);
  }
}
