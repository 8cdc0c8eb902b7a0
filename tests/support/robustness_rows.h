#pragma once
// The rows of the robustness matrix (issue 18, docs/robustness.md), shared by the two tests that
// give them to the program: tests/cli/robustness_matrix_test.cpp (the `tdq` binary) and
// tests/gui/robustness_matrix_gui_test.cpp (the workbench's File > Open). Each row damages one
// file of a copy of valid inputs made once from the tiny test model.
#include <ATen/ATen.h>

#include <filesystem>
#include <functional>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/common/errors.h"
#include "core/common/file_io.h"
#include "core/jobs/experiment_job.h"
#include "core/jobs/fid_job.h"
#include "core/jobs/quantize_job.h"
#include "core/model/safetensors.h"
#include "tests/support/idx_fixtures.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tiny_runs.h"

namespace tdq::test {

namespace fs = std::filesystem;

// Every input of the matrix, valid, made once: the tiny model and feature network, reference
// statistics, a tiny IDX training set, a per-step-table quantize run, an FP FID run and an analyze
// run of the quantize run.
inline const TempDir& pristine() {
  static TempDir dir;
  static const bool made = [] {
    const auto tiny = test::make_tiny_model(dir.path());
    test::write_tiny_training_set(dir / "data");
    const auto quant =
        run_quantize_job(test::tiny_quantize_job(tiny, QuantMethod::Table), dir / "quant");
    run_fid_job(test::tiny_fid_job(tiny), dir / "fid");
    auto analyze = test::tiny_analyze_job(tiny);
    analyze.quant_run = quant;
    run_analyze_job(analyze, dir / "analyze");
    return true;
  }();
  (void)made;
  return dir;
}

// Damage helpers: each edits one file of a copy of the pristine inputs.
inline void write_text(const fs::path& file, const std::string& text) {
  write_file_atomic(file, text);
}
inline void truncate_half(const fs::path& file) {
  const std::string bytes = read_file_bytes(file);
  write_file_atomic(file, bytes.substr(0, bytes.size() / 2));
}
inline void edit_json(const fs::path& file, const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json json = nlohmann::json::parse(read_file_bytes(file));
  edit(json);
  write_file_atomic(file, json.dump(1));
}
inline void edit_tensors(const fs::path& file,
                         const std::function<void(std::map<std::string, at::Tensor>&)>& edit) {
  SafetensorsFile st = read_safetensors(file);
  edit(st.tensors);
  write_safetensors(file, st.tensors, st.metadata);
}
// The first tensor (in name order) as another shape, dtype or with a NaN.
inline void reshape_first(const fs::path& file) {
  edit_tensors(file, [](auto& t) { t.begin()->second = at::zeros({3, 1, 7}); });
}
// Integers where floats belong (fp16/bf16/fp64 weights are converted, as diffusers stores them).
inline void retype_first(const fs::path& file) {
  edit_tensors(file, [](auto& t) { t.begin()->second = t.begin()->second.to(at::kInt); });
}
inline void nan_first(const fs::path& file) {
  edit_tensors(file, [](auto& t) {
    at::Tensor& x = t.begin()->second;
    x = x.to(at::kFloat).clone();
    x.view({-1})[0] = std::numeric_limits<float>::quiet_NaN();
  });
}
inline void remove(const fs::path& path) { fs::remove_all(path); }

struct Row {
  std::string input, fault;
  std::function<void(const fs::path&)> damage;  // on the copy's root
  std::string command;  // `tdq` arguments, {} = the copy's root; empty: the analyze-run reader
  int exit_code = 1;
  std::string names;  // what the message must name (a file, key or flag)
};

// The folder the workbench's File > Open is given for a row (relative to the copy's root), or
// empty where the workbench does not read that input: it opens quantize, FID and analyze runs.
inline std::string workbench_folder(const Row& row) {
  const std::string kind = row.input.substr(0, row.input.find(' '));
  if (kind == "quantize") return "quant";
  if (kind == "FID") return "fid";
  if (kind == "analyze") return "analyze";
  return "";
}

inline const std::string kModelWeights = "model/diffusion_pytorch_model.safetensors";
inline const std::string kInfo = "info --model {}/model";
inline const std::string kTrain = "train --data {}/data --out {}/trained --steps 1 --batch 2 -q";
inline const std::string kSample =
    "sample --model {}/model --quant {}/quant --n 1 --steps 2 --out {}/s.png -q";
inline const std::string kFid =
    "fid --model {}/model --features {}/fnet --ref {}/ref.safetensors --n 8 --batch 4 "
    "--steps 4,2 --seeds 0,1 --out {}/fid2 -q";
inline const std::string kVsFp = kFid + " --vs-fp {}/fid";

inline std::vector<Row> rows() {
  auto at = [](const std::string& rel, void (*fn)(const fs::path&)) {
    return [rel, fn](const fs::path& root) { fn(root / rel); };
  };
  auto text = [](const std::string& rel, const std::string& content) {
    return [rel, content](const fs::path& root) { write_text(root / rel, content); };
  };
  auto json = [](const std::string& rel, std::function<void(nlohmann::json&)> edit) {
    return [rel, edit](const fs::path& root) { edit_json(root / rel, edit); };
  };
  const std::string images = "data/train-images-idx3-ubyte";
  return {
      {"model folder", "missing", at("model", remove), kInfo, 1, "model"},
      {"model config.json", "missing", at("model/config.json", remove), kInfo, 1, "config.json"},
      {"model config.json", "empty", text("model/config.json", ""), kInfo, 1, "config.json"},
      {"model config.json", "truncated", at("model/config.json", truncate_half), kInfo, 1,
       "config.json"},
      {"model config.json", "wrong type",
       json("model/config.json", [](auto& j) { j["layers_per_block"] = "two"; }), kInfo, 1,
       "layers_per_block"},
      {"model config.json", "zero or negative value",
       json("model/config.json", [](auto& j) { j["layers_per_block"] = 0; }), kInfo, 1,
       "layers_per_block"},
      // nlohmann reports a number beyond double's range as out_of_range, not as a parse error
      // (found by fuzzing the safetensors header; every JSON reader is covered by this row's path).
      {"model config.json", "number too large for a double",
       text("model/config.json", "{\"layers_per_block\": 1e999}"), kInfo, 1, "config.json"},
      {"model weights (safetensors)", "missing", at(kModelWeights, remove), kInfo, 1,
       "safetensors"},
      {"model weights (safetensors)", "empty", text(kModelWeights, ""), kInfo, 1, "safetensors"},
      {"model weights (safetensors)", "truncated", at(kModelWeights, truncate_half), kInfo, 1,
       "safetensors"},
      {"model weights (safetensors)", "wrong shape", at(kModelWeights, reshape_first), kInfo, 1,
       "safetensors"},
      {"model weights (safetensors)", "wrong dtype", at(kModelWeights, retype_first), kInfo, 1,
       "safetensors"},
      {"model weights (safetensors)", "NaN/Inf values", at(kModelWeights, nan_first), kInfo, 1,
       "NaN"},
      {"IDX data", "missing", at("data", remove), kTrain, 1, "data"},
      {"IDX data", "empty", text(images, ""), kTrain, 1, "train-images"},
      {"IDX data", "truncated", at(images, truncate_half), kTrain, 1, "train-images"},
      {"IDX data", "wrong type", text(images, test::idx_bytes(0x0D, {1}, std::string(4, '\0'))),
       kTrain, 1, "train-images"},
      {"IDX data", "wrong shape", text(images, test::idx_bytes(0x08, {8, 5}, std::string(40, 'x'))),
       kTrain, 1, "train-images"},
      {"quantize run", "missing", at("quant", remove), kSample, 1, "quant"},
      {"quantize run.json", "empty", text("quant/run.json", ""), kSample, 1, "run.json"},
      {"quantize run.json", "truncated", at("quant/run.json", truncate_half), kSample, 1,
       "run.json"},
      {"quantize run.json", "wrong type",
       json("quant/run.json", [](auto& j) { j["quant_config"] = 5; }), kSample, 1, "run.json"},
      {"quantize run.json", "future schema version",
       json("quant/run.json", [](auto& j) { j["schema_version"] = 99; }), kSample, 1,
       "schema_version"},
      {"quantize run.json", "wrong model hash",
       json("quant/run.json", [](auto& j) { j["model"]["sha256"] = std::string(64, 'a'); }),
       kSample, 1, "model"},
      {"quantize quant.safetensors", "missing", at("quant/quant.safetensors", remove), kSample, 1,
       "quant.safetensors"},
      {"quantize quant.safetensors", "truncated", at("quant/quant.safetensors", truncate_half),
       kSample, 1, "quant.safetensors"},
      {"quantize quant.safetensors", "wrong shape", at("quant/quant.safetensors", reshape_first),
       kSample, 1, "quant.safetensors"},
      {"quantize quant.safetensors", "wrong dtype", at("quant/quant.safetensors", retype_first),
       kSample, 1, "quant.safetensors"},
      {"quantize quant.safetensors", "NaN/Inf values", at("quant/quant.safetensors", nan_first),
       kSample, 1, "quant.safetensors"},
      {"FID run (--vs-fp)", "missing", at("fid", remove), kVsFp, 1, "fid"},
      {"FID run.json", "truncated", at("fid/run.json", truncate_half), kVsFp, 1, "run.json"},
      {"FID run.json", "wrong type", json("fid/run.json", [](auto& j) { j["model"] = 3; }), kVsFp,
       1, "run.json"},
      {"FID run.json", "future schema version",
       json("fid/run.json", [](auto& j) { j["schema_version"] = 99; }), kVsFp, 1, "schema_version"},
      {"FID run.json", "wrong model hash",
       json("fid/run.json", [](auto& j) { j["model"]["sha256"] = std::string(64, 'a'); }), kVsFp, 2,
       "another model"},
      {"FID point statistics", "missing", at("fid/stats", remove), kVsFp, 2, "stats"},
      {"FID point statistics", "truncated", at("fid/stats/steps4.seed0.safetensors", truncate_half),
       kVsFp, 1, "steps4.seed0"},
      {"feature network", "missing", at("fnet", remove), kFid, 1, "fnet"},
      {"feature network config.json", "empty", text("fnet/config.json", ""), kFid, 1,
       "config.json"},
      {"feature network weights", "wrong shape", at("fnet/model.safetensors", reshape_first), kFid,
       1, "model.safetensors"},
      {"feature network weights", "NaN/Inf values", at("fnet/model.safetensors", nan_first), kFid,
       1, "model.safetensors"},
      {"reference statistics (--ref)", "truncated", at("ref.safetensors", truncate_half), kFid, 1,
       "ref.safetensors"},
      {"reference statistics (--ref)", "wrong shape", at("ref.safetensors", reshape_first), kFid, 1,
       "ref.safetensors"},
      {"TorchScript Inception (--features FILE.pt)", "missing", nullptr,
       "fid --model {}/model --features {}/inception.pt --n 8 --out {}/f3 -q", 1, "inception.pt"},
      {"TorchScript Inception (--features FILE.pt)", "not TorchScript",
       text("inception.pt", "not a zip archive"),
       "fid --model {}/model --features {}/inception.pt --n 8 --out {}/f3 -q", 1, "inception.pt"},
      {"CLI options", "zero steps", nullptr, "sample --model {}/model --steps 0", 2, "--steps"},
      {"CLI options", "negative count", nullptr, "sample --model {}/model --n -3", 2, "--n"},
      {"CLI options", "wrong type", nullptr, "fid --model {}/model --out {}/f4 --steps 4,x", 2,
       "--steps"},
      {"CLI options", "bits out of range", nullptr,
       "quantize --model {}/model --method minmax --wbits 2 --out {}/q2", 2, "--wbits"},
      {"CLI options", "unknown option", nullptr, "sample --frobnicate", 2, "frobnicate"},
      {"analyze run (workbench)", "missing", at("analyze", remove), "", 1, "analyze"},
      {"analyze run.json", "truncated", at("analyze/run.json", truncate_half), "", 1, "run.json"},
      {"analyze run.json", "future schema version",
       json("analyze/run.json", [](auto& j) { j["schema_version"] = 99; }), "", 1,
       "schema_version"},
      {"analyze stats.safetensors", "missing", at("analyze/stats.safetensors", remove), "", 1,
       "stats.safetensors"},
      {"analyze stats.safetensors", "wrong shape", at("analyze/stats.safetensors", reshape_first),
       "", 1, "stats.safetensors"},
      {"analyze layers.json", "wrong type", text("analyze/layers.json", "{\"layers\": 7}"), "", 1,
       "layers.json"},
  };
}

inline std::string substitute(std::string text, const std::string& root) {
  for (auto at = text.find("{}"); at != std::string::npos; at = text.find("{}", at + root.size()))
    text.replace(at, 2, root);
  return text;
}

// Machine-free message: the copy's folder as <dir>, hashes as <sha>, parse positions as <n>.
inline std::string normalized(std::string message, const std::string& root) {
  for (auto at = message.find(root); at != std::string::npos; at = message.find(root, at))
    message.replace(at, root.size(), "<dir>");
  message = std::regex_replace(message, std::regex("[0-9a-f]{12,64}"), "<sha>");
  // Where a half-length run.json breaks off depends on its timings: keep the kind of error only.
  message = std::regex_replace(message, std::regex("parse error at line \\d+, column \\d+: .*"),
                               "parse error at line <n>, column <n>: ...");
  while (!message.empty() && message.back() == '\n') message.pop_back();
  return message;
}

// Checks (or, with TDQ_WRITE_ROBUSTNESS set, rewrites) the part of `doc` between the markers
// <!-- NAME: begin --> and <!-- NAME: end --> against a table of `header` and `lines`. Returns an
// empty string when it matches, else what is wrong.
inline std::string check_doc_table(const fs::path& doc_file, const std::string& name,
                                   const std::string& header,
                                   const std::vector<std::string>& lines) {
  const std::string begin = "<!-- " + name + ": begin -->", end = "<!-- " + name + ": end -->";
  std::string doc = fs::exists(doc_file) ? read_file_bytes(doc_file) : "";
  std::string generated = begin + "\n" + header + "\n";
  for (const auto& line : lines) generated += line + "\n";
  generated += end;
  const auto b = doc.find(begin), e = doc.find(end);
  if (b == std::string::npos || e == std::string::npos)
    return doc_file.string() + " has no markers " + begin + " ... " + end;
  if (std::getenv("TDQ_WRITE_ROBUSTNESS")) {
    doc.replace(b, e + end.size() - b, generated);
    write_file_atomic(doc_file, doc);
    return "";
  }
  if (doc.substr(b, e + end.size() - b) == generated) return "";
  return doc_file.string() + " (" + name + " table) is out of date: run the test with " +
         "TDQ_WRITE_ROBUSTNESS=1 to rewrite it, then read the diff";
}

// A markdown cell: '|' would end it.
inline std::string table_cell(std::string text) {
  for (char& c : text)
    if (c == '|') c = '/';
  return text;
}

}  // namespace tdq::test
