#include <QLabel>

#include "core/common/version.h"
#include "gui_test.h"
#include "views/about_dialog.h"

namespace tdq::views {
namespace {

using AboutDialogTest = testing::GuiTest;

QString all_text(const AboutDialog& dialog) {
  QStringList texts;
  for (const QLabel* label : dialog.findChildren<QLabel*>()) texts << label->text();
  return texts.join(QLatin1Char('\n'));
}

TEST_F(AboutDialogTest, ShowsVersionsAndWhatTdqIs) {
  const VersionInfo info = version_info();
  AboutDialog dialog;
  const QString text = all_text(dialog);
  EXPECT_EQ(dialog.windowTitle(), QStringLiteral("About TDQ Workbench"));
  EXPECT_TRUE(text.contains(QString::fromStdString(info.tdq))) << text.toStdString();
  EXPECT_TRUE(text.contains(QString::fromStdString(info.libtorch))) << text.toStdString();
  EXPECT_TRUE(text.contains(QString::fromLatin1(qVersion()))) << text.toStdString();
  if (info.opencv != "none") {
    EXPECT_TRUE(text.contains(QString::fromStdString(info.opencv))) << text.toStdString();
  }
  EXPECT_TRUE(text.contains(info.cuda_available ? QStringLiteral("yes") : QStringLiteral("no")));
  EXPECT_TRUE(text.contains(QStringLiteral("Temporal Dynamic Quantization")));
  EXPECT_TRUE(text.contains(QStringLiteral("NeurIPS 2023")));
}

TEST_F(AboutDialogTest, IsTranslated) {
  ASSERT_TRUE(install_translation(QStringLiteral("zh_CN")));
  AboutDialog dialog;
  EXPECT_EQ(dialog.windowTitle(), QStringLiteral("关于 TDQ Workbench"));
  // The library versions are facts, not text, and read the same in every language.
  EXPECT_TRUE(all_text(dialog).contains(QString::fromStdString(version_info().libtorch)));
}

}  // namespace
}  // namespace tdq::views
