#pragma once

#include <QString>
#include <QStringList>

namespace tdq::views {

// Run folders the user opened, most recent first, kept in the application's QSettings so that
// every window and the next session see the same list.
inline constexpr int kMaxRecentRuns = 10;

QStringList recent_runs();
// Moves `folder` (made absolute and clean, so one folder is one entry) to the front.
void add_recent_run(const QString& folder);
void clear_recent_runs();

}  // namespace tdq::views
