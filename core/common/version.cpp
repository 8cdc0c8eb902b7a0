#include "core/common/version.h"

#include <torch/cuda.h>
#include <torch/version.h>

#ifdef TDQ_HAVE_OPENCV
#include <opencv2/core/version.hpp>
#endif

namespace tdq {

VersionInfo version_info() {
  VersionInfo info;
  info.tdq = TDQ_VERSION;
  info.libtorch = TORCH_VERSION;
#ifdef TDQ_HAVE_OPENCV
  info.opencv = CV_VERSION;
#else
  info.opencv = "none";
#endif
  info.cuda_available = torch::cuda::is_available();
  return info;
}

}  // namespace tdq
