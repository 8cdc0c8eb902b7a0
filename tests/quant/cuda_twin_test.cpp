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

// Every method's twin, calibrated on a 5-step schedule (t = 800, 600, 400, 200, 0), runs a forward
// with one of those steps per sample through SyncFreeLayers on `device`; the output must match the
// twin's own forward. Each stage reports its own failure, so a GPU log names what threw.
void expect_sync_free_forwards(UNet& model, const NoiseSchedule& schedule,
                               const CalibrationOptions& options, const at::Device& device) {
  model->to(device);
  const at::Tensor x = at::randn({4, 1, 8, 8}).to(device);
  const at::Tensor t = at::tensor({800, 600, 400, 0}, at::kLong).to(device);
  for (const QuantMethod method :
       {QuantMethod::MinMax, QuantMethod::Dynamic, QuantMethod::Table, QuantMethod::Tdq}) {
    QuantConfig config;
    config.method = method;
    config.w_bits = config.a_bits = 4;
    config.tdq_init = TdqInit::Static;  // the MLPs' start, not their fit (minutes), is enough here
    const std::string name = to_string(method) + " on " + device.str();
    std::string stage = "building the twin";
    try {
      QuantizedModel twin(*model, config);
      stage = "calibrating";  // which bakes TDQ's table at these steps
      if (method != QuantMethod::Dynamic) calibrate(*model, twin, schedule, options);
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

TEST_F(QuantizedTwin, LayersMakeNoDeviceSyncOnCuda) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  if (!kernels::device_syncs_detectable()) GTEST_SKIP() << "built without the CUDA kernels";
  expect_sync_free_forwards(model, schedule, calibration(5), at::Device(at::kCUDA, 0));
}

// A TDQ step off the baked table is evaluated by the MLP, which lives on the twin's device: its
// output must come to the CPU before it is read (it was read as host memory, a crash on a GPU).
void expect_off_table_steps(UNet& model, const NoiseSchedule& schedule,
                            const CalibrationOptions& options, const at::Device& device) {
  model->to(device);
  QuantConfig config;
  config.method = QuantMethod::Tdq;
  config.w_bits = config.a_bits = 4;
  config.tdq_init = TdqInit::Static;
  QuantizedModel twin(*model, config);
  calibrate(*model, twin, schedule, options);  // bakes t = 800, 600, 400, 200, 0
  const int layer = test::first_quantized_layer(twin);
  for (const std::int64_t t : {123, 800, 999}) {
    const double scale = twin.activation_scale(layer, t);
    EXPECT_TRUE(std::isfinite(scale) && scale > 0) << "t=" << t << " on " << device.str();
  }
}

TEST_F(QuantizedTwin, TdqStepsOffTheBakedTableOnCuda) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  expect_off_table_steps(model, schedule, calibration(5), at::Device(at::kCUDA, 0));
}

TEST_F(QuantizedTwin, TdqStepsOffTheBakedTableOnCpu) {
  expect_off_table_steps(model, schedule, calibration(5), at::Device(at::kCPU));
}

// The same stages on the CPU, where syncs do not exist: what the GPU test adds is the sync check.
TEST_F(QuantizedTwin, SyncFreeHooksGiveTheTwinsOutputOnCpu) {
  expect_sync_free_forwards(model, schedule, calibration(5), at::Device(at::kCPU));
}

}  // namespace
}  // namespace tdq
