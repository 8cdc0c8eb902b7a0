#include "kernels/device_sync.h"

#ifdef TDQ_WITH_CUDA_KERNELS
#include <c10/cuda/CUDAFunctions.h>
#endif

namespace tdq::kernels {

#ifdef TDQ_WITH_CUDA_KERNELS
bool device_syncs_detectable() { return true; }

ForbidDeviceSyncs::ForbidDeviceSyncs()
    : previous_(static_cast<int>(c10::cuda::warning_state().get_sync_debug_mode())) {
  c10::cuda::warning_state().set_sync_debug_mode(c10::cuda::SyncDebugMode::L_ERROR);
}

ForbidDeviceSyncs::~ForbidDeviceSyncs() {
  c10::cuda::warning_state().set_sync_debug_mode(static_cast<c10::cuda::SyncDebugMode>(previous_));
}
#else
bool device_syncs_detectable() { return false; }
ForbidDeviceSyncs::ForbidDeviceSyncs() = default;
ForbidDeviceSyncs::~ForbidDeviceSyncs() = default;
#endif

}  // namespace tdq::kernels
