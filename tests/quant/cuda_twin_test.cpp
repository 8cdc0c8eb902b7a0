// Quantized twins on a GPU, each test with a CPU twin of the same stages that runs everywhere.
// A quantized forward must not wait for the device between its first and its last layer: a sync
// there (a NaN check, a step copied to the device with a blocking copy) stalls the launch queue
// once per layer; c10's sync debug mode turns every synchronising call into an error while the
// layers run. And TDQ steps off the baked table must be read from host memory.
#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/cuda.h>

#include <cmath>
#include <optional>
#include <string>

#include "kernels/device_sync.h"
#include "tests/support/quant_fixture.h"

namespace tdq {
namespace {

using test::QuantizedTwin;

// The twin's hooks, with syncs forbidden from the end of on_forward (which reads the time steps on
// the host) to on_forward_end (which reads what the kernels recorded).
class SyncFreeLayers : public LayerHooks {
 public:
  explicit SyncFreeLayers(LayerHooks& twin) : twin_(twin) {}
  void on_forward(const at::Tensor& timesteps) override {
    twin_.on_forward(timesteps);
    forbid_.emplace();
  }
  at::Tensor on_input(int layer, const at::Tensor& input) override {
    return twin_.on_input(layer, input);
  }
  at::Tensor on_weight(int layer, const at::Tensor& weight) override {
    return twin_.on_weight(layer, weight);
  }
  at::Tensor on_output(int layer, const at::Tensor& output) override {
    return twin_.on_output(layer, output);
  }
  void on_forward_end() override {
    forbid_.reset();
    twin_.on_forward_end();
  }

 private:
  LayerHooks& twin_;
  std::optional<kernels::ForbidDeviceSyncs> forbid_;
};

// The stages of each test run on the GPU (skipped without one) and on the CPU, where they run
// everywhere: what the GPU adds is the device.
class CudaTwin : public QuantizedTwin {
 protected:
  // W4A4; TDQ's MLPs start at the static step: their fit takes minutes and is not what is tested.
  static QuantConfig config(QuantMethod method) {
    QuantConfig config = w4a4(method);
    config.tdq_init = TdqInit::Static;
    return config;
  }

  // Every method's twin, calibrated on a 5-step schedule (t = 800, 600, 400, 200, 0), runs a
  // forward with one of those steps per sample through SyncFreeLayers on `device`; the output must
  // match the twin's own forward. Each stage reports its own failure, so a GPU log names what
  // threw.
  void expect_sync_free_forwards(const at::Device& device) {
    model->to(device);
    const at::Tensor x = at::randn({4, 1, 8, 8}).to(device);
    const at::Tensor t = at::tensor({800, 600, 400, 0}, at::kLong).to(device);
    for (const QuantMethod method :
         {QuantMethod::MinMax, QuantMethod::Dynamic, QuantMethod::Table, QuantMethod::Tdq}) {
      const std::string name = to_string(method) + " on " + device.str();
      std::string stage = "building the twin";
      try {
        QuantizedModel twin(*model, config(method));
        stage = "calibrating";  // which bakes TDQ's table at these steps
        if (method != QuantMethod::Dynamic) calibrate(*model, twin, schedule, calibration(5));
        stage = "the forward without syncs";
        const at::NoGradGuard no_grad;  // not earlier: TDQ's calibration may fit its MLPs
        SyncFreeLayers hooks(twin);
        const at::Tensor y = model->forward(x, t, &hooks);
        stage = "the plain forward";
        EXPECT_TRUE(at::allclose(y, model->forward(x, t, &twin), 1e-5, 1e-6)) << name;
        EXPECT_TRUE(at::isfinite(y).all().item<bool>()) << name;
      } catch (const std::exception& e) {
        ADD_FAILURE() << name << ", " << stage << ": " << e.what();
      }
    }
  }

  // A TDQ step off the baked table is evaluated by the MLP, which lives on the twin's device: its
  // output must come to the CPU before it is read (it was read as host memory, a crash on a GPU).
  void expect_off_table_steps(const at::Device& device) {
    model->to(device);
    QuantizedModel twin(*model, config(QuantMethod::Tdq));
    calibrate(*model, twin, schedule, calibration(5));  // bakes t = 800, 600, 400, 200, 0
    const int layer = test::first_quantized_layer(twin);
    for (const std::int64_t t : {123, 800, 999}) {
      const double scale = twin.activation_scale(layer, t);
      EXPECT_TRUE(std::isfinite(scale) && scale > 0) << "t=" << t << " on " << device.str();
    }
  }
};

TEST_F(CudaTwin, LayersMakeNoDeviceSyncOnCuda) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  if (!kernels::device_syncs_detectable()) GTEST_SKIP() << "built without the CUDA kernels";
  expect_sync_free_forwards(at::Device(at::kCUDA, 0));
}

TEST_F(CudaTwin, SyncFreeHooksGiveTheTwinsOutputOnCpu) {
  expect_sync_free_forwards(at::Device(at::kCPU));
}

TEST_F(CudaTwin, TdqStepsOffTheBakedTableOnCuda) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  expect_off_table_steps(at::Device(at::kCUDA, 0));
}

TEST_F(CudaTwin, TdqStepsOffTheBakedTableOnCpu) { expect_off_table_steps(at::Device(at::kCPU)); }

}  // namespace
}  // namespace tdq
