// `tdq sensitivity`, `tdq search-bits` and `tdq quantize --config` end to end on the tiny model:
// runs, the searched config taken as is, and bad inputs (exit 2 naming the flag).
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "core/common/json_file.h"
#include "core/model/model_io.h"
#include "core/sensitivity/sensitivity_run.h"
#include "tests/support/run_cli.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tiny_models.h"

namespace tdq {
namespace {

using test::CliResult;
using test::last_json_line;
using test::run_tdq;

class SensitivityCli : public ::testing::Test {
 protected:
  void SetUp() override {
    // LibTorch seeds its default generator from the OS: without this, every run measured another
    // model and the searched mixes (and whether any layer's windows differ) changed run to run.
    at::manual_seed(0);
    UNet model(test::tiny_unet_config());
    save_model(dir / "model", *model);
  }
  std::string path(const std::string& name) const { return (dir / name).string(); }
  CliResult quantize(const std::string& name, const std::string& flags) const {
    return run_tdq("quantize -q --threads 1 --model " + path("model") +
                       " --calib 2 --calib-steps 4 --out " + path(name) + " " + flags,
                   dir);
  }
  test::TempDir dir;
};

TEST_F(SensitivityCli, SearchedConfigIsQuantizedAsIs) {
  ASSERT_EQ(quantize("w4", "--wbits 4 --abits 4").code, 0);
  ASSERT_EQ(quantize("w8", "--wbits 8 --abits 8").code, 0);
  const CliResult sens = run_tdq("sensitivity -q --json --threads 1 --model " + path("model") +
                                     " --quant " + path("w4") + " --quant " + path("w8") +
                                     " --n 2 --batch 2 --steps 4 --windows 2 --out " + path("sens"),
                                 dir);
  ASSERT_EQ(sens.code, 0) << sens.err;
  EXPECT_GT(last_json_line(sens.out).at("layers").get<int>(), 2);
  EXPECT_FALSE(std::filesystem::exists(path("sens") + ".checkpoint.safetensors"));

  // Whole runs, final errors only with the twin in every step (what the results table's noise
  // stage measures): no per-window final errors, so no final damage to search with.
  const CliResult whole = run_tdq(
      "sensitivity -q --json --threads 1 --whole --no-window-finals" + std::string(" --model ") +
          path("model") + " --quant " + path("w4") + " --quant " + path("w8") +
          " --n 2 --batch 2 --steps 4 --windows 4 --out " + path("whole"),
      dir);
  ASSERT_EQ(whole.code, 0) << whole.err;
  const auto whole_runs = last_json_line(whole.out).at("whole");
  ASSERT_EQ(whole_runs.size(), 2u);
  EXPECT_GT(whole_runs[0].at("final_mse").get<double>(),
            whole_runs[1].at("final_mse").get<double>());
  EXPECT_FALSE(read_json_file(path("whole") + "/run.json").at("final_per_window").get<bool>());
  ASSERT_EQ(run_tdq("sensitivity -q --threads 1 --no-window-finals --model " + path("model") +
                        " --quant " + path("w4") + " --n 2 --batch 2 --steps 4 --windows 2 --out " +
                        path("no-gains"),
                    dir)
                .code,
            0);
  const CliResult no_gains =
      run_tdq("search-bits -q --threads 1 --sensitivity " + path("no-gains") +
                  " --input-budget 6 --damage final --out " + path("x"),
              dir);
  EXPECT_EQ(no_gains.code, 2) << no_gains.err;
  EXPECT_NE(no_gains.err.find("--damage"), std::string::npos) << no_gains.err;

  const std::string search = "search-bits -q --json --threads 1 --sensitivity " + path("sens");
  const CliResult found = run_tdq(
      search + " --weight-budget 6 --validate --random-mixes 1 --out " + path("search"), dir);
  ASSERT_EQ(found.code, 0) << found.err;
  const auto validation = last_json_line(found.out).at("validation");
  ASSERT_EQ(validation.at("configs").size(), 4u);  // searched, uniform 4 and 8, one random mix
  EXPECT_EQ(validation.at("configs")[0].at("name"), "searched");
  EXPECT_LE(validation.at("configs")[0].at("weight_mean_bits").get<double>(), 6.0);
  EXPECT_TRUE(std::filesystem::exists(path("search") + "/runs/uniform4/quant.safetensors"));
  const BitSearchRun read = read_bit_search_run(path("search"));
  EXPECT_EQ(read.validation.size(), 4u);
  EXPECT_EQ(read.validation[1].name, "uniform4");
  for (const auto& config : read.validation) {
    ASSERT_EQ(config.measured_per_seed.size(), 2u);  // seeds 0 and 1
    EXPECT_NEAR(0.5 * (config.measured_per_seed[0] + config.measured_per_seed[1]), config.measured,
                1e-12 * config.measured)
        << config.name;
  }
  EXPECT_GE(read.weight_front.size(), 2u);  // 4, 4.25, ..., 8 bits
  EXPECT_TRUE(read.input_front.empty());    // not searched
  // The front is of whole configs: at the searched budget it predicts what the search chose.
  const auto search_json = read_json_file(path("search") + "/run.json");
  for (const auto& point : search_json.at("weight").at("pareto").at("points")) {
    if (point.at("budget_mean_bits").get<double>() == 6.0) {
      EXPECT_NEAR(point.at("predicted").get<double>(), search_json.at("predicted").get<double>(),
                  1e-12);
    }
  }

  // `tdq quantize --config` places exactly the searched bits.
  ASSERT_EQ(quantize("mixed", "--config " + path("search") + "/config.json").code, 0);
  const auto searched = read_json_file(path("search") + "/run.json").at("weight").at("layers");
  const auto placed = read_json_file(path("mixed") + "/run.json").at("layers");
  std::set<int> widths;
  for (const auto& row : searched) {
    for (const auto& layer : placed) {
      if (layer.at("path") == row.at("path")) {
        EXPECT_EQ(layer.at("w_bits"), row.at("bits")) << row.at("path");
        widths.insert(layer.at("w_bits").get<int>());
      }
    }
  }
  EXPECT_EQ(widths, (std::set<int>{4, 8}));  // a mix, not one width

  // Bad inputs: one line, exit 2, naming the flag.
  const auto refused = [&](const std::string& args, const std::string& text) {
    const CliResult r = run_tdq(args, dir);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.err;
    EXPECT_NE(r.err.find(text), std::string::npos) << r.err;
    // CLI11's own refusals add a line pointing to --help.
    const bool cli11 = r.err.find("Run with --help") != std::string::npos;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), cli11 ? 2 : 1) << r.err;
  };
  // FP is a candidate too: a generous budget keeps the most sensitive weights FP.
  ASSERT_EQ(
      run_tdq(search + " --weight-budget 12 --weight-candidates 4,fp --out " + path("fp"), dir)
          .code,
      0);
  ASSERT_EQ(quantize("with-fp", "--config " + path("fp") + "/config.json").code, 0);
  int fp_weights = 0;
  const nlohmann::json with_fp = read_json_file(path("with-fp") + "/run.json");
  for (const auto& layer : with_fp.at("layers")) fp_weights += layer.value("w_fp", false);
  EXPECT_GT(fp_weights, 0);
  // Input bits per layer x time window: validated like any mix, quantized as is, listed per layer.
  const auto search_windows = [&](const std::string& damage, const std::string& name) {
    return run_tdq(search + " --input-budget 6 --input-windows --validate --random-mixes 1" +
                       " --damage " + damage + " --out " + path(name),
                   dir);
  };
  const CliResult windows = search_windows("local", "windows");
  ASSERT_EQ(windows.code, 0) << windows.err;
  const auto input = read_json_file(path("windows") + "/run.json").at("input");
  EXPECT_TRUE(input.at("per_window").get<bool>());
  EXPECT_LE(input.at("mean_bits").get<double>(), 6.0);
  EXPECT_LE(input.at("predicted_lower_bound").get<double>(), input.at("predicted").get<double>());
  int varying = 0;
  for (const auto& layer : input.at("layers")) {
    const auto bits = layer.at("bits_per_window").get<std::vector<int>>();
    ASSERT_EQ(bits.size(), 2u);  // --windows 2
    varying += bits[0] != bits[1];
  }
  EXPECT_GT(varying, 0);
  EXPECT_EQ(last_json_line(windows.out).at("validation").at("configs").size(), 4u);
  ASSERT_EQ(quantize("by-window", "--config " + path("windows") + "/config.json").code, 0);
  int listed = 0;
  const nlohmann::json by_window = read_json_file(path("by-window") + "/run.json");
  for (const auto& layer : by_window.at("layers")) listed += layer.contains("a_bits_windows");
  EXPECT_EQ(listed, varying);
  // The final damage: the same search with each window weighed by its gain into the sample,
  // validated by the final-sample error against FP.
  const CliResult final = search_windows("final", "final");
  ASSERT_EQ(final.code, 0) << final.err;
  const auto final_run = read_json_file(path("final") + "/run.json");
  EXPECT_EQ(final_run.at("damage"), "final");
  EXPECT_NE(final_run.at("validation").at("measured").get<std::string>().find("final-sample"),
            std::string::npos);
  EXPECT_NE(final_run.at("input").at("predicted"), input.at("predicted"));
  for (const auto& config : final_run.at("validation").at("configs"))
    EXPECT_GT(config.at("measured").get<double>(), 0.0) << config.at("name");
  // The same validation by the median of the per-sample final errors: another measure of the
  // same configs (the sensitivity run's 2 samples a seed: their lower one).
  const CliResult median =
      run_tdq(search + " --input-budget 6 --input-windows --validate --random-mixes 1" +
                  " --damage final --measure-statistic median --out " + path("median"),
              dir);
  ASSERT_EQ(median.code, 0) << median.err;
  const auto median_run = read_json_file(path("median") + "/run.json");
  EXPECT_NE(median_run.at("validation").at("measured").get<std::string>().find("median over"),
            std::string::npos);
  const auto& by_mean = final_run.at("validation").at("configs");
  const auto& by_median = median_run.at("validation").at("configs");
  ASSERT_EQ(by_median.size(), by_mean.size());
  for (std::size_t i = 0; i < by_mean.size(); ++i) {
    EXPECT_EQ(by_median[i].at("name"), by_mean[i].at("name"));
    EXPECT_LE(by_median[i].at("measured").get<double>(), by_mean[i].at("measured").get<double>())
        << by_mean[i].at("name");  // with 2 samples the lower one is at most their mean
  }
  // Measured refinement: it starts from the better measured of the additive optimum and uniform
  // 8 bits, keeps only moves that lower the measured error, and validation then measures on
  // other seeds, the additive optimum beside the refined mix.
  const CliResult refined = run_tdq(search +
                                        " --weight-budget 8 --weight-candidates 4,8,fp --refine 2"
                                        " --refine-proposals 2 --refine-min-gain 0 --validate"
                                        " --measure-n 3"
                                        " --random-mixes 0 --damage final --out " +
                                        path("refined"),
                                    dir);
  ASSERT_EQ(refined.code, 0) << refined.err;
  const auto refined_run = read_json_file(path("refined") + "/run.json");
  const auto& refinement = refined_run.at("refinement");
  ASSERT_EQ(refinement.at("starts").size(), 2u);
  EXPECT_EQ(refinement.at("starts")[1].at("name"), "uniform");
  EXPECT_EQ(refinement.at("started_from"), "uniform");  // 8 bits is a candidate
  EXPECT_EQ(refinement.at("seeds"), nlohmann::json({0, 1}));
  ASSERT_GE(refinement.at("rounds").size(), 1u);
  const double uniform_start = refinement.at("starts")[1].at("measured").get<double>();
  double current = uniform_start;
  for (const auto& round : refinement.at("rounds")) {
    EXPECT_DOUBLE_EQ(round.at("from_measured").get<double>(), current);
    ASSERT_LE(round.at("proposals").size(), 3u);  // 1 and 2 moves, the additive optimum
    for (const auto& proposal : round.at("proposals")) {
      EXPECT_LE(proposal.at("weight_mean_bits").get<double>(), 8.0);
      const auto values = proposal.at("measured_per_seed").get<std::vector<double>>();
      const auto from = round.at("from_measured_per_seed").get<std::vector<double>>();
      ASSERT_EQ(values.size(), 2u);
      EXPECT_EQ(proposal.at("wins_on_every_seed").get<bool>(),
                values[0] < from[0] && values[1] < from[1]);
      if (proposal.at("name") == round.at("accepted")) {
        EXPECT_TRUE(proposal.at("wins_on_every_seed").get<bool>());
        EXPECT_LT(proposal.at("measured").get<double>(), current);
        current = proposal.at("measured").get<double>();
      }
    }
  }
  EXPECT_DOUBLE_EQ(refinement.at("measured").get<double>(), current);
  EXPECT_LE(current, uniform_start);
  const auto& checked = refined_run.at("validation");
  EXPECT_EQ(checked.at("seeds"), nlohmann::json({2, 3}));
  EXPECT_EQ(checked.at("count"), 3);  // --measure-n, not the sensitivity run's 2
  EXPECT_EQ(refinement.at("count"), 3);
  EXPECT_EQ(checked.at("configs")[0].at("name"), "searched");
  EXPECT_EQ(checked.at("configs")[1].at("name"), "additive");
  EXPECT_DOUBLE_EQ(checked.at("configs")[0].at("weight_mean_bits").get<double>(),
                   refined_run.at("weight").at("mean_bits").get<double>());
  EXPECT_EQ(last_json_line(refined.out).at("refinement"), refinement);
  refused(search + " --weight-budget 8 --refine 1 --refine-min-gain 1.5 --out " + path("x"),
          "--refine-min-gain 1.5");
  refused(search + " --weight-budget 8 --measure-n -4 --out " + path("x"), "--measure-n -4");
  refused(search + " --input-budget 6 --damage global --out " + path("x"), "--damage");
  refused(search + " --input-budget 6 --validate --measure-statistic median --out " + path("x"),
          "--measure-statistic median: per-sample measures are of final samples");
  refused(search + " --input-budget 6 --validate --damage final --measure-space features --out " +
              path("x"),
          "cannot take the model's 1 x 8 x 8 samples");
  refused(search + " --weight-budget 6 --input-windows --out " + path("x"),
          "--input-windows true: bits per time window need an input budget");
  refused(search + " --weight-budget 3 --out " + path("x"),
          "--weight-budget 3: below the smallest");
  refused(search + " --weight-budget 6 --weight-candidates 4,5 --out " + path("x"),
          "--weight-candidates 5: not measured");
  refused(search + " --out " + path("x"),
          "--weight-budget (none): give a weight or an input budget");
  refused("quantize --model " + path("model") + " --config " + path("search") +
              "/config.json --wbits 4 --out " + path("x"),
          "excludes");
  nlohmann::json typo = read_json_file(path("search") + "/config.json");
  typo["overrides"] = {{{"pattern", "nowhere.conv"}, {"w_bits", 4}}};
  std::ofstream(path("typo.json")) << typo.dump();
  refused("quantize -q --model " + path("model") + " --config " + path("typo.json") + " --out " +
              path("x"),
          "nowhere.conv: matches no layer");
  EXPECT_FALSE(std::filesystem::exists(path("x")));
  const CliResult missing = run_tdq("sensitivity -q --model " + path("model") + " --quant " +
                                        path("nowhere") + " --out " + path("x"),
                                    dir);
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("nowhere"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace tdq
