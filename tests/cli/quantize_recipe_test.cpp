// `tdq quantize` and the quantize job of the GUI and `tdq demo` are one recipe
// (core/jobs/quantize_job.h): with one configuration they write the same run folder, byte for byte
// but for the time it was written and the seconds things took.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/common/errors.h"
#include "core/common/file_io.h"
#include "core/jobs/quantize_job.h"
#include "core/model/model_io.h"
#include "core/model/unet.h"
#include "tests/support/idx_fixtures.h"
#include "tests/support/run_cli.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tiny_models.h"

namespace tdq {
namespace {

// The flags `tdq quantize` takes for the fields these tests set.
std::string flags_of(const QuantizeJob& job) {
  std::ostringstream flags;
  flags << "quantize -q --threads 1 --model " << job.model_dir.string()  //
        << " --method " << to_string(job.quant.method)                   //
        << " --wbits " << job.quant.w_bits << " --abits " << job.quant.a_bits << " --seed "
        << job.seed << " --calib-steps " << job.calib_steps          //
        << " --calib " << job.calib << " --calib-t " << job.calib_t  //
        << " --iters " << job.iters << " --recon-batch " << job.recon_batch;
  if (job.qat_steps > 0) {
    flags << " --qat-steps " << job.qat_steps << " --batch " << job.qat_batch << " --data "
          << job.data_dir.string() << " --act-lr-scale " << job.lr_scales.activation_steps
          << " --tdq-lr-scale " << job.lr_scales.tdq_mlps;
  }
  return flags.str();
}

// run.json without the time written and the timings (keys ending in "seconds"), which differ
// from one run to the next.
nlohmann::json without_times(const nlohmann::json& json) {
  if (json.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto it = json.begin(); it != json.end(); ++it) {
      const std::string& key = it.key();
      const bool timing =
          key == "written" || (key.size() >= 7 && key.compare(key.size() - 7, 7, "seconds") == 0);
      if (!timing) out[key] = without_times(it.value());
    }
    return out;
  }
  if (json.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& value : json) out.push_back(without_times(value));
    return out;
  }
  return json;
}

std::set<std::string> files_in(const std::filesystem::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    names.insert(std::filesystem::relative(entry.path(), dir).string());
  }
  return names;
}

class QuantizeRecipe : public ::testing::Test {
 protected:
  void SetUp() override {
    at::set_num_threads(1);  // as the CLI's --threads 1: the same reductions in both runs
    at::manual_seed(0);
    UNet model(test::tiny_unet_config());
    save_model(dir / "model", *model);
    test::write_tiny_training_set(dir / "data");
  }

  QuantizeJob job(QuantMethod method) const {
    QuantizeJob job;
    job.model_dir = dir / "model";
    job.quant.method = method;
    job.quant.w_bits = 4;
    job.quant.a_bits = 4;
    job.seed = 3;
    job.calib = 2;
    job.calib_steps = 4;
    job.calib_t = 2;
    job.iters = 2;
    job.recon_batch = 2;
    job.data_dir = dir / "data";
    return job;
  }

  // Both front ends with one job; their run folders must agree.
  void expect_same_runs(const QuantizeJob& job, const std::string& name) {
    const auto cli_run = dir / (name + "-cli");
    const test::CliResult cli = test::run_tdq(flags_of(job) + " --out " + cli_run.string(), dir);
    ASSERT_EQ(cli.code, 0) << cli.err;
    const auto core_run = run_quantize_job(job, dir / (name + "-core"));
    EXPECT_EQ(files_in(cli_run), files_in(core_run));
    EXPECT_EQ(read_file_bytes(cli_run / "quant.safetensors"),
              read_file_bytes(core_run / "quant.safetensors"))
        << name;
    const auto cli_json =
        without_times(nlohmann::json::parse(read_file_bytes(cli_run / "run.json")));
    const auto core_json =
        without_times(nlohmann::json::parse(read_file_bytes(core_run / "run.json")));
    EXPECT_EQ(cli_json.dump(2), core_json.dump(2)) << name;
    // What used to be recorded by the CLI only is now in both.
    EXPECT_EQ(core_json.at("metrics").at("device"), "cpu");
    EXPECT_FALSE(std::filesystem::exists(quantize_checkpoint(cli_run)));  // removed when done
  }

  test::TempDir dir;
};

TEST_F(QuantizeRecipe, PostTrainingRunsAreTheSameFromTheCliAndTheJob) {
  expect_same_runs(job(QuantMethod::Table), "table");
  expect_same_runs(job(QuantMethod::Ptq4dm), "ptq4dm");
}

TEST_F(QuantizeRecipe, QatRunsAreTheSameFromTheCliAndTheJob) {
  QuantizeJob tdq = job(QuantMethod::Tdq);
  tdq.qat_steps = 2;
  tdq.qat_batch = 4;
  expect_same_runs(tdq, "tdq");
  const auto run = nlohmann::json::parse(read_file_bytes(dir / "tdq-core" / "run.json"));
  EXPECT_EQ(run.at("calibration").at("data").at("split"), "train");
  EXPECT_EQ(run.at("calibration").at("data").at("images"), 8);
  EXPECT_TRUE(run.at("metrics").contains("final_loss"));
}

// A QAT run records the learning-rate multipliers it trained with and how far its learned
// activation steps moved; the CLI flag reaches the same job as the core field.
TEST_F(QuantizeRecipe, QatRunsRecordTheirRatesAndHowFarTheStepsMoved) {
  QuantizeJob lsq = job(QuantMethod::Lsq);
  lsq.qat_steps = 3;
  lsq.qat_batch = 4;
  lsq.lr_scales.activation_steps = 30;
  expect_same_runs(lsq, "lsq");
  QuantizeJob nipq = job(QuantMethod::Nipq);
  nipq.qat_steps = 1;
  nipq.qat_batch = 4;
  expect_same_runs(nipq, "nipq");
  const auto run = nlohmann::json::parse(read_file_bytes(dir / "lsq-cli" / "run.json"));
  EXPECT_EQ(run.at("calibration").at("lr_scales").at("activation_steps"), 30.0);
  EXPECT_EQ(run.at("calibration").at("lr_scales").at("tdq_mlps"), QatLrScales{}.tdq_mlps);
  const auto& moves = run.at("metrics").at("activation_step_moves");
  EXPECT_EQ(moves.at("quantizers"), moves.at("steps").size());
  EXPECT_GT(moves.at("max_move").get<double>(), 0.0);
  // Left at 0, the rate is the method's measured default, and run.json says which.
  const auto nipq_run = nlohmann::json::parse(read_file_bytes(dir / "nipq-cli" / "run.json"));
  EXPECT_EQ(nipq_run.at("calibration").at("lr_scales").at("activation_steps"),
            default_activation_step_lr_scale(QuantMethod::Nipq));
}

TEST_F(QuantizeRecipe, ATrainingMethodWithoutStepsNamesTheField) {
  try {
    run_quantize_job(job(QuantMethod::Lsq), dir / "lsq");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.field(), "quantize.qat_steps");
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "lsq"));
  const test::CliResult cli =
      test::run_tdq(flags_of(job(QuantMethod::Lsq)) + " --out " + (dir / "lsq").string(), dir);
  EXPECT_EQ(cli.code, 2);  // a usage error: the flag's value cannot work
  EXPECT_NE(cli.err.find("--qat-steps 0: method lsq trains"), std::string::npos) << cli.err;
}

}  // namespace
}  // namespace tdq
