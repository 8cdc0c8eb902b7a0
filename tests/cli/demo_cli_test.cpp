// `tdq demo` through the real binary on a tiny model: the runs it records, its index, the shipped
// quantize runs it picks up, and the errors it refuses with.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "core/record/analysis_io.h"
#include "core/record/step_images_io.h"
#include "core/run/run_folder.h"
#include "tests/support/run_cli.h"
#include "tests/support/tiny_runs.h"

namespace tdq {
namespace {

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class DemoCli : public ::testing::Test {
 protected:
  void SetUp() override { tiny = test::make_tiny_model(dir); }
  std::string base(const std::filesystem::path& runs) const {
    return "demo -q --threads 1 --json --model " + tiny.model.string() + " --runs " +
           runs.string() + " --n 2 --steps 4 --calib 2 --fid-n 8 --fid-steps 4,2 --features " +
           tiny.features.string() + " --ref " + tiny.reference.string();
  }
  test::TempDir dir;
  test::TinyRuns tiny;
};

TEST_F(DemoCli, WithoutShippedRunsQuantizesMinMaxW8A4) {
  const auto out = dir / "demo";
  const test::CliResult r = test::run_tdq(base(dir / "no-runs") + " --out " + out.string(), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* run :
       {"fp-analyze", "minmax-w8a4", "minmax-w8a4-analyze", "fid-fp", "fid-minmax-w8a4"}) {
    EXPECT_TRUE(std::filesystem::exists(out / run / kRunJson)) << run;
  }
  const Analysis a = read_analysis(out / "minmax-w8a4-analyze");
  EXPECT_EQ(a.info.quant_method, "minmax");
  EXPECT_EQ(a.info.n, 2);
  EXPECT_FALSE(read_sample_image_files(out / "minmax-w8a4-analyze").step_images.empty());
  const std::string index = read_text(out / "index.md");
  EXPECT_NE(index.find("fp-analyze"), std::string::npos) << index;
  EXPECT_NE(index.find("minmax W8A4"), std::string::npos) << index;
  EXPECT_NE(index.find("FID@4"), std::string::npos) << index;
  EXPECT_NE(index.find("samples/quant."), std::string::npos) << index;
  const auto last = r.out.substr(r.out.rfind('\n', r.out.size() - 2) + 1);
  const auto json = nlohmann::json::parse(last);
  EXPECT_EQ(json.at("runs").size(), 5u);
  EXPECT_EQ(json.at("index"), (out / "index.md").string());

  // A non-empty --out is refused, naming it.
  const test::CliResult again =
      test::run_tdq(base(dir / "no-runs") + " --out " + out.string(), dir);
  EXPECT_EQ(again.code, 1);
  EXPECT_NE(again.err.find(out.string()), std::string::npos) << again.err;
}

TEST_F(DemoCli, AnalyzesShippedRunsForThisModelAndNotesOthers) {
  const auto shipped = dir / "shipped";
  run_quantize_job(test::tiny_quantize_job(tiny, QuantMethod::Table), shipped / "table-w8a4");
  // A run made for another model is skipped with a note, not an error.
  at::manual_seed(7);
  UNet other(test::tiny_unet_config());
  save_model(dir / "other-model", *other);
  QuantizeJob foreign = test::tiny_quantize_job(tiny);
  foreign.model_dir = dir / "other-model";
  run_quantize_job(foreign, shipped / "foreign");
  const auto out = dir / "demo";
  const test::CliResult r =
      test::run_tdq(base(shipped) + " --no-fid-quant --out " + out.string(), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(out / "table-w8a4-analyze" / kRunJson));
  EXPECT_FALSE(std::filesystem::exists(out / "minmax-w8a4"));
  EXPECT_FALSE(std::filesystem::exists(out / "foreign-analyze"));
  EXPECT_FALSE(std::filesystem::exists(out / "fid-table-w8a4"));
  EXPECT_EQ(read_analysis(out / "table-w8a4-analyze").info.quant_method, "table");
  const std::string index = read_text(out / "index.md");
  EXPECT_NE(index.find("another model"), std::string::npos) << index;
}

TEST_F(DemoCli, UsageErrors) {
  EXPECT_EQ(test::run_tdq("demo --n 2", dir).code, 2);  // --out is required
  EXPECT_EQ(test::run_tdq("demo --out " + (dir / "x").string() + " --n 0", dir).code, 2);
}

}  // namespace
}  // namespace tdq
