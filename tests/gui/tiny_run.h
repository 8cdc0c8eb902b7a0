#pragma once

#include <QString>

namespace tdq::views::testing {

// A recorded analyze run of the tiny test U-Net with a per-step table twin (W8A4), made with the
// core API once per test process and removed at exit. Views and exports are checked against it.
QString tiny_analyze_run();

// The same record (model, seeds, steps) with a MinMax twin: a second method to compare with.
QString tiny_minmax_analyze_run();

// Copies the tiny run into `folder` (which must not exist), for tests that need several runs.
void copy_tiny_run(const QString& folder);

}  // namespace tdq::views::testing
