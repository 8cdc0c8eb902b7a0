// Pins what the quantized twin computes, so that restructuring QuantizedModel (or anything under
// it) is provably behaviour-preserving: the shipped runs' samples and, on the tiny U-Net, the
// outputs and quantizer state of every interval kind after calibration and after learning.
//
// The fingerprints are exact (a hash of the float bytes) on the kinds of machine they were pinned
// on: oneDNN and OpenBLAS pick their kernels by instruction set, and a last-bit difference in one
// convolution moves a 4-bit rounding and grows over 20 sampling steps (the shipped runs' sums
// differ by up to 0.9% between the AVX-512 and the AVX2 machines). Elsewhere only the sum is
// compared, to a relative 3%: enough to catch a broken quantizer, not a reordered sum. After a
// deliberate change of results, rerun with TDQ_PRINT_PINNED=1 on each kind of machine and copy the
// printed table; an entry printed on another kind of machine gets hash 0 (its sum is compared).
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/diffusion/generate.h"
#include "core/model/model_io.h"
#include "core/quant/quant_run.h"
#include "core/quant/quantized_model.h"
#include "tests/support/quant_fixture.h"

namespace tdq {
namespace {

struct Fingerprint {
  std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a offset basis
  double sum = 0;
  void add(const at::Tensor& tensor) {
    const at::Tensor t = tensor.detach().to(at::kCPU).to(at::kFloat).contiguous();
    const auto* bytes = static_cast<const unsigned char*>(t.data_ptr());
    for (std::size_t i = 0; i < static_cast<std::size_t>(t.numel()) * sizeof(float); ++i) {
      hash = (hash ^ bytes[i]) * 1099511628211ULL;
    }
    sum += t.to(at::kDouble).sum().item<double>();
  }
};

struct Pinned {
  std::uint64_t hash;
  double sum;
};
using PinnedTable = std::map<std::string, Pinned>;

// The 2-core AMD EPYC machines this project is built and tested on come in two kinds, told apart
// by their AVX-512 flags (see machine_kind()).
const PinnedTable& pinned_avx512() {
  static const PinnedTable table = {
      {"calibrated.minmax", {0x657ff1792713e29cULL, -58.911649720277637}},
      {"calibrated.table", {0x3e214ccce9c7eec6ULL, 97122.179395979736}},
      {"calibrated.table-2", {0xd67f73214c7d4041ULL, 97125.596623438876}},
      {"calibrated.dynamic", {0x3f944a2a6a395e1aULL, -75.142123125493526}},
      {"calibrated.dynamic-asym", {0x3aae8a4ea660b8caULL, -77.210469718556851}},
      {"calibrated.minmax-asym-channel", {0xd4d4013d418d84c9ULL, 140.42287692520767}},
      {"calibrated.tdq-ptq", {0xe7708df7c3233ac6ULL, -7173.4704673243959}},
      {"calibrated.tdq-constant", {0xe878491aff8f997cULL, -200.31027050852254}},
      {"learned.lsq", {0x37ee4d5551163f13ULL, 610.60644016973674}},
      {"learned.pact", {0x49e05b5d141f21b3ULL, 610.04937186231837}},
      {"learned.nipq", {0x4a2584f7664ce182ULL, 598.59700260823593}},
      {"learned.tdq", {0x274c93da841801fdULL, -6511.33401940777}},
      {"learned.table", {0x65c3162dff453e03ULL, 97795.551727843005}},
      {"learned.dynamic", {0xe3d78b8e6a70272dULL, 581.34624937502667}},
      {"learned.ptq4dm", {0xd35edfb2c9726155ULL, -58.912092036101967}},
      // The equal-budget runs of 2026-12-04, printed on an Intel machine (no EPYC at hand): sums
      // only.
      {"shipped.lsq-w4a4", {0x0ULL, -785.90955208730884}},
      {"shipped.pact-w4a4", {0x0ULL, -730.39834311819868}},
      {"shipped.nipq-w4a4", {0x0ULL, -840.98096878570504}},
      {"shipped.tdq-w4a4", {0x0ULL, -905.09135190630332}},
  };
  return table;
}

const PinnedTable& pinned_avx2() {
  static const PinnedTable table = {
      {"calibrated.minmax", {0x3768de5fc4551a5fULL, -58.911637828787207}},
      {"calibrated.table", {0xc3b24631c3998356ULL, 97122.17938635996}},
      {"calibrated.table-2", {0x22f50eca6a1541e5ULL, 97125.581065664301}},
      {"calibrated.dynamic", {0xde5ffcd45d19f4edULL, -75.142127642757259}},
      {"calibrated.dynamic-asym", {0xc3341b34d444d568ULL, -77.210470587422606}},
      {"calibrated.minmax-asym-channel", {0x27a5da8374278d10ULL, 140.42287180654967}},
      {"calibrated.tdq-ptq", {0x1fe3199eb477d93dULL, -7172.8446753003045}},
      {"calibrated.tdq-constant", {0x571f3f5bcb811d32ULL, -200.76189735186881}},
      {"learned.lsq", {0x1798699ca86ba8deULL, 610.60645142238354}},
      {"learned.pact", {0x5f88c1d9be811ba5ULL, 610.04938858528612}},
      {"learned.nipq", {0xcf2f4908cee32a47ULL, 598.59703254394117}},
      {"learned.tdq", {0x2b1b1927e22edc5fULL, -6515.0402418097783}},
      {"learned.table", {0xbbaa62b293166635ULL, 97795.551749217178}},
      {"learned.dynamic", {0x9ce03febc7a001e3ULL, 581.34624981629895}},
      {"learned.ptq4dm", {0xd01c995a0ade9627ULL, -58.912065034630359}},
      // The equal-budget runs of 2026-12-04, printed on an Intel machine (no EPYC at hand): sums
      // only.
      {"shipped.lsq-w4a4", {0x0ULL, -785.90955208730884}},
      {"shipped.pact-w4a4", {0x0ULL, -730.39834311819868}},
      {"shipped.nipq-w4a4", {0x0ULL, -840.98096878570504}},
      {"shipped.tdq-w4a4", {0x0ULL, -905.09135190630332}},
  };
  return table;
}

enum class MachineKind { kEpycAvx512, kEpycAvx2, kOther };

// oneDNN dispatches on the exact AVX-512 feature set, so the AVX-512 kind is that set; the AVX2
// kind has no AVX-512 at all.
MachineKind machine_kind() {
  static const std::string kPinnedAvx512 =
      "avx512_bf16 avx512_bitalg avx512_vbmi2 avx512_vnni avx512_vp2intersect avx512_vpopcntdq "
      "avx512bw avx512cd avx512dq avx512f avx512ifma avx512vbmi avx512vl";
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line, model, flags;
  while (std::getline(cpuinfo, line) && (model.empty() || flags.empty())) {
    if (model.empty() && line.rfind("model name", 0) == 0) model = line;
    if (flags.empty() && line.rfind("flags", 0) == 0) flags = line;
  }
  std::istringstream words(flags);
  std::vector<std::string> avx512;
  bool avx2 = false;
  for (std::string word; words >> word;) {
    if (word.rfind("avx512", 0) == 0) avx512.push_back(word);
    avx2 = avx2 || word == "avx2";
  }
  std::sort(avx512.begin(), avx512.end());
  std::string joined;
  for (const auto& word : avx512) joined += (joined.empty() ? "" : " ") + word;
  if (model.find("AMD EPYC") == std::string::npos) return MachineKind::kOther;
  if (joined == kPinnedAvx512) return MachineKind::kEpycAvx512;
  if (avx512.empty() && avx2) return MachineKind::kEpycAvx2;
  return MachineKind::kOther;
}

void expect_pinned(const std::string& name, const Fingerprint& print) {
  if (std::getenv("TDQ_PRINT_PINNED")) {
    std::cout << "      {\"" << name << "\", {0x" << std::hex << print.hash << std::dec << "ULL, "
              << std::setprecision(17) << print.sum << "}},\n";
    return;
  }
  const MachineKind kind = machine_kind();
  const PinnedTable& table = kind == MachineKind::kEpycAvx2 ? pinned_avx2() : pinned_avx512();
  const auto it = table.find(name);
  ASSERT_NE(it, table.end()) << name << " is not pinned (run with TDQ_PRINT_PINNED=1)";
  // Hash 0: pinned on another kind of machine than this table's, so only the sum is known here.
  if (kind != MachineKind::kOther && it->second.hash != 0) {
    EXPECT_EQ(print.hash, it->second.hash)
        << name << ": output changed (sum " << print.sum << ", pinned " << it->second.sum << ")";
  } else {
    EXPECT_NEAR(print.sum, it->second.sum, 0.03 * std::max(1.0, std::abs(it->second.sum))) << name;
  }
}

class ThreadsPinned : public test::QuantizedTwin {
 protected:
  ThreadsPinned() : threads_(at::get_num_threads()) { at::set_num_threads(1); }
  ~ThreadsPinned() override { at::set_num_threads(threads_); }

  Fingerprint outputs(QuantizedModel& twin) {
    at::NoGradGuard no_grad;
    Fingerprint print;
    const at::Tensor x = seeded_noise({4, 1, 8, 8}, 9, c10::kCPU);
    for (std::int64_t t : {999, 800, 437, 400, 0}) {
      print.add(model->forward(x, at::full({4}, t, at::kLong), &twin));
    }
    print.add(model->forward(x, at::tensor({900, 500, 100, 0}, at::kLong), &twin));
    for (const auto& [key, value] : twin.state()) print.add(value);
    return print;
  }

  // A few gradient steps on every quantized layer (QDrop on, weights learning), as block
  // reconstruction and QAT do.
  void learn(QuantizedModel& twin, bool learn_weights) {
    std::vector<std::size_t> all;
    for (const auto& slot : twin.slots()) all.push_back(static_cast<std::size_t>(slot.layer));
    LearningSession session = twin.begin_learning(all, 0.5, 3, learn_weights);
    std::vector<at::Tensor> params = session.steps().tensors;
    for (const auto& p : session.tdq().tensors) params.push_back(p);
    for (const auto& p : session.weights().tensors) params.push_back(p);
    const at::Tensor x = seeded_noise({4, 1, 8, 8}, 11, c10::kCPU);
    const at::Tensor t = at::tensor({950, 600, 300, 20}, at::kLong);
    at::Tensor target;
    {
      at::NoGradGuard no_grad;
      target = model->forward(x, t);
    }
    for (int step = 0; step < 3; ++step) {
      session.reseed(100 + step);
      for (auto& p : params) p.mutable_grad() = at::Tensor();
      (model->forward(x, t, &twin) - target).pow(2).mean().backward();
      at::NoGradGuard no_grad;
      for (auto& p : params) {
        if (p.grad().defined()) p.sub_(p.grad() * 0.05);
      }
    }
    session.end();
  }

 private:
  int threads_;
};

TEST_F(ThreadsPinned, CalibratedTwinsOfEveryIntervalKind) {
  at::manual_seed(0);
  model = UNet(test::tiny_unet_config());
  model->eval();
  const std::vector<std::pair<std::string, QuantConfig>> configs = [] {
    std::vector<std::pair<std::string, QuantConfig>> out;
    out.emplace_back("minmax", w4a4(QuantMethod::MinMax));
    out.emplace_back("table", w4a4(QuantMethod::Table));
    QuantConfig groups = w4a4(QuantMethod::Table);
    groups.table_groups = 2;
    out.emplace_back("table-2", groups);
    out.emplace_back("dynamic", w4a4(QuantMethod::Dynamic));
    QuantConfig asym = w4a4(QuantMethod::Dynamic);
    asym.grid = GridChoice::Asymmetric;
    out.emplace_back("dynamic-asym", asym);
    QuantConfig asym_static = w4a4(QuantMethod::MinMax);
    asym_static.grid = GridChoice::Asymmetric;
    asym_static.weight_per_channel = true;
    out.emplace_back("minmax-asym-channel", asym_static);
    out.emplace_back("tdq-ptq", w4a4(QuantMethod::TdqPtq));
    QuantConfig constant = w4a4(QuantMethod::Tdq);
    constant.tdq_constant_t = true;
    out.emplace_back("tdq-constant", constant);
    return out;
  }();
  for (const auto& [name, config] : configs) {
    QuantizedModel twin(*model, config);
    calibrate(*model, twin, schedule, calibration(6));
    expect_pinned("calibrated." + name, outputs(twin));
  }
}

TEST_F(ThreadsPinned, LearnedTwinsOfEveryIntervalKind) {
  at::manual_seed(0);
  model = UNet(test::tiny_unet_config());
  model->eval();
  for (const QuantMethod method :
       {QuantMethod::Lsq, QuantMethod::Pact, QuantMethod::Nipq, QuantMethod::Tdq,
        QuantMethod::Table, QuantMethod::Dynamic, QuantMethod::Ptq4dm}) {
    QuantizedModel twin(*model, w4a4(method));
    calibrate(*model, twin, schedule, calibration(6));
    if (method == QuantMethod::Table) {
      twin.init_step_table(sampling_timesteps(calibration(6).sampler, schedule.num_timesteps));
    }
    const bool weights = method != QuantMethod::Ptq4dm;
    learn(twin, weights);
    expect_pinned("learned." + to_string(method), outputs(twin));
  }
}

TEST(PinnedShippedRuns, SampleAsPinned) {
  const int threads = at::get_num_threads();
  at::set_num_threads(1);
  LoadedModel model = load_model(default_model_dir());
  const NoiseSchedule schedule = linear_schedule();
  GenerateOptions options;
  options.count = 2;
  options.batch_size = 2;
  options.sampler.steps = 5;
  for (const char* run : {"lsq-w4a4", "pact-w4a4", "nipq-w4a4", "tdq-w4a4"}) {
    const auto runs = default_model_dir().parent_path().parent_path() / "runs";  // resources/runs
    const auto twin = load_quantize_run(runs / run, model);
    Fingerprint print;
    print.add(generate_samples(*model.model, schedule, options, c10::kCPU, {}, twin.get()));
    expect_pinned(std::string("shipped.") + run, print);
  }
  at::set_num_threads(threads);
}

}  // namespace
}  // namespace tdq
