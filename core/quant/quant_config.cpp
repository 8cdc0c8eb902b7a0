#include "core/quant/quant_config.h"

#include <fnmatch.h>

#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/common/errors.h"
#include "core/common/json_number.h"

namespace tdq {

namespace {
constexpr QuantMethod kAllMethods[] = {
    QuantMethod::MinMax,  QuantMethod::Ptq4dm, QuantMethod::Table,
    QuantMethod::Dynamic, QuantMethod::TdqPtq, QuantMethod::Lsq,
    QuantMethod::Pact,    QuantMethod::Nipq,   QuantMethod::Tdq};
}  // namespace

const std::vector<std::string>& quant_method_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (QuantMethod method : kAllMethods) out.push_back(to_string(method));
    return out;
  }();
  return names;
}

QuantMethod parse_quant_method(const std::string& name) {
  for (QuantMethod method : kAllMethods) {
    if (to_string(method) == name) return method;
  }
  std::string known;
  for (const auto& n : quant_method_names()) known += (known.empty() ? "" : ", ") + n;
  throw ConfigError("quant.method", name, "unknown quantization method (use " + known + ")");
}

std::string to_string(QuantMethod method) {
  switch (method) {
    case QuantMethod::MinMax:
      return "minmax";
    case QuantMethod::Ptq4dm:
      return "ptq4dm";
    case QuantMethod::Table:
      return "table";
    case QuantMethod::Dynamic:
      return "dynamic";
    case QuantMethod::TdqPtq:
      return "tdq-ptq";
    case QuantMethod::Lsq:
      return "lsq";
    case QuantMethod::Pact:
      return "pact";
    case QuantMethod::Nipq:
      return "nipq";
    case QuantMethod::Tdq:
      return "tdq";
  }
  return "?";
}

IntervalKind interval_kind(QuantMethod method) {
  switch (method) {
    case QuantMethod::Table:
      return IntervalKind::PerStep;
    case QuantMethod::Dynamic:
      return IntervalKind::Dynamic;
    case QuantMethod::TdqPtq:
    case QuantMethod::Tdq:
      return IntervalKind::Temporal;
    default:
      return IntervalKind::Static;
  }
}

bool is_qat_method(QuantMethod method) {
  return method == QuantMethod::Lsq || method == QuantMethod::Pact || method == QuantMethod::Nipq ||
         method == QuantMethod::Tdq;
}

const WindowBits* window_bits_at(const std::vector<WindowBits>& windows, std::int64_t t) {
  for (const auto& w : windows) {
    if (t >= w.t_min) return &w;
  }
  return windows.empty() ? nullptr : &windows.back();  // t < 0: not known; the least noisy entry
}

bool supports_window_bits(QuantMethod method) {
  return !is_qat_method(method) && interval_kind(method) != IntervalKind::Temporal;
}

bool glob_match(const std::string& pattern, const std::string& path) {
  return ::fnmatch(pattern.c_str(), path.c_str(), 0) == 0;
}

bool input_follows_silu(const std::string& path) {
  const bool in_resnet = path.find(".resnets.") != std::string::npos;
  const auto ends_with = [&](const std::string& tail) {
    return path.size() >= tail.size() &&
           path.compare(path.size() - tail.size(), tail.size(), tail) == 0;
  };
  return in_resnet && (ends_with(".conv1") || ends_with(".conv2"));
}

namespace {

void check_bits(int bits, const std::string& field) {
  if (bits < kMinBits || bits > kMaxBits) {
    throw ConfigError(
        field, std::to_string(bits),
        "bits must be in " + std::to_string(kMinBits) + ".." + std::to_string(kMaxBits));
  }
}

void check_window_bits(const LayerOverride& o, QuantMethod method) {
  const std::string field = "quant.overrides '" + o.pattern + "' a_bits_windows";
  if (o.a_bits || o.a_fp || o.skip)
    throw ConfigError("quant.overrides", o.pattern, "gives the input bits twice (a_bits_windows)");
  if (!supports_window_bits(method)) {
    throw ConfigError(field, to_string(method),
                      "bits per time window need a PTQ method without s(t) (minmax, ptq4dm, "
                      "table, dynamic)");
  }
  for (std::size_t i = 0; i < o.a_bits_windows.size(); ++i) {
    const WindowBits& w = o.a_bits_windows[i];
    if (!w.fp) check_bits(w.bits, field + "[" + std::to_string(i) + "].bits");
    if (i > 0 && w.t_min >= o.a_bits_windows[i - 1].t_min) {
      throw ConfigError(field, std::to_string(w.t_min),
                        "t_min must fall from entry to entry (entry " + std::to_string(i) + ")");
    }
  }
  if (o.a_bits_windows.back().t_min != 0) {
    throw ConfigError(field, std::to_string(o.a_bits_windows.back().t_min),
                      "the last entry must start at t_min 0 so that every time step has bits");
  }
}

}  // namespace

std::vector<QuantizerSlot> place_quantizers(const std::vector<LayerInfo>& layers,
                                            const QuantConfig& config) {
  check_bits(config.w_bits, "quant.w_bits");
  check_bits(config.a_bits, "quant.a_bits");
  auto matches_any = [&](const std::string& pattern) {
    for (const auto& layer : layers) {
      if (glob_match(pattern, layer.path)) return true;
    }
    return false;
  };
  for (const auto& pattern : config.skip) {
    if (!matches_any(pattern)) throw ConfigError("quant.skip", pattern, "matches no layer");
  }
  for (const auto& o : config.overrides) {
    if (!matches_any(o.pattern))
      throw ConfigError("quant.overrides", o.pattern, "matches no layer");
    if ((o.w_fp && o.w_bits) || (o.a_fp && o.a_bits) || (o.skip && (o.w_fp || o.a_fp)))
      throw ConfigError("quant.overrides", o.pattern, "gives a tensor bits and FP at once");
    if (o.w_bits) check_bits(*o.w_bits, "quant.overrides '" + o.pattern + "' w_bits");
    if (o.a_bits) check_bits(*o.a_bits, "quant.overrides '" + o.pattern + "' a_bits");
    if (!o.a_bits_windows.empty()) check_window_bits(o, config.method);
  }
  std::vector<QuantizerSlot> slots;
  for (const auto& layer : layers) {
    QuantizerSlot slot;
    slot.layer = layer.index;
    slot.path = layer.path;
    slot.quantized = true;
    slot.w_bits = config.w_bits;
    slot.a_bits = config.a_bits;
    for (const auto& pattern : config.skip) {
      if (glob_match(pattern, layer.path)) slot.quantized = false;
    }
    for (const auto& o : config.overrides) {  // later overrides win
      if (!glob_match(o.pattern, layer.path)) continue;
      if (o.skip) slot.quantized = false;
      if (o.w_bits) slot.w_bits = *o.w_bits;
      if (o.a_bits) slot.a_bits = *o.a_bits;
      if (o.w_bits || o.w_fp) slot.weight_fp = o.w_fp;
      if (o.a_bits || o.a_fp) slot.input_fp = o.a_fp;
      if (o.a_bits || o.a_fp || !o.a_bits_windows.empty()) slot.input_windows = o.a_bits_windows;
      if (!o.skip && (o.w_bits || o.a_bits || o.w_fp || o.a_fp || !o.a_bits_windows.empty()))
        slot.quantized = true;
    }
    if (config.grid == GridChoice::Asymmetric) {
      slot.input_grid = kernels::GridKind::Asymmetric;
    } else {
      slot.input_grid = input_follows_silu(layer.path) ? kernels::GridKind::Unsigned
                                                       : kernels::GridKind::Symmetric;
    }
    slots.push_back(slot);
  }
  return slots;
}

nlohmann::json to_json(const std::vector<WindowBits>& windows) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& w : windows)
    out.push_back(
        {{"t_min", w.t_min}, {"bits", w.fp ? nlohmann::json("fp") : nlohmann::json(w.bits)}});
  return out;
}

std::string format_window_bits(const std::vector<WindowBits>& windows) {
  std::string out;
  for (const auto& w : windows) {
    out += (out.empty() ? "" : " ") + std::to_string(w.t_min) + ":" +
           (w.fp ? std::string("fp") : std::to_string(w.bits));
  }
  return out;
}

std::vector<WindowBits> parse_window_bits(const std::string& text, const std::string& field) {
  std::vector<WindowBits> out;
  std::istringstream words(text);
  for (std::string word; words >> word;) {
    const auto colon = word.find(':');
    WindowBits w;
    std::size_t used_t = 0, used_bits = 0;
    try {
      if (colon == std::string::npos) throw std::invalid_argument("no colon");
      w.t_min = std::stoll(word.substr(0, colon), &used_t);
      const std::string bits = word.substr(colon + 1);
      w.fp = bits == "fp";
      if (!w.fp) w.bits = std::stoi(bits, &used_bits);
      if (used_t != colon || (!w.fp && used_bits != bits.size()))
        throw std::invalid_argument("trailing text");
    } catch (const std::exception&) {
      throw ConfigError(field, word, "expected t_min:bits (e.g. 600:8 200:fp 0:4)");
    }
    out.push_back(w);
  }
  if (out.empty()) throw ConfigError(field, text, "expected t_min:bits (e.g. 600:8 200:fp 0:4)");
  return out;
}

nlohmann::json to_json(const QuantConfig& c) {
  nlohmann::json overrides = nlohmann::json::array();
  for (const auto& o : c.overrides) {
    nlohmann::json j = {{"pattern", o.pattern}, {"skip", o.skip}};
    if (o.w_bits) j["w_bits"] = *o.w_bits;
    if (o.a_bits) j["a_bits"] = *o.a_bits;
    if (o.w_fp) j["w_fp"] = true;
    if (o.a_fp) j["a_fp"] = true;
    if (!o.a_bits_windows.empty()) j["a_bits_windows"] = to_json(o.a_bits_windows);
    overrides.push_back(j);
  }
  return {{"method", to_string(c.method)},
          {"w_bits", c.w_bits},
          {"a_bits", c.a_bits},
          {"grid", c.grid == GridChoice::Asymmetric ? "asymmetric" : "code-default"},
          {"weight_per_channel", c.weight_per_channel},
          {"table_groups", c.table_groups},
          {"skip", c.skip},
          {"overrides", overrides},
          {"tdq",
           {{"depth", c.tdq_depth},
            {"hidden", c.tdq_hidden},
            {"encoding_dim", c.tdq_encoding_dim},
            {"init", c.tdq_init == TdqInit::PerStep ? "per-step" : "static"},
            {"time_input", c.tdq_constant_t ? "constant" : "t"}}}};
}

QuantConfig quant_config_from_json(const nlohmann::json& j) {
  QuantConfig c;
  std::string key;
  try {
    key = "method";
    c.method = parse_quant_method(j.at(key).get<std::string>());
    key = "w_bits";
    c.w_bits = json_as<int>(j.at(key));
    key = "a_bits";
    c.a_bits = json_as<int>(j.at(key));
    key = "grid";
    const std::string grid = j.at(key).get<std::string>();
    if (grid != "asymmetric" && grid != "code-default")
      throw ConfigError("quant config: unknown grid '" + grid + "'");
    c.grid = grid == "asymmetric" ? GridChoice::Asymmetric : GridChoice::CodeDefault;
    key = "weight_per_channel";
    c.weight_per_channel = j.at(key).get<bool>();
    key = "table_groups";
    c.table_groups = j.value(key, 0);
    if (c.table_groups < 0) throw ConfigError("quant config: table_groups must be >= 0");
    key = "skip";
    c.skip = j.at(key).get<std::vector<std::string>>();
    key = "overrides";
    c.overrides.clear();
    for (const auto& o : j.at(key)) {
      LayerOverride entry;
      entry.pattern = o.at("pattern").get<std::string>();
      entry.skip = o.value("skip", false);
      if (o.contains("w_bits")) entry.w_bits = json_as<int>(o.at("w_bits"));
      if (o.contains("a_bits")) entry.a_bits = json_as<int>(o.at("a_bits"));
      entry.w_fp = o.value("w_fp", false);
      entry.a_fp = o.value("a_fp", false);
      for (const auto& w : o.value("a_bits_windows", nlohmann::json::array())) {
        key = "overrides[].a_bits_windows";
        WindowBits window;
        window.t_min = json_as<std::int64_t>(w.at("t_min"));
        const auto& bits = w.at("bits");
        window.fp = bits.is_string();
        if (window.fp && bits.get<std::string>() != "fp")
          throw ConfigError("quant config: a_bits_windows bits must be a number or \"fp\"");
        if (!window.fp) window.bits = json_as<int>(bits);
        entry.a_bits_windows.push_back(window);
      }
      key = "overrides";
      c.overrides.push_back(entry);
    }
    key = "tdq";
    if (j.contains(key)) {
      const auto& tdq = j.at(key);
      c.tdq_depth = json_as<int>(tdq.at("depth"));
      c.tdq_hidden = json_as<int>(tdq.at("hidden"));
      c.tdq_encoding_dim = json_as<int>(tdq.at("encoding_dim"));
      if (c.tdq_depth < 1 || c.tdq_depth > 6 || c.tdq_hidden < 1 || c.tdq_encoding_dim < 0 ||
          c.tdq_encoding_dim % 2) {
        throw ConfigError(
            "quant config: tdq needs depth 1..6, hidden >= 1 and an even encoding_dim >= 0");
      }
      // Runs written before these keys existed started static and saw t.
      const std::string init = tdq.value("init", "static");
      if (init != "static" && init != "per-step")
        throw ConfigError("quant config: tdq.init must be static or per-step, got '" + init + "'");
      c.tdq_init = init == "per-step" ? TdqInit::PerStep : TdqInit::Static;
      const std::string time_input = tdq.value("time_input", "t");
      if (time_input != "t" && time_input != "constant") {
        throw ConfigError("quant config: tdq.time_input must be t or constant, got '" + time_input +
                          "'");
      }
      c.tdq_constant_t = time_input == "constant";
    }
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError("quant config: key '" + key + "' is missing or has the wrong type (" +
                      e.what() + ")");
  }
  return c;
}

}  // namespace tdq
