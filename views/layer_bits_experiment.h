#pragma once
// "Start experiment with these bits": the layer table's W/A bits (as placed, or as edited there)
// become a QuantConfig with per-layer overrides, which the experiment panel shows and starts as
// any experiment.
#include <QString>

namespace tdq::views {

class ExperimentPanel;
class LayerTableModel;
struct RunData;

// The base is the run's own quant configuration for a quantize run; otherwise the panel's, with the
// run's method and without the panel's override rows (the table's bits replace them). Returns
// false with `error` set when there is no run, the base cannot be read, or the job cannot start.
bool start_experiment_with_layer_bits(const RunData* run, const LayerTableModel& table,
                                      ExperimentPanel& panel, QString* error);

}  // namespace tdq::views
