#pragma once
// While one lives, any LibTorch call that waits for a CUDA device throws (c10's sync debug mode):
// tests use it to show that a stretch of GPU work, a quantized forward's layers, never stalls the
// launch queue. Does nothing in builds without the CUDA kernels (kernels/cuda), where
// device_syncs_detectable() is false.
namespace tdq::kernels {

bool device_syncs_detectable();

class ForbidDeviceSyncs {
 public:
  ForbidDeviceSyncs();
  ~ForbidDeviceSyncs();
  ForbidDeviceSyncs(const ForbidDeviceSyncs&) = delete;
  ForbidDeviceSyncs& operator=(const ForbidDeviceSyncs&) = delete;

 private:
  int previous_ = 0;
};

}  // namespace tdq::kernels
