#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include "views/figure_export.h"

class QAbstractItemModel;

namespace tdq::views {

struct RunData;

// A model's display text as CSV (header row first), quoting cells with commas or quotes.
QString model_to_csv(const QAbstractItemModel& model);

// Writes the report of `run` into `out` (created if missing; existing files are replaced one by
// one, each atomically): figures/<name>.{png,svg,pdf} for every figure of `sources`,
// tables/layers_summary.csv (the layer table), the run's own tables/*.csv, and index.md linking
// them. Returns false with `error` naming the file on the first failure; `written` lists the
// files written, relative to `out`.
bool write_report(const RunData& run, const QList<FigureSource*>& sources, const QString& out,
                  QString* error, QStringList* written = nullptr);

}  // namespace tdq::views
