#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/model/model_io.h"

namespace tdq {
namespace {

namespace fs = std::filesystem;

// Runs committed to the repository name the shipped model; an absolute path would name the
// machine they were made on (120 run.json files did).
TEST(ModelDirRecord, TheShippedModelIsRecordedRelativeToTheSourceTree) {
  if (std::getenv("TDQ_MODEL_DIR")) GTEST_SKIP() << "TDQ_MODEL_DIR points the default elsewhere";
  EXPECT_EQ(model_dir_for_record(default_model_dir()), "resources/models/fmnist-ddpm");
  // The same directory named through a detour.
  EXPECT_EQ(model_dir_for_record(default_model_dir() / ".." / "fmnist-ddpm"),
            "resources/models/fmnist-ddpm");
}

TEST(ModelDirRecord, ARecordedRelativeDirIsFoundInTheSourceTreeFromAnyFolder) {
  if (std::getenv("TDQ_MODEL_DIR")) GTEST_SKIP() << "TDQ_MODEL_DIR points the default elsewhere";
  const fs::path before = fs::current_path();
  const fs::path elsewhere =
      fs::temp_directory_path() / ("tdq_model_dir_" + std::to_string(getpid()));
  fs::create_directories(elsewhere);
  fs::current_path(elsewhere);
  const fs::path found = model_dir_from_record("resources/models/fmnist-ddpm");
  fs::current_path(before);
  fs::remove_all(elsewhere);
  EXPECT_TRUE(fs::equivalent(found, default_model_dir())) << found;
}

TEST(ModelDirRecord, OtherDirsAreRecordedAndReadAsGiven) {
  const fs::path outside = fs::temp_directory_path() / "some-model";
  EXPECT_EQ(model_dir_for_record(outside), outside.string());
  EXPECT_EQ(model_dir_from_record(outside.string()), outside);
  // A relative name that exists nowhere stays as given (the error comes when it is loaded).
  EXPECT_EQ(model_dir_from_record("no/such/model"), fs::path("no/such/model"));
}

}  // namespace
}  // namespace tdq
