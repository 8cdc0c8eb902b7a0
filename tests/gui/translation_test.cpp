#include <QCoreApplication>
#include <QFile>
#include <QRegularExpression>

#include "gui_test.h"
#include "views/translator.h"

namespace tdq::views {
namespace {

using TranslationTest = testing::GuiTest;

QString file_menu_title() { return QCoreApplication::translate("tdq::views::MainWindow", "&File"); }

TEST_F(TranslationTest, SimplifiedChineseLoadsFromTheEmbeddedResources) {
  EXPECT_TRUE(QFile::exists(QStringLiteral(":/i18n/tdq_zh_CN.qm")));
  ASSERT_TRUE(install_translation(QStringLiteral("zh_CN")));
  EXPECT_EQ(current_language(), QStringLiteral("zh_CN"));
  EXPECT_EQ(file_menu_title(), QStringLiteral("文件(&F)"));
}

TEST_F(TranslationTest, EnglishRestoresTheSourceStrings) {
  ASSERT_TRUE(install_translation(QStringLiteral("zh_CN")));
  ASSERT_TRUE(install_translation(QStringLiteral("en")));
  EXPECT_EQ(current_language(), QStringLiteral("en"));
  EXPECT_EQ(file_menu_title(), QStringLiteral("&File"));
}

TEST_F(TranslationTest, UnknownLanguageKeepsTheCurrentOne) {
  ASSERT_TRUE(install_translation(QStringLiteral("zh_CN")));
  EXPECT_FALSE(install_translation(QStringLiteral("fr")));
  EXPECT_EQ(current_language(), QStringLiteral("zh_CN"));
  EXPECT_EQ(file_menu_title(), QStringLiteral("文件(&F)"));
}

TEST_F(TranslationTest, SystemLocaleIsAccepted) {
  // Whatever the machine's locale, English is the fallback, so this never fails.
  EXPECT_TRUE(install_translation(QString()));
  EXPECT_EQ(current_language(), QString());
}

// lrelease leaves unfinished strings out of the .qm, so they would show up in English.
TEST_F(TranslationTest, SimplifiedChineseCatalogueIsComplete) {
  QFile ts(QStringLiteral(TDQ_SOURCE_DIR "/translations/tdq_zh_CN.ts"));
  ASSERT_TRUE(ts.open(QIODevice::ReadOnly));
  const QString text = QString::fromUtf8(ts.readAll());
  EXPECT_GT(text.count(QStringLiteral("<message")), 10);
  EXPECT_FALSE(text.contains(QStringLiteral("type=\"unfinished\"")));
  EXPECT_FALSE(text.contains(QStringLiteral("type=\"vanished\"")));
  EXPECT_FALSE(text.contains(QStringLiteral("type=\"obsolete\"")));
  EXPECT_FALSE(
      text.contains(QRegularExpression(QStringLiteral("<translation>\\s*</translation>"))));
}

}  // namespace
}  // namespace tdq::views
