// Whole-file reads (core/common/file_io.h), which every reader of models and runs starts with: the
// bytes come back exactly (binary, NULs, empty), and a path that is not a readable file is one
// IoError naming it, not an empty string a parser would then misreport.
#include <gtest/gtest.h>

#include <string>

#include "core/common/errors.h"
#include "core/common/file_io.h"
#include "tests/support/temp_dir.h"

namespace tdq {
namespace {

std::string every_byte_value(std::size_t size) {
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i * 7919) % 256);
  return bytes;
}

TEST(FileIo, ReadsBackExactlyWhatWasWritten) {
  test::TempDir dir;
  for (const std::size_t size :
       {std::size_t{0}, std::size_t{1}, std::size_t{4097}, std::size_t{3} << 20}) {
    const std::string bytes = every_byte_value(size);
    write_file_atomic(dir / "f.bin", bytes);
    EXPECT_EQ(read_file_bytes(dir / "f.bin"), bytes) << size << " bytes";
  }
}

TEST(FileIo, AFolderOrAMissingFileIsAnErrorNamingIt) {
  test::TempDir dir;
  for (const auto& path : {dir.path(), dir / "missing.json"}) {
    try {
      read_file_bytes(path);
      ADD_FAILURE() << path << " was read";
    } catch (const IoError& e) {
      EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace tdq
