#pragma once
// The fuzz templates' model: the tiny test model at one resolution level, which keeps every layer
// kind (the middle block's attention included) in 25 layers instead of 51, so the templates' files
// are half the size and each input parses half as much.
#include "core/model/unet_config.h"
#include "tests/support/tiny_models.h"

namespace tdq::fuzz {

inline UNetConfig one_level_unet_config() {
  UNetConfig config = test::tiny_unet_config();
  config.block_out_channels = {8};
  config.down_block_types = {"DownBlock2D"};
  config.up_block_types = {"UpBlock2D"};
  return config;
}

}  // namespace tdq::fuzz
