#include "views/settings_check.h"

#include <QDir>
#include <QStringList>

#include "views/translator.h"

namespace tdq::views {

QString settings_problem(QSettings::Status status_at_start) {
  const QString file = QDir::toNativeSeparators(QSettings().fileName());
  switch (status_at_start) {
    case QSettings::AccessError:
      return SettingsCheck::tr("Settings file %1 cannot be read; using the defaults").arg(file);
    case QSettings::FormatError:
      // QSettings keeps what it could parse and writes the file anew on the next save.
      return SettingsCheck::tr(
                 "Settings file %1 is damaged; using what could be read and the defaults for the "
                 "rest")
          .arg(file);
    case QSettings::NoError:
      break;
  }
  const QString language = saved_language();
  if (!language.isEmpty() && !available_languages().contains(language)) {
    return SettingsCheck::tr(
               "Settings file %1: no translation for language '%2' (%3); using English")
        .arg(file, language, available_languages().join(QStringLiteral(", ")));
  }
  return {};
}

}  // namespace tdq::views
