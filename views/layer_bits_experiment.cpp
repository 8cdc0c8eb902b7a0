// LibTorch before Qt: Qt's `slots` keyword macro breaks LibTorch headers.
#include <nlohmann/json.hpp>

#include "core/jobs/experiment_job.h"
#include "core/quant/quant_config.h"

#include "views/layer_bits_experiment.h"

#include <QCoreApplication>

#include <exception>

#include "views/experiment_panel.h"
#include "views/layer_table_model.h"
#include "views/run_data.h"

namespace tdq::views {

bool start_experiment_with_layer_bits(const RunData* run, const LayerTableModel& table,
                                      ExperimentPanel& panel, QString* error) {
  if (run == nullptr) {
    *error = QCoreApplication::translate("tdq::views::LayerTableView", "No run is open.");
    return false;
  }
  QuantConfig base;
  try {
    if (!run->config_text.isEmpty()) {
      base = quant_config_from_json(nlohmann::json::parse(run->config_text.toStdString()));
    } else {
      base = panel.experiment().quantize.quant;
      base.overrides.clear();
      if (!run->method.isEmpty()) base.method = parse_quant_method(run->method.toStdString());
    }
  } catch (const std::exception& e) {
    *error = QCoreApplication::translate("tdq::views::LayerTableView",
                                         "Cannot start an experiment from %1: %2")
                 .arg(run->name, QString::fromStdString(e.what()));
    return false;
  }
  panel.set_config(table.edited_config(base));
  if (!panel.start()) {
    *error = panel.status_text();
    return false;
  }
  return true;
}

}  // namespace tdq::views
