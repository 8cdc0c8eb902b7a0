#pragma once
#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/model/safetensors.h"
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

// The steps of read_analysis, each on what was already read, in its order (so that the fuzz
// target analyze_files can feed one damaged file at a time without re-reading the others):
// the info of run.json, the layers of layers.json, and the arrays of stats.safetensors checked
// against both.
AnalysisInfo analysis_info_of(const nlohmann::json& run_json,
                              const std::filesystem::path& run_file);
std::vector<AnalysisLayer> analysis_layers_of(const nlohmann::json& layers,
                                              const std::filesystem::path& layers_file);
Analysis assemble_analysis(AnalysisInfo info, std::vector<AnalysisLayer> layers,
                           SafetensorsFile stats, const std::filesystem::path& stats_file);

}  // namespace tdq
