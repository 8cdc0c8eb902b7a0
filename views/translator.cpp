#include "views/translator.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QPointer>
#include <QSettings>
#include <QTranslator>

namespace tdq::views {
namespace {

constexpr QLatin1String kLanguageKey("language");

struct Installed {
  // Parented to the application so that they go with it; QPointer notices that.
  QPointer<QTranslator> own;
  QPointer<QTranslator> qt;  // Qt's own strings: file dialogs, standard buttons
  QString language;
};

Installed& installed() {
  static Installed state;
  return state;
}

void remove(QPointer<QTranslator>& translator) {
  if (translator) {
    QCoreApplication::removeTranslator(translator);
    delete translator;
  }
}

// load(QLocale, ...) walks the locale's UI languages (zh_Hans_CN, zh_CN, zh, ...), which is what
// lets the system locale find the right catalogue where a bare file name would need an exact match.
QTranslator* load(const QLocale& locale, const QString& name, const QString& dir) {
  auto* translator = new QTranslator(QCoreApplication::instance());
  if (translator->load(locale, name, QStringLiteral("_"), dir)) return translator;
  delete translator;
  return nullptr;
}

}  // namespace

QStringList available_languages() { return {QStringLiteral("en"), QStringLiteral("zh_CN")}; }

bool install_translation(const QString& language) {
  const bool system = language.isEmpty();
  if (!system && !available_languages().contains(language)) return false;
  const QLocale locale = system ? QLocale::system() : QLocale(language);

  QTranslator* own = load(locale, QStringLiteral("tdq"), QStringLiteral(":/i18n"));
  // The sources are English, so English and an unsupported system locale need no catalogue.
  if (!own && !system && language != available_languages().constFirst()) return false;

  Installed& state = installed();
  remove(state.own);
  remove(state.qt);
  state.own = own;
  if (own) QCoreApplication::installTranslator(own);
  // Debian ships Qt's catalogues separately (qt6-translations-l10n); without them Qt's own dialogs
  // stay English, which is acceptable.
  state.qt =
      load(locale, QStringLiteral("qtbase"), QLibraryInfo::path(QLibraryInfo::TranslationsPath));
  if (state.qt) QCoreApplication::installTranslator(state.qt);
  state.language = language;
  return true;
}

QString current_language() { return installed().language; }

QString saved_language() { return QSettings().value(kLanguageKey).toString(); }

void save_language(const QString& language) { QSettings().setValue(kLanguageKey, language); }

}  // namespace tdq::views
