#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/common/errors.h"
#include "core/model/find_model.h"
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

// search-bits loads the model a committed sensitivity run names, run from any folder.
TEST(ModelDirRecord, ARecordedRelativeDirIsFoundFromAnyFolder) {
  if (std::getenv("TDQ_MODEL_DIR")) GTEST_SKIP() << "TDQ_MODEL_DIR points the default elsewhere";
  const std::string sha256 = load_model(default_model_dir()).weights_sha256;
  const fs::path before = fs::current_path();
  const fs::path elsewhere =
      fs::temp_directory_path() / ("tdq_model_dir_" + std::to_string(getpid()));
  fs::create_directories(elsewhere / "run");
  fs::current_path(elsewhere);
  const LoadedModel found = find_model(elsewhere / "run", "resources/models/fmnist-ddpm", sha256);
  fs::current_path(before);
  fs::remove_all(elsewhere);
  EXPECT_TRUE(fs::equivalent(found.dir, default_model_dir())) << found.dir;
}

TEST(ModelDirRecord, OtherDirsAreRecordedAsGivenAndAnotherModelIsNamed) {
  const fs::path outside = fs::temp_directory_path() / "some-model";
  EXPECT_EQ(model_dir_for_record(outside), outside.string());
  try {
    find_model(outside / "run", "no/such/model", "0123456789abcdef");
    ADD_FAILURE() << "a model with another sha256 was accepted";
  } catch (const ConfigError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("run.json"), std::string::npos) << what;
    EXPECT_NE(what.find("is not found"), std::string::npos) << what;
    EXPECT_NE(what.find("holds another model"), std::string::npos) << what;  // the shipped one
  }
}

}  // namespace
}  // namespace tdq
