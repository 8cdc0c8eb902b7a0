#pragma once
#include <filesystem>

#include "core/record/analysis.h"

namespace tdq {

constexpr const char* kStatsFile = "stats.safetensors";
constexpr const char* kLayersFile = "layers.json";

// Writes an analyze run folder atomically (RunFolderWriter): run.json (kind "analyze", the
// analysis info and summary), layers.json, stats.safetensors (every array of `analysis`),
// tables/layers.csv (per layer), tables/layer_steps.csv (layer x step x stream, long format),
// tables/steps.csv (per step), and samples/ (FP and quantized grids, same seeds) when images are
// given. Never overwrites an existing run.
std::filesystem::path write_analysis_run(const AnalysisRun& run, const std::filesystem::path& out);

// Re-opens an analyze run into the same value struct (identical numbers). FormatError naming the
// file and key for an unknown schema version, another kind of run, a missing field or array, or
// an array of the wrong shape.
Analysis read_analysis(const std::filesystem::path& run);

}  // namespace tdq
