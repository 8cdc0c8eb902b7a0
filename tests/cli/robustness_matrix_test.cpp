// The robustness matrix (issue 18, docs/robustness.md): every input kind a user can hand the tool x
// the ways it can be damaged, each given to the real `tdq` binary (or, for analyze runs, which only
// the workbench reads, to the reader the workbench calls). Each must end with the expected exit
// code and exactly one line on stderr naming what and where. The table in docs/robustness.md is
// what this test saw: it fails when the table is out of date, and TDQ_WRITE_ROBUSTNESS=1 rewrites
// it.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <regex>
#include <sstream>

#include "core/common/errors.h"
#include "core/common/file_io.h"
#include "core/jobs/experiment_job.h"
#include "core/jobs/fid_job.h"
#include "core/jobs/quantize_job.h"
#include "core/model/safetensors.h"
#include "core/record/analysis_io.h"
#include "tests/support/idx_fixtures.h"
#include "tests/support/run_cli.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tiny_runs.h"

namespace tdq {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

const fs::path kDoc = fs::path(TDQ_SOURCE_DIR) / "docs" / "robustness.md";

// Every input of the matrix, valid, made once: the tiny model and feature network, reference
// statistics, a tiny IDX training set, a per-step-table quantize run, an FP FID run and an analyze
// run of the quantize run.
const TempDir& pristine() {
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
void write_text(const fs::path& file, const std::string& text) { write_file_atomic(file, text); }
void truncate_half(const fs::path& file) {
  const std::string bytes = read_file_bytes(file);
  write_file_atomic(file, bytes.substr(0, bytes.size() / 2));
}
void edit_json(const fs::path& file, const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json json = nlohmann::json::parse(read_file_bytes(file));
  edit(json);
  write_file_atomic(file, json.dump(1));
}
void edit_tensors(const fs::path& file,
                  const std::function<void(std::map<std::string, at::Tensor>&)>& edit) {
  SafetensorsFile st = read_safetensors(file);
  edit(st.tensors);
  write_safetensors(file, st.tensors, st.metadata);
}
// The first tensor (in name order) as another shape, dtype or with a NaN.
void reshape_first(const fs::path& file) {
  edit_tensors(file, [](auto& t) { t.begin()->second = at::zeros({3, 1, 7}); });
}
// Integers where floats belong (fp16/bf16/fp64 weights are converted, as diffusers stores them).
void retype_first(const fs::path& file) {
  edit_tensors(file, [](auto& t) { t.begin()->second = t.begin()->second.to(at::kInt); });
}
void nan_first(const fs::path& file) {
  edit_tensors(file, [](auto& t) {
    at::Tensor& x = t.begin()->second;
    x = x.to(at::kFloat).clone();
    x.view({-1})[0] = std::numeric_limits<float>::quiet_NaN();
  });
}
void remove(const fs::path& path) { fs::remove_all(path); }

struct Row {
  std::string input, fault;
  std::function<void(const fs::path&)> damage;  // on the copy's root
  std::string command;  // `tdq` arguments, {} = the copy's root; empty: the analyze-run reader
  int exit_code = 1;
  std::string names;  // what the message must name (a file, key or flag)
};

const std::string kModelWeights = "model/diffusion_pytorch_model.safetensors";
const std::string kInfo = "info --model {}/model";
const std::string kTrain = "train --data {}/data --out {}/trained --steps 1 --batch 2 -q";
const std::string kSample =
    "sample --model {}/model --quant {}/quant --n 1 --steps 2 --out {}/s.png -q";
const std::string kFid =
    "fid --model {}/model --features {}/fnet --ref {}/ref.safetensors --n 8 --batch 4 "
    "--steps 4,2 --seeds 0,1 --out {}/fid2 -q";
const std::string kVsFp = kFid + " --vs-fp {}/fid";

std::vector<Row> rows() {
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

std::string substitute(std::string text, const std::string& root) {
  for (auto at = text.find("{}"); at != std::string::npos; at = text.find("{}", at + root.size()))
    text.replace(at, 2, root);
  return text;
}

// Machine-free message: the copy's folder as <dir>, hashes as <sha>, parse positions as <n>.
std::string normalized(std::string message, const std::string& root) {
  for (auto at = message.find(root); at != std::string::npos; at = message.find(root, at))
    message.replace(at, root.size(), "<dir>");
  message = std::regex_replace(message, std::regex("[0-9a-f]{12,64}"), "<sha>");
  // Where a half-length run.json breaks off depends on its timings: keep the kind of error only.
  message = std::regex_replace(message, std::regex("parse error at line \\d+, column \\d+: .*"),
                               "parse error at line <n>, column <n>: ...");
  while (!message.empty() && message.back() == '\n') message.pop_back();
  return message;
}

struct Outcome {
  int code = -1;
  std::string message;
};

Outcome run_row(const Row& row, const TempDir& copy) {
  const std::string root = copy.path().string();
  if (row.command.empty()) {  // the reader the workbench's File > Open calls
    try {
      read_analysis(copy / "analyze");
      return {0, ""};
    } catch (const Error& e) {
      return {1, e.what()};
    }
  }
  const test::CliResult result = run_tdq(substitute(row.command, root), copy);
  return {result.code, result.err};
}

std::string markdown_row(const Row& row, const Outcome& outcome) {
  std::string message = outcome.message;
  for (char& c : message)
    if (c == '|') c = '/';
  const std::string where = row.command.empty() ? "workbench (File > Open)"
                                                : "`tdq` exit " + std::to_string(outcome.code);
  return "| " + row.input + " | " + row.fault + " | " + where + " | `" + message + "` |";
}

TEST(RobustnessMatrix, EveryDamagedInputGivesOneLineNamingItAndTheDocSaysSo) {
  const TempDir& valid = pristine();
  std::vector<std::string> table;
  for (const Row& row : rows()) {
    const TempDir copy;
    fs::copy(valid.path(), copy.path(), fs::copy_options::recursive);
    if (row.damage) row.damage(copy.path());
    const Outcome outcome = run_row(row, copy);
    const std::string message = normalized(outcome.message, copy.path().string());
    SCOPED_TRACE(row.input + " / " + row.fault + ": " + outcome.message);
    EXPECT_EQ(outcome.code, row.exit_code);
    if (row.input != "CLI options") {  // CLI11 prints a usage hint after the line
      EXPECT_EQ(std::count(outcome.message.begin(), outcome.message.end(), '\n'),
                row.command.empty() ? 0 : 1);
    }
    EXPECT_NE(message.find(row.names), std::string::npos) << "does not name " << row.names;
    table.push_back(markdown_row(row, {outcome.code, message.substr(0, message.find('\n'))}));
  }

  const std::string begin = "<!-- matrix: begin -->", end = "<!-- matrix: end -->";
  std::string doc = fs::exists(kDoc) ? read_file_bytes(kDoc) : "";
  std::string generated = begin + "\n| input | fault | where | message |\n|---|---|---|---|\n";
  for (const auto& line : table) generated += line + "\n";
  generated += end;
  const auto b = doc.find(begin), e = doc.find(end);
  if (std::getenv("TDQ_WRITE_ROBUSTNESS")) {
    ASSERT_TRUE(b != std::string::npos && e != std::string::npos) << kDoc << " has no markers";
    doc.replace(b, e + end.size() - b, generated);
    write_file_atomic(kDoc, doc);
    return;
  }
  ASSERT_TRUE(b != std::string::npos && e != std::string::npos) << kDoc << " has no markers";
  EXPECT_EQ(doc.substr(b, e + end.size() - b), generated)
      << "docs/robustness.md is out of date: run TDQ_WRITE_ROBUSTNESS=1 test_cli "
         "--gtest_filter=RobustnessMatrix.*";
}

}  // namespace
}  // namespace tdq
