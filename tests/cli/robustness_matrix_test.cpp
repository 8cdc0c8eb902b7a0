// The robustness matrix (issue 18, docs/robustness.md): every input kind a user can hand the tool x
// the ways it can be damaged, each given to the real `tdq` binary (or, for analyze runs, which only
// the workbench reads, to the reader the workbench calls). Each must end with the expected exit
// code and exactly one line on stderr naming what and where. The table in docs/robustness.md is
// what this test saw: it fails when the table is out of date, and TDQ_WRITE_ROBUSTNESS=1 rewrites
// it.
#include <gtest/gtest.h>

#include "core/record/analysis_io.h"
#include "tests/support/robustness_rows.h"
#include "tests/support/run_cli.h"

namespace tdq {
namespace {

namespace fs = std::filesystem;

struct Outcome {
  int code = -1;
  std::string message;
};

Outcome run_row(const test::Row& row, const test::TempDir& copy) {
  const std::string root = copy.path().string();
  if (row.command.empty()) {  // the reader the workbench's File > Open calls
    try {
      read_analysis(copy / "analyze");
      return {0, ""};
    } catch (const Error& e) {
      return {1, e.what()};
    }
  }
  const test::CliResult result = run_tdq(test::substitute(row.command, root), copy);
  return {result.code, result.err};
}

std::string markdown_row(const test::Row& row, const Outcome& outcome) {
  const std::string where = row.command.empty() ? "`read_analysis` (no command reads it)"
                                                : "`tdq` exit " + std::to_string(outcome.code);
  return "| " + row.input + " | " + row.fault + " | " + where + " | `" +
         test::table_cell(outcome.message) + "` |";
}

TEST(RobustnessMatrix, EveryDamagedInputGivesOneLineNamingItAndTheDocSaysSo) {
  const test::TempDir& valid = test::pristine();
  std::vector<std::string> table;
  for (const test::Row& row : test::rows()) {
    const test::TempDir copy;
    fs::copy(valid.path(), copy.path(), fs::copy_options::recursive);
    if (row.damage) row.damage(copy.path());
    const Outcome outcome = run_row(row, copy);
    const std::string message = test::normalized(outcome.message, copy.path().string());
    SCOPED_TRACE(row.input + " / " + row.fault + ": " + outcome.message);
    EXPECT_EQ(outcome.code, row.exit_code);
    if (row.input != "CLI options") {  // CLI11 prints a usage hint after the line
      EXPECT_EQ(std::count(outcome.message.begin(), outcome.message.end(), '\n'),
                row.command.empty() ? 0 : 1);
    }
    EXPECT_NE(message.find(row.names), std::string::npos) << "does not name " << row.names;
    table.push_back(markdown_row(row, {outcome.code, message.substr(0, message.find('\n'))}));
  }

  const std::string problem =
      test::check_doc_table(fs::path(TDQ_SOURCE_DIR) / "docs" / "robustness.md", "matrix",
                            "| input | fault | where | message |\n|---|---|---|---|", table);
  EXPECT_EQ(problem, "");
}

}  // namespace
}  // namespace tdq
