// The two shared run-folder rules: where a run's checkpoint lives, and how a JSON key is read.
#include <gtest/gtest.h>

#include "core/common/errors.h"
#include "core/common/json_file.h"
#include "core/run/run_folder.h"

namespace tdq {
namespace {

TEST(RunCheckpoint, SitsBesideTheRunFolderWithOrWithoutATrailingSlash) {
  EXPECT_EQ(run_checkpoint("runs/a"), std::filesystem::path("runs/a.checkpoint.safetensors"));
  EXPECT_EQ(run_checkpoint("runs/a/"), std::filesystem::path("runs/a.checkpoint.safetensors"));
}

TEST(JsonField, ReadsNestedKeysAndNamesTheFileAndKeyWhenMissingOrMistyped) {
  const auto json = nlohmann::json::parse(R"({"model": {"dir": "m", "steps": 20}})");
  EXPECT_EQ(json_field<std::string>(json, "/model/dir", "run.json"), "m");
  EXPECT_EQ(json_field<int>(json, "/model/steps", "run.json"), 20);
  for (const char* pointer : {"/model/seed", "/model/dir/x"}) {
    try {
      json_field<int>(json, pointer, "x/run.json");
      FAIL() << pointer;
    } catch (const FormatError& e) {
      EXPECT_NE(std::string(e.what()).find("x/run.json"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(pointer), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(json_field<int>(json, "/model/dir", "run.json"), FormatError);
}

}  // namespace
}  // namespace tdq
