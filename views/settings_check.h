#pragma once

#include <QCoreApplication>
#include <QSettings>
#include <QString>

namespace tdq::views {

// The saved settings (recent runs, language, window layout) live in one QSettings file that a
// user, another version or a full disk may have damaged. A damaged file must never keep the
// workbench from starting: it starts with its defaults and says so once.
struct SettingsCheck {
  Q_DECLARE_TR_FUNCTIONS(tdq::views::SettingsCheck)
};

// What is wrong with the saved settings, as one line naming the file, or an empty string.
// `status_at_start` is QSettings().status() taken before anything else read the settings: Qt
// keeps a parsed file in a cache, and later QSettings objects that read the cache say NoError.
QString settings_problem(QSettings::Status status_at_start);

}  // namespace tdq::views
