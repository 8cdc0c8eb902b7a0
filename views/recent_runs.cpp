#include "views/recent_runs.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

namespace tdq::views {
namespace {

constexpr QLatin1String kKey("recentRuns");

}  // namespace

QStringList recent_runs() { return QSettings().value(kKey).toStringList(); }

void add_recent_run(const QString& folder) {
  const QString path = QDir::cleanPath(QFileInfo(folder).absoluteFilePath());
  QStringList runs = recent_runs();
  runs.removeAll(path);
  runs.prepend(path);
  while (runs.size() > kMaxRecentRuns) runs.removeLast();
  QSettings().setValue(kKey, runs);
}

void clear_recent_runs() { QSettings().remove(kKey); }

}  // namespace tdq::views
