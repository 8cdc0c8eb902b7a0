#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/model/layer_hooks.h"
#include "kernels/fake_quant.h"

namespace tdq {

// How activation intervals are obtained (docs/method.md section 3).
enum class QuantMethod {
  MinMax,   // PTQ: static interval from calibration min/max
  Ptq4dm,   // PTQ: PTQ4DM calibration set + block reconstruction of static steps (QDrop)
  Table,    // one interval per sampling step (calibrated min/max per step; learned in QAT)
  Dynamic,  // interval from the current tensor at run time
  TdqPtq,   // PTQ: TDQ MLPs fitted block by block on the PTQ4DM calibration set
  Lsq,      // QAT: static learned step with the LSQ gradient
  Pact,     // QAT: learned clipping bound alpha, round with a straight-through estimator
  Nipq,     // QAT: noise injection inside a learned truncation; hard quantization at evaluation
  Tdq,      // QAT: TDQ MLPs trained with the diffusion loss
};
QuantMethod parse_quant_method(const std::string& name);
std::string to_string(QuantMethod method);
const std::vector<std::string>& quant_method_names();

// What a method's activation interval looks like at sampling time.
enum class IntervalKind {
  Static,    // one step per quantizer
  PerStep,   // a step per sampling time step (table)
  Dynamic,   // from the input
  Temporal,  // s(t) from a TDQ MLP, baked into a table for a schedule
};
IntervalKind interval_kind(QuantMethod method);
bool is_qat_method(QuantMethod method);

// (ours) How TDQ MLPs start: Static puts s(t) at the static step s0 for every t (the paper);
// PerStep fits s(t) to per-time-step statistics of the calibration data first (per-step MinMax
// intervals for TDQ-PTQ, the statistics rule per t for QAT), so training starts from an interval
// that already follows time.
enum class TdqInit { Static, PerStep };

// The code's default grids (symmetric, unsigned after SiLU) or the standard asymmetric grid.
enum class GridChoice { CodeDefault, Asymmetric };

// (ours, issue 15) Activation bits that follow time: from diffusion time step `t_min` upward, up
// to the next entry's t_min, the input takes `bits` (or stays FP). A list runs from the largest
// t_min down to 0, so every t has one entry; `tdq search-bits --input-windows` writes them.
struct WindowBits {
  std::int64_t t_min = 0;
  int bits = 8;
  bool fp = false;
};
// The entry that holds at t (t >= its t_min, the first such in the list); nullptr for an empty
// list.
const WindowBits* window_bits_at(const std::vector<WindowBits>& windows, std::int64_t t);
// Per-window bits rescale the calibrated interval to the window's bits (same covered range), so
// they need a method whose sampling interval is a calibrated range or the input's own; the
// temporal methods bake s(t) and QAT methods learn at one width.
bool supports_window_bits(QuantMethod method);

// Per-layer exception, matched against module paths with shell globs ("up_blocks.*.conv1").
struct LayerOverride {
  std::string pattern;
  std::optional<int> w_bits, a_bits;
  bool skip = false;  // both weight and input FP
  // Only the weight (input) FP, the other tensor quantized: what `tdq search-bits` writes for an
  // FP candidate. Calibration still runs for the FP tensor; its interval is never applied.
  bool w_fp = false, a_fp = false;
  // Input bits per time window instead of a_bits / a_fp (calibration at the layer's a_bits).
  std::vector<WindowBits> a_bits_windows = {};
};

// Bit widths a quantizer takes. Not 2: the symmetric grid (n = 2^b - 1 levels, [-(n/2-1) s,
// (n/2-1) s]) then has only the level 0, and every weight would quantize to zero.
constexpr int kMinBits = 3;
constexpr int kMaxBits = 8;

// Fully describes a quantized model; stored in every run folder.
struct QuantConfig {
  QuantMethod method = QuantMethod::MinMax;
  int w_bits = 8;
  int a_bits = 8;
  GridChoice grid = GridChoice::CodeDefault;
  bool weight_per_channel = false;
  // Table method: number of groups of consecutive sampling steps that share one interval
  // (0: one interval per step; 1: one for all steps, i.e. static; k: the paper's S-k variants).
  int table_groups = 0;
  // docs/method.md section 2: first and last conv, the time-embedding MLP and every ResBlock's
  // time projection stay FP (they depend on t only, or are too sensitive).
  std::vector<std::string> skip = {"conv_in", "conv_out", "time_embedding.*", "*.time_emb_proj"};
  std::vector<LayerOverride> overrides;
  // TDQ MLP shape (docs/method.md section 4); encoding_dim 0 means the U-Net's base channels.
  int tdq_depth = 4;
  int tdq_hidden = 64;
  int tdq_encoding_dim = 0;
  TdqInit tdq_init = TdqInit::PerStep;
  // The control that isolates time dependence: the MLPs are fed one constant t (everything else,
  // init included, as for TDQ), so any gain of TDQ over it is the gain of knowing t.
  bool tdq_constant_t = false;
};

nlohmann::json to_json(const QuantConfig& config);
// [{"t_min": t, "bits": b or "fp"}, ...]: how configs and run.json's layers list them.
nlohmann::json to_json(const std::vector<WindowBits>& windows);
// "600:8 200:fp 0:4" (t_min:bits, noisiest first): WindowBits as one line a person edits (the
// experiment panel's A-bits cell). parse_window_bits reads it back, ConfigError naming `field`
// for text that is not such a list; place_quantizers checks the values.
std::string format_window_bits(const std::vector<WindowBits>& windows);
std::vector<WindowBits> parse_window_bits(const std::string& text, const std::string& field);
QuantConfig quant_config_from_json(const nlohmann::json& json);  // ConfigError naming the key

// What one conv/linear gets.
struct QuantizerSlot {
  int layer = 0;
  std::string path;
  bool quantized = false;
  int w_bits = 8, a_bits = 8;
  bool weight_fp = false, input_fp = false;  // LayerOverride::w_fp / a_fp: that tensor stays FP
  std::vector<WindowBits> input_windows;  // LayerOverride::a_bits_windows; empty: a_bits at every t
  kernels::GridKind input_grid = kernels::GridKind::Symmetric;
};

// Applies skip list, overrides and grid rules to a model's layers. ConfigError when bits are
// outside 2..8 or a skip/override pattern matches no layer (a typo would silently do nothing).
std::vector<QuantizerSlot> place_quantizers(const std::vector<LayerInfo>& layers,
                                            const QuantConfig& config);

// True when the layer's input comes straight out of a SiLU (ResBlock conv1/conv2), so the unsigned
// grid starting at the SiLU minimum fits it.
bool input_follows_silu(const std::string& path);

bool glob_match(const std::string& pattern, const std::string& path);

}  // namespace tdq
