#include "core/sensitivity/sensitivity.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>

#include <nlohmann/json.hpp>

#include "core/common/errors.h"
#include "core/common/memory_budget.h"
#include "core/diffusion/generate.h"
#include "core/model/safetensors.h"
#include "core/sensitivity/layer_mask_hooks.h"

namespace tdq {

namespace {

// The FP model's x_t and raw predicted noise at every step of one batch, and its final sample.
struct Trajectory {
  std::vector<at::Tensor> x, eps;
  at::Tensor final;
  std::size_t bytes() const {
    std::size_t total = 0;
    for (const auto* list : {&x, &eps})
      for (const auto& t : *list) total += static_cast<std::size_t>(t.numel()) * t.element_size();
    return total;
  }
};

// Input elements per sample of every layer, from one forward.
class InputSizeHooks : public LayerHooks {
 public:
  explicit InputSizeHooks(std::size_t layers) : elements(layers, 0) {}
  at::Tensor on_input(int layer, const at::Tensor& input) override {
    elements.at(static_cast<std::size_t>(layer)) =
        input.numel() / std::max<std::int64_t>(1, input.size(0));
    return input;
  }
  std::vector<std::int64_t> elements;
};

void check_options(const SensitivityOptions& o, std::size_t twins) {
  if (twins == 0)
    throw ConfigError("sensitivity.quant", "(none)", "give at least one quantize run");
  if (o.count < 1) throw ConfigError("sensitivity.count", std::to_string(o.count), "must be >= 1");
  if (o.batch_size < 1)
    throw ConfigError("sensitivity.batch_size", std::to_string(o.batch_size), "must be >= 1");
  if (o.seeds.empty()) throw ConfigError("sensitivity.seeds", "(none)", "give at least one seed");
}

// The rows: layers quantized by the first twin. Measured per layer, every twin must quantize the
// same ones with its config's bits (a per-layer override would make "damage at b bits" mean
// something else); whole twins (validating mixed configs) may differ in both.
std::vector<SensitivityLayer> measured_layers(const UNetImpl& model,
                                              const std::vector<QuantizedModel*>& twins,
                                              bool per_layer) {
  const auto& first = twins.front()->slots();
  for (std::size_t i = 0; i < twins.size(); ++i) {
    const auto& slots = twins[i]->slots();
    const auto& config = twins[i]->config();
    if (slots.size() != model.layers().size()) {
      throw ConfigError("sensitivity.quant", std::to_string(i),
                        "quantize run made for a model with another layer count");
    }
    for (std::size_t l = 0; l < slots.size(); ++l) {
      if (!per_layer) continue;
      if (slots[l].quantized != first[l].quantized) {
        throw ConfigError("sensitivity.quant", std::to_string(i),
                          "quantizes another set of layers than the first run (layer " +
                              slots[l].path + "); give runs with the same skip list");
      }
      if (slots[l].quantized &&
          (slots[l].w_bits != config.w_bits || slots[l].a_bits != config.a_bits)) {
        throw ConfigError("sensitivity.quant", std::to_string(i),
                          "layer " + slots[l].path + " has per-layer bits (W" +
                              std::to_string(slots[l].w_bits) + "A" +
                              std::to_string(slots[l].a_bits) + "); give uniform-bit runs");
      }
    }
  }
  std::vector<SensitivityLayer> rows;
  for (std::size_t l = 0; l < first.size(); ++l) {
    if (!first[l].quantized) continue;
    SensitivityLayer row;
    row.index = static_cast<int>(l);
    row.path = first[l].path;
    row.parameters = 1;
    for (auto d : model.layers()[l].weight_shape) row.parameters *= d;
    rows.push_back(row);
  }
  if (rows.empty()) throw ConfigError("sensitivity.quant", "0", "the runs quantize no layer");
  return rows;
}

// Distinct bit widths over the twins, ascending, each with the first twin that has it.
void bit_candidates(const std::vector<QuantizedModel*>& twins, bool weight, std::vector<int>& bits,
                    std::vector<std::size_t>& twin_of) {
  std::map<int, std::size_t> first;
  for (std::size_t i = 0; i < twins.size(); ++i) {
    const int b = weight ? twins[i]->config().w_bits : twins[i]->config().a_bits;
    first.emplace(b, i);
  }
  for (const auto& [b, i] : first) {
    bits.push_back(b);
    twin_of.push_back(i);
  }
}

// What a checkpoint must agree on to be resumed.
std::string fingerprint(const SensitivityOptions& o, const std::vector<QuantizedModel*>& twins) {
  nlohmann::json j = {{"count", o.count},
                      {"batch_size", o.batch_size},
                      {"seeds", o.seeds},
                      {"sampler", to_string(o.sampler.kind)},
                      {"steps", o.sampler.steps},
                      {"skip", to_string(o.sampler.skip)},
                      {"clip_x0", o.sampler.clip_x0},
                      {"windows", o.windows},
                      {"per_layer", o.per_layer},
                      {"final_errors", o.final_errors}};
  if (!o.final_per_window) j["final_per_window"] = false;   // absent: the fingerprints before it
  if (o.features) j["features"] = o.features->cache_key();  // likewise
  for (const auto* twin : twins) {
    double checksum = 0;  // the quantizer state, so a recalibrated run does not resume
    for (const auto& [name, t] : twin->state()) checksum += t.to(at::kDouble).sum().item<double>();
    j["twins"].push_back({{"config", to_json(twin->config())}, {"state_sum", checksum}});
  }
  return j.dump();
}

}  // namespace

std::vector<TimeWindow> time_windows(const std::vector<std::int64_t>& timesteps,
                                     std::int64_t windows) {
  const auto steps = static_cast<std::int64_t>(timesteps.size());
  if (windows < 1 || windows > steps) {
    throw ConfigError("sensitivity.windows", std::to_string(windows),
                      "must be in 1.." + std::to_string(steps) + " (the sampling steps)");
  }
  std::vector<TimeWindow> out;
  for (std::int64_t w = 0; w < windows; ++w) {
    TimeWindow window;
    window.first_step = w * steps / windows;
    window.last_step = (w + 1) * steps / windows - 1;
    window.t_first = timesteps[static_cast<std::size_t>(window.first_step)];
    window.t_last = timesteps[static_cast<std::size_t>(window.last_step)];
    out.push_back(window);
  }
  return out;
}

std::vector<double> window_gains(const SensitivityResult& result, std::size_t twin) {
  if (!result.twin_final_error.defined()) {
    throw ConfigError("search.damage", "final",
                      "the sensitivity run has no final-sample errors per window (measured "
                      "before they existed, or without them per window); measure it again or "
                      "search with the local damage");
  }
  const auto i = static_cast<std::int64_t>(twin);
  const at::Tensor from = result.twin_final_error.select(1, i).mean(0).contiguous();
  const at::Tensor local = result.twin_error.select(1, i).mean(0).contiguous();
  const std::int64_t windows = local.size(0);
  std::vector<double> gains;
  for (std::int64_t w = 0; w < windows; ++w) {
    // The window's share of the final error: quantized from it on, minus from the next one on.
    const double next = w + 1 < windows ? from[w + 1].item<double>() : 0.0;
    const double share = std::max(0.0, from[w].item<double>() - next);
    const double l = local[w].item<double>();
    gains.push_back(l > 0 ? share / l : 0.0);
  }
  return gains;
}

double mean_damage(const at::Tensor& damage, std::int64_t candidate, std::int64_t layer) {
  return damage.select(1, candidate).select(1, layer).mean().item<double>();
}

double mean_window_damage(const at::Tensor& damage, std::int64_t candidate, std::int64_t layer,
                          std::int64_t window) {
  // damage is [seeds, candidates, layers, windows].
  return damage.select(1, candidate).select(1, layer).select(1, window).mean().item<double>() /
         static_cast<double>(damage.size(3));
}

SensitivityResult measure_sensitivity(UNetImpl& model, const std::vector<QuantizedModel*>& twins,
                                      const NoiseSchedule& schedule,
                                      const SensitivityOptions& options,
                                      const std::filesystem::path& checkpoint,
                                      const ProgressFn& progress) {
  check_options(options, twins.size());
  const auto start = std::chrono::steady_clock::now();
  const auto device = model.parameters().front().device();
  const auto& config = model.config();
  SensitivityResult r;
  r.timesteps = sampling_timesteps(options.sampler, schedule.num_timesteps);
  r.windows = time_windows(r.timesteps, options.windows);
  r.layers = measured_layers(model, twins, options.per_layer);
  bit_candidates(twins, true, r.weight_bits, r.weight_twin);
  bit_candidates(twins, false, r.input_bits, r.input_twin);
  const auto seeds = static_cast<std::int64_t>(options.seeds.size());
  const auto rows = static_cast<std::int64_t>(r.layers.size());
  const auto windows = static_cast<std::int64_t>(r.windows.size());
  const auto steps = static_cast<std::int64_t>(r.timesteps.size());
  const auto f64 = at::TensorOptions().dtype(at::kDouble);
  r.weight_damage =
      at::zeros({seeds, static_cast<std::int64_t>(r.weight_bits.size()), rows, windows}, f64);
  r.input_damage =
      at::zeros({seeds, static_cast<std::int64_t>(r.input_bits.size()), rows, windows}, f64);
  r.keep_fp_gain = at::zeros({seeds, rows, windows}, f64);
  r.twin_error = at::zeros({seeds, static_cast<std::int64_t>(twins.size()), windows}, f64);
  if (options.final_errors) {
    if (options.final_per_window) r.twin_final_error = at::zeros_like(r.twin_error);
    r.twin_sample_error = at::zeros({seeds, static_cast<std::int64_t>(twins.size())}, f64);
    r.twin_sample_errors =
        at::zeros({seeds, static_cast<std::int64_t>(twins.size()), options.count}, f64);
    if (options.features) r.twin_feature_errors = at::zeros_like(r.twin_sample_errors);
  }

  const std::string print = fingerprint(options, twins);
  bool twins_done = false;
  double seconds_before = 0;
  if (!checkpoint.empty() && std::filesystem::exists(checkpoint)) {
    const SafetensorsFile saved = read_safetensors(checkpoint);
    const auto meta = saved.metadata.find("sensitivity");
    if (meta == saved.metadata.end() || meta->second != print) {
      throw ConfigError("sensitivity.checkpoint", checkpoint.string(),
                        "made with other runs or settings; remove it to start over");
    }
    r.weight_damage = saved.tensors.at("weight_damage");
    r.input_damage = saved.tensors.at("input_damage");
    r.keep_fp_gain = saved.tensors.at("keep_fp_gain");
    r.twin_error = saved.tensors.at("twin_error");
    if (options.final_errors) {
      if (options.final_per_window) r.twin_final_error = saved.tensors.at("twin_final_error");
      r.twin_sample_error = saved.tensors.at("twin_sample_error");
      // Absent from checkpoints made before them: the result then has none, as such runs had.
      const auto optional = [&](const char* name, at::Tensor& t) {
        const auto it = saved.tensors.find(name);
        t = it == saved.tensors.end() ? at::Tensor() : it->second;
      };
      optional("twin_sample_errors", r.twin_sample_errors);
      optional("twin_feature_errors", r.twin_feature_errors);
    }
    r.layers_done = std::stoll(saved.metadata.at("layers_done"));
    seconds_before = std::stod(saved.metadata.at("seconds"));
    twins_done = true;
  }
  const auto elapsed = [&] {
    return seconds_before +
           std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  const auto save = [&] {
    if (checkpoint.empty()) return;
    std::map<std::string, at::Tensor> tensors = {{"weight_damage", r.weight_damage},
                                                 {"input_damage", r.input_damage},
                                                 {"keep_fp_gain", r.keep_fp_gain},
                                                 {"twin_error", r.twin_error}};
    if (options.final_errors) {
      if (r.twin_final_error.defined()) tensors.emplace("twin_final_error", r.twin_final_error);
      tensors.emplace("twin_sample_error", r.twin_sample_error);
      for (const auto& [name, t] : {std::pair{"twin_sample_errors", r.twin_sample_errors},
                                    std::pair{"twin_feature_errors", r.twin_feature_errors}})
        if (t.defined()) tensors.emplace(name, t);
    }
    write_safetensors(checkpoint, tensors,
                      {{"sensitivity", print},
                       {"layers_done", std::to_string(r.layers_done)},
                       {"seconds", std::to_string(elapsed())}});
  };

  // FP trajectories: sample i of seed s starts from the noise `tdq sample --seed s` gives it.
  require_memory(
      image_bytes(options.count, config.in_channels, config.sample_size, config.sample_size),
      "sensitivity.count", std::to_string(options.count), "the initial noise");
  const std::int64_t batches = (options.count + options.batch_size - 1) / options.batch_size;
  const std::size_t trajectory_bytes =
      static_cast<std::size_t>(seeds * options.count * steps) * 2 *
      static_cast<std::size_t>(config.in_channels) *
      static_cast<std::size_t>(config.sample_size * config.sample_size) * sizeof(float);
  const bool cache = trajectory_bytes <= options.trajectory_cache_bytes;
  std::map<std::pair<std::int64_t, std::int64_t>, Trajectory> cached;
  const auto trajectory = [&](std::int64_t s, std::int64_t b) -> Trajectory {
    const auto key = std::make_pair(s, b);
    if (auto it = cached.find(key); it != cached.end()) return it->second;
    const std::uint64_t seed = options.seeds[static_cast<std::size_t>(s)];
    const std::int64_t begin = b * options.batch_size;
    const std::int64_t size = std::min(options.batch_size, options.count - begin);
    const at::Tensor noise =
        seeded_noise({options.count, config.in_channels, config.sample_size, config.sample_size},
                     seed, c10::kCPU)
            .narrow(0, begin, size)
            .to(device);
    Trajectory out;
    at::NoGradGuard no_grad;
    out.final = run_sampler(
        [&](const at::Tensor& x, const at::Tensor& t) {
          at::Tensor eps = model.forward(x, t);
          out.x.push_back(x);
          out.eps.push_back(eps);
          return eps;
        },
        schedule, options.sampler, noise, batch_noise_seed(seed, b));
    if (cache) cached.emplace(key, out);
    return out;
  };

  // Error of each hooks against FP, per seed and window, written to out[i] ([seeds, windows]).
  const auto measure = [&](const std::vector<LayerHooks*>& hooks,
                           const std::vector<at::Tensor>& out) {
    std::vector<std::vector<double>> sums(
        hooks.size(), std::vector<double>(static_cast<std::size_t>(seeds * windows), 0.0));
    std::vector<double> values(static_cast<std::size_t>(seeds * windows), 0.0);
    at::NoGradGuard no_grad;
    for (std::int64_t s = 0; s < seeds; ++s) {
      for (std::int64_t b = 0; b < batches; ++b) {
        const Trajectory traj = trajectory(s, b);
        std::int64_t w = 0;
        for (std::int64_t k = 0; k < steps; ++k) {
          while (r.windows[static_cast<std::size_t>(w)].last_step < k) ++w;
          const auto cell = static_cast<std::size_t>(s * windows + w);
          const auto& x = traj.x[static_cast<std::size_t>(k)];
          const auto& eps_fp = traj.eps[static_cast<std::size_t>(k)];
          const at::Tensor t = at::full({x.size(0)}, r.timesteps[static_cast<std::size_t>(k)],
                                        at::TensorOptions().dtype(at::kLong).device(device));
          values[cell] += static_cast<double>(x.numel());
          for (std::size_t h = 0; h < hooks.size(); ++h) {
            const at::Tensor eps = model.forward(x, t, hooks[h]);
            sums[h][cell] += (eps - eps_fp).to(at::kDouble).pow(2).sum().item<double>();
          }
        }
      }
    }
    for (std::size_t h = 0; h < hooks.size(); ++h) {
      auto acc = out[h].accessor<double, 2>();
      for (std::int64_t s = 0; s < seeds; ++s)
        for (std::int64_t w = 0; w < windows; ++w) {
          const auto cell = static_cast<std::size_t>(s * windows + w);
          acc[s][w] = sums[h][cell] / values[cell];
        }
    }
  };

  // Final-sample error of each twin from each window to the last step, per seed: the steps before
  // the window replay the cached FP predictions (the same x_t, so the same output), so the
  // difference at x_0 is what quantizing from there on does. From the first window: every step,
  // also kept per sample (and in feature space).
  const auto per_sample = [](const at::Tensor& a, const at::Tensor& b) {
    return (a - b).to(at::kDouble).pow(2).flatten(1).mean(1).cpu();
  };
  const auto measure_final = [&] {
    at::NoGradGuard no_grad;
    // [seeds, twins, windows measured from]: only window 0 (every step) without final_per_window.
    const at::Tensor from = at::zeros(
        {seeds, static_cast<std::int64_t>(twins.size()), options.final_per_window ? windows : 1},
        r.twin_error.options());
    for (std::int64_t s = 0; s < seeds; ++s) {
      double values = 0;
      for (std::int64_t b = 0; b < batches; ++b) {
        const Trajectory traj = trajectory(s, b);
        values += static_cast<double>(traj.final.numel());
        const std::uint64_t noise_seed =
            batch_noise_seed(options.seeds[static_cast<std::size_t>(s)], b);
        const std::int64_t begin = b * options.batch_size, size = traj.final.size(0);
        const at::Tensor fp_features =
            options.features ? options.features->extract(traj.final).features : at::Tensor();
        for (std::size_t i = 0; i < twins.size(); ++i) {
          for (std::int64_t w = 0; w < (options.final_per_window ? windows : 1); ++w) {
            const std::int64_t first = r.windows[static_cast<std::size_t>(w)].first_step;
            std::int64_t k = 0;
            const at::Tensor final = run_sampler(
                [&](const at::Tensor& x, const at::Tensor& t) {
                  const std::int64_t step = k++;
                  if (step < first) return traj.eps[static_cast<std::size_t>(step)];
                  return model.forward(x, t, twins[i]);
                },
                schedule, options.sampler, traj.x.front(), noise_seed);
            from[s][static_cast<std::int64_t>(i)][w] +=
                (final - traj.final).to(at::kDouble).pow(2).sum().item<double>();
            if (w > 0) continue;
            const auto row = [&](const at::Tensor& t) {
              return t[s][static_cast<std::int64_t>(i)].narrow(0, begin, size);
            };
            row(r.twin_sample_errors).copy_(per_sample(final, traj.final));
            if (options.features)
              row(r.twin_feature_errors)
                  .copy_(per_sample(options.features->extract(final).features, fp_features));
          }
        }
      }
      from.select(0, s).div_(values);
    }
    if (options.final_per_window) r.twin_final_error.copy_(from);
    r.twin_sample_error.copy_(from.select(2, 0));
  };

  const std::size_t model_layers = model.layers().size();
  {  // input sizes, from one FP forward of one sample
    InputSizeHooks sizes(model_layers);
    at::NoGradGuard no_grad;
    model.forward(at::zeros({1, config.in_channels, config.sample_size, config.sample_size},
                            at::TensorOptions().device(device)),
                  at::zeros({1}, at::TensorOptions().dtype(at::kLong).device(device)), &sizes);
    for (auto& row : r.layers)
      row.input_elements = sizes.elements[static_cast<std::size_t>(row.index)];
  }
  const std::int64_t total = 1 + (options.per_layer ? rows : 0);
  std::vector<char> all(model_layers, 0);
  for (const auto& row : r.layers) all[static_cast<std::size_t>(row.index)] = 1;
  if (!twins_done) {
    std::vector<LayerHooks*> hooks;
    std::vector<at::Tensor> out;
    for (std::size_t i = 0; i < twins.size(); ++i) {
      hooks.push_back(twins[i]);
      out.push_back(r.twin_error.select(1, static_cast<std::int64_t>(i)));
    }
    measure(hooks, out);
    if (options.final_errors) measure_final();
    save();
  }
  report_progress(progress, {1 + r.layers_done, total, "whole twins"});
  for (std::int64_t row = r.layers_done; row < rows && options.per_layer; ++row) {
    const auto& layer = r.layers[static_cast<std::size_t>(row)];
    std::vector<char> only(model_layers, 0), none(model_layers, 0), others = all;
    only[static_cast<std::size_t>(layer.index)] = 1;
    others[static_cast<std::size_t>(layer.index)] = 0;
    std::vector<LayerMaskHooks> masks;
    std::vector<at::Tensor> out;
    for (std::size_t c = 0; c < r.weight_bits.size(); ++c) {
      masks.emplace_back(*twins[r.weight_twin[c]], only, none);
      out.push_back(r.weight_damage.select(1, static_cast<std::int64_t>(c)).select(1, row));
    }
    for (std::size_t c = 0; c < r.input_bits.size(); ++c) {
      masks.emplace_back(*twins[r.input_twin[c]], none, only);
      out.push_back(r.input_damage.select(1, static_cast<std::int64_t>(c)).select(1, row));
    }
    const at::Tensor without = at::zeros({seeds, windows}, f64);
    masks.emplace_back(*twins.front(), others, others);
    out.push_back(without);
    std::vector<LayerHooks*> hooks;
    for (auto& m : masks) hooks.push_back(&m);
    measure(hooks, out);
    r.keep_fp_gain.select(1, row).copy_(r.twin_error.select(1, 0) - without);
    r.layers_done = row + 1;
    save();
    report_progress(progress, {1 + r.layers_done, total, layer.path});
  }
  r.seconds = elapsed();
  return r;
}

}  // namespace tdq
