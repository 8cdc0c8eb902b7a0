// A quantize config JSON (`tdq quantize --config`, search-bits output), with glob skip lists and
// per-layer overrides placed on the tiny U-Net's layers.
#include "core/quant/quant_config.h"
#include "core/common/json_file.h"
#include "core/model/unet.h"
#include "tests/fuzz/fuzz_target.h"
#include "tests/support/tiny_models.h"

TDQ_FUZZ_TARGET(quant_config) {
  static const tdq::UNet model(tdq::test::tiny_unet_config());
  const auto json = tdq::read_json_file(tdq::fuzz::scratch_file("quant.json", bytes));
  tdq::place_quantizers(model->layers(), tdq::quant_config_from_json(json));
}
