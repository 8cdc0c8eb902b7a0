#pragma once
#include <string>

namespace tdq {

// Versions of the program and the libraries it was built with, for About boxes and run.json.
struct VersionInfo {
  std::string tdq;
  std::string libtorch;
  std::string opencv;  // "none" when built without OpenCV
  bool cuda_available = false;
};

VersionInfo version_info();

}  // namespace tdq
