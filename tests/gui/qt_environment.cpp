#include <gtest/gtest.h>

#include <QApplication>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <memory>

namespace {

// gtest_main owns main(), so the one QApplication every GUI test needs comes from a global
// environment, set up before the first test and torn down after the last.
class QtEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    // Before the first QSettings: the tests must never read or write the user's settings.
    QStandardPaths::setTestModeEnabled(true);
    settings_dir_ = std::make_unique<QTemporaryDir>();
    ASSERT_TRUE(settings_dir_->isValid());
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settings_dir_->path());
    app_ = std::make_unique<QApplication>(argc_, argv_);
    QApplication::setOrganizationName(QStringLiteral("TDQ-tests"));
    QApplication::setApplicationName(QStringLiteral("TDQ Workbench tests"));
  }

  void TearDown() override {
    app_.reset();
    settings_dir_.reset();
  }

 private:
  // QApplication keeps references to both for its whole life.
  int argc_ = 1;
  char program_[9] = "test_gui";
  char* argv_[2] = {program_, nullptr};
  std::unique_ptr<QTemporaryDir> settings_dir_;
  std::unique_ptr<QApplication> app_;
};

[[maybe_unused]] ::testing::Environment* const kQtEnvironment =
    ::testing::AddGlobalTestEnvironment(new QtEnvironment);

}  // namespace
