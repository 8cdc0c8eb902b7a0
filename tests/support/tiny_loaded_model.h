#pragma once
// The tiny U-Net as a loaded model (seeded weights, a made-up folder and hash): what the analysis
// and workbench tests record without a model folder on disk.
#include <ATen/ATen.h>

#include "core/model/model_io.h"
#include "tests/support/tiny_models.h"

namespace tdq::test {

inline LoadedModel tiny_loaded_model() {
  at::manual_seed(0);
  LoadedModel loaded;
  loaded.model = UNet(tiny_unet_config());
  loaded.model->eval();
  loaded.dir = "tiny";
  loaded.weights_sha256 = "0123456789abcdef";
  return loaded;
}

}  // namespace tdq::test
