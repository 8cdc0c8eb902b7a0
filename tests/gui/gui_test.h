#pragma once

#include <gtest/gtest.h>

#include <QCoreApplication>
#include <QSettings>

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

}  // namespace tdq::views::testing
