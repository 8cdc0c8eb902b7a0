#pragma once

#include <QString>
#include <QStringList>

namespace tdq::views {

// Language codes the workbench ships a catalogue for, source language first.
QStringList available_languages();

// Replaces the installed catalogues with those for `language` ("en", "zh_CN"; empty means the
// system locale). Installing sends QEvent::LanguageChange to every widget, which is how open
// windows retranslate. Returns false, and leaves the untranslated English source strings in place,
// when there is no catalogue for `language`; for the system locale that is not an error, since
// English is the fallback.
bool install_translation(const QString& language);

// The argument of the last successful install_translation(), "" for the system locale.
QString current_language();

// The language chosen in the Language menu, kept in QSettings for the next session.
QString saved_language();
void save_language(const QString& language);

}  // namespace tdq::views
