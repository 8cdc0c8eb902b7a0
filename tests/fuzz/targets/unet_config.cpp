// A model folder's config.json (ours or diffusers') -> UNetConfig, validated as load_model does.
#include "core/model/unet_config.h"
#include "tests/fuzz/fuzz_target.h"

TDQ_FUZZ_TARGET(unet_config) {
  tdq::validate(tdq::read_unet_config(tdq::fuzz::scratch_file("config.json", bytes)));
}
