#pragma once
#include "core/model/unet_config.h"

namespace tdq::test {

// Two levels, 8/16 channels, attention at the lower level: a few thousand parameters, fast on CPU.
inline UNetConfig tiny_unet_config() {
  UNetConfig config;
  config.sample_size = 8;
  config.block_out_channels = {8, 16};
  config.down_block_types = {"DownBlock2D", "AttnDownBlock2D"};
  config.up_block_types = {"AttnUpBlock2D", "UpBlock2D"};
  config.layers_per_block = 1;
  config.norm_num_groups = 4;
  config.attention_head_dim = 8;
  return config;
}

}  // namespace tdq::test
