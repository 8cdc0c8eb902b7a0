#include "core/jobs/demo_job.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iomanip>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/common/errors.h"
#include "core/common/file_io.h"
#include "core/common/json_number.h"
#include "core/common/stopwatch.h"
#include "core/eval/fid_run_summary.h"
#include "core/jobs/experiment_job.h"
#include "core/jobs/fid_job.h"
#include "core/model/model_io.h"
#include "core/record/step_images_io.h"
#include "core/run/run_folder.h"

namespace tdq {

namespace {

std::string percent(const nlohmann::json& v) {
  if (!v.is_number()) return "-";
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << 100.0 * v.get<double>() << "%";
  return s.str();
}

// One Markdown table row per run, with what a reader looks at first.
std::string index_markdown(const DemoResult& result, const DemoOptions& o,
                           const std::filesystem::path& out, const std::string& model) {
  std::ostringstream md;
  md << "# TDQ Workbench demo\n\n"
     << "Model: `" << model << "`. Analyze runs: " << o.n << " samples, DDIM " << o.steps
     << " steps, seed " << o.seed << " (FP and quantized from the same noise).";
  if (o.fid_n > 0) md << " FID runs: " << o.fid_n << " samples per step count.";
  md << "\n\nOpen any folder in `tdq-workbench`, or read its `run.json` and `tables/*.csv`.\n\n"
     << "| run | kind | what | result |\n|---|---|---|---|\n";
  for (const auto& run : result.runs) {
    const auto rel = std::filesystem::relative(run.folder, out).generic_string();
    std::string numbers;
    try {
      const nlohmann::json json = read_run_json(run.folder);
      if (run.kind == "analyze") {
        const auto& m = json.at("metrics");
        // Pipes escaped: a bare | would end the Markdown table cell.
        numbers = "\\|r\\| > 0.5: " + percent(m.value("fraction_above_0.5", nlohmann::json())) +
                  ", \\|r\\| > 0.7: " + percent(m.value("fraction_above_0.7", nlohmann::json()));
        // The grids are .pgm in a build without OpenCV.
        const auto fp = find_image(run.folder / "samples", "fp");
        const auto quant = find_image(run.folder / "samples", "quant");
        if (!fp.empty())
          numbers += "; samples: [FP](" + rel + "/samples/" + fp.filename().string() + ")";
        if (!quant.empty()) {
          numbers += ", [quantized](" + rel + "/samples/" + quant.filename().string() + ")";
        }
      } else if (run.kind == "fid") {
        for (const auto& s : read_fid_run_summary(run.folder).summaries) {
          std::ostringstream f;
          f << std::fixed << std::setprecision(2) << (numbers.empty() ? "" : ", ") << "FID@"
            << s.steps << " " << s.fid_mean;
          numbers += f.str();
        }
      } else {
        numbers = json.at("quant_config").at("method").get<std::string>();
      }
    } catch (const std::exception& e) {
      numbers = std::string("(unreadable: ") + e.what() + ")";
    }
    md << "| [" << rel << "](" << rel << "/run.json) | " << run.kind << " | " << run.title << " | "
       << numbers << " |\n";
  }
  if (!result.notes.empty()) {
    md << "\nNotes:\n\n";
    for (const auto& note : result.notes) md << "- " << note << "\n";
  }
  return md.str();
}

}  // namespace

std::vector<std::filesystem::path> find_quantize_runs(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return out;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (!entry.is_directory()) continue;
    try {
      if (read_run_json(entry.path()).value("kind", "") == "quantize") out.push_back(entry.path());
    } catch (const std::exception&) {
      // Not a run folder (or an unreadable one): not a shipped quantize run.
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

DemoResult run_demo(const DemoOptions& o, const std::filesystem::path& out,
                    const std::function<ProgressFn(const std::string&)>& progress_for) {
  const auto start = std::chrono::steady_clock::now();
  auto progress = [&](const std::string& stage) {
    return progress_for ? progress_for(stage) : ProgressFn{};
  };
  if (std::filesystem::exists(out) && !std::filesystem::is_empty(out)) {
    throw IoError(out.string() + ": folder exists and is not empty (choose another folder)");
  }
  std::filesystem::create_directories(out);
  const auto model_dir = o.model_dir.empty() ? default_model_dir() : o.model_dir;
  const std::string sha = load_model(model_dir).weights_sha256;  // fails early on a bad model
  DemoResult result;

  AnalyzeJob analyze;
  analyze.model_dir = model_dir;
  analyze.n = o.n;
  analyze.steps = o.steps;
  analyze.batch = std::min<std::int64_t>(o.n, 64);
  analyze.seed = o.seed;
  result.runs.push_back({"analyze", run_analyze_job(analyze, out / "fp-analyze", progress("fp")),
                         "FP model, every quantizer input recorded"});

  // Shipped quantize runs made for this model; a run for another model is noted, not fatal.
  std::vector<std::pair<std::string, std::filesystem::path>> quant_runs;
  for (const auto& run : find_quantize_runs(o.runs_dir)) {
    const nlohmann::json json = read_run_json(run);
    if (json.value("/model/sha256"_json_pointer, std::string()) != sha) {
      result.notes.push_back(run.string() + " skipped: made for another model");
      continue;
    }
    quant_runs.emplace_back(run.filename().string(), run);
  }
  if (quant_runs.empty()) {
    QuantizeJob quantize;
    quantize.model_dir = model_dir;
    quantize.quant.method = QuantMethod::MinMax;
    quantize.quant.w_bits = 8;
    quantize.quant.a_bits = 4;
    quantize.calib = o.calib;
    quantize.calib_steps = o.steps;
    quantize.seed = o.seed + 1;
    const auto run = run_quantize_job(quantize, out / "minmax-w8a4", progress("quantize"));
    result.runs.push_back({"quantize", run, "MinMax W8A4, calibrated here (no shipped runs)"});
    quant_runs.emplace_back("minmax-w8a4", run);
  }
  for (const auto& [name, run] : quant_runs) {
    analyze.quant_run = run;
    const auto config = read_run_json(run).at("quant_config");
    const std::string what = config.value("method", "?") + " W" +
                             std::to_string(json_value_or(config, "w_bits", 0)) + "A" +
                             std::to_string(json_value_or(config, "a_bits", 0));
    result.runs.push_back({"analyze",
                           run_analyze_job(analyze, out / (name + "-analyze"), progress(name)),
                           what + " side by side with FP (" + run.string() + ")"});
  }

  if (o.fid_n > 0) {
    FidJob fid;
    fid.model_dir = model_dir;
    fid.n = o.fid_n;
    fid.steps = o.fid_steps;
    fid.seeds = {o.seed};
    fid.features = o.features;
    fid.reference = o.reference;
    fid.data_dir = o.data_dir;
    fid.cache_dir = o.cache_dir.empty() ? out / ".cache" : o.cache_dir;
    result.runs.push_back(
        {"fid", run_fid_job(fid, out / "fid-fp", progress("fid fp")), "FID of the FP model"});
    if (o.fid_quant) {
      for (const auto& [name, run] : quant_runs) {
        fid.quant_run = run;
        result.runs.push_back({"fid",
                               run_fid_job(fid, out / ("fid-" + name), progress("fid " + name)),
                               "FID of " + name});
      }
    }
  }
  result.seconds = seconds_since(start);
  result.index = out / "index.md";
  write_file_atomic(result.index, index_markdown(result, o, out, model_dir.string()));
  return result;
}

}  // namespace tdq
