// Work that cannot fit is refused before it is allocated (issue 18 item 5), naming what and sizes.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "core/common/errors.h"
#include "core/common/memory_budget.h"
#include "core/diffusion/generate.h"
#include "core/diffusion/noise_schedule.h"
#include "core/model/model_io.h"
#include "core/model/safetensors.h"
#include "core/model/unet_config.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tiny_models.h"

namespace tdq {
namespace {

TEST(ResourceLimits, AConfigOfTensOfGigabytesIsRefusedBeforeTheModelIsBuilt) {
  const test::TempDir dir;
  UNetConfig config = test::tiny_unet_config();
  config.block_out_channels = {16384, 16384};  // ~58 GB of float32 parameters
  config.down_block_types = {"DownBlock2D", "DownBlock2D"};
  config.up_block_types = {"UpBlock2D", "UpBlock2D"};
  config.attention_head_dim = std::nullopt;
  std::filesystem::create_directories(dir / "model");
  std::ofstream(dir / "model" / "config.json") << unet_config_to_json(config).dump();
  write_safetensors(dir / "model" / kWeightsFile, {{"x", at::zeros({4})}});
  try {
    load_model(dir / "model");
    FAIL() << "loaded";
  } catch (const FormatError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("config.json"), std::string::npos) << what;
    EXPECT_NE(what.find("at least"), std::string::npos) << what;
  }
}

TEST(ResourceLimits, AnAbsurdSampleCountNamesTheFieldAndTheSizes) {
  UNet model(test::tiny_unet_config());
  GenerateOptions options;
  options.count = 1'000'000'000'000;  // 256 TB of 8x8 noise
  options.batch_size = 4;
  options.sampler.steps = 2;
  try {
    generate_samples(*model, linear_schedule(), options, c10::kCPU);
    FAIL() << "sampled";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.field(), "generate.count");
    EXPECT_NE(e.reason().find("are available"), std::string::npos) << e.what();
  }
  EXPECT_EQ(image_bytes(std::int64_t{1} << 40, 1 << 20, 1 << 20, 1 << 20),
            std::numeric_limits<std::uint64_t>::max());  // saturates, never wraps to small
  EXPECT_GT(available_memory_bytes(), 0u);
}

}  // namespace
}  // namespace tdq
