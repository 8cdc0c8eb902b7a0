#pragma once

#include <gtest/gtest.h>

#include <cstdlib>

#include <QCoreApplication>
#include <QDir>
#include <QSettings>
#include <QTest>
#include <QWidget>

#include "views/translator.h"

namespace tdq::views::testing {

// Every test starts from empty settings and English, whatever the one before it left.
class GuiTest : public ::testing::Test {
 protected:
  void SetUp() override { reset(); }
  void TearDown() override { reset(); }

  // QApplication posts LanguageChange to each widget rather than sending it.
  static void deliver_language_change() { QCoreApplication::processEvents(); }

 private:
  static void reset() {
    QSettings().clear();
    ASSERT_TRUE(install_translation(QStringLiteral("en")));
    deliver_language_change();
  }
};

// Screenshot renderers (skipped unless TDQ_SCREENSHOT_DIR is set): an environment variable, and
// a widget shown, exposed and saved there as `file`.
inline QString env(const char* name) { return QString::fromLocal8Bit(std::getenv(name)); }
inline void save_screenshot(QWidget& widget, const QString& file) {
  widget.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&widget));
  QTest::qWait(200);
  ASSERT_TRUE(widget.grab().save(QDir(env("TDQ_SCREENSHOT_DIR")).filePath(file)))
      << file.toStdString();
}

}  // namespace tdq::views::testing
