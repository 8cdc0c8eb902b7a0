#pragma once
// The fixture of the tests that run the tiny quantized twin's model on ranks as threads: skipped
// without distributed support, one intra-op thread, and a copy of the model per rank.
#include <ATen/Parallel.h>
#include <gtest/gtest.h>
#include <torch/csrc/autograd/grad_mode.h>

#include "core/dist/dist_context.h"
#include "core/model/model_io.h"
#include "tests/support/quant_fixture.h"

namespace tdq::test {

class TwinOnRanks : public QuantizedTwin {
 protected:
  void SetUp() override {
    if (!distributed_support()) GTEST_SKIP() << "built without TDQ_WITH_DISTRIBUTED";
    // One intra-op thread: the two ranks share this process's cores, and a single thread keeps
    // oneDNN's summation order the same in every run.
    threads_before = at::get_num_threads();
    at::set_num_threads(1);
  }
  void TearDown() override {
    if (threads_before > 0) at::set_num_threads(threads_before);
  }
  // A model with the fixture model's weights: each rank needs its own, as separate processes have
  // (training freezes and unfreezes the model's parameters).
  UNet copy_of_model() {
    UNet copy(tiny_unet_config());
    at::NoGradGuard no_grad;
    auto source = named_parameters_map(*model);
    for (auto& [name, tensor] : named_parameters_map(*copy)) tensor.copy_(source.at(name));
    copy->eval();
    return copy;
  }
  int threads_before = 0;
};

}  // namespace tdq::test
