#pragma once
// Leftovers of writers stopped by a kill, a crash or a power cut. Run folders are written to
// `<run>.tmp/` and renamed when complete (RunFolderWriter), files to `<file>.tmp.<pid>` and renamed
// (write_file_atomic); a writer that dies leaves those behind, never a half-written run. They are
// found here so that commands can say so and `tdq clean` (and the workbench) can remove them.
#include <filesystem>
#include <vector>

namespace tdq {

// The file in a `<run>.tmp/` folder that names its writer's process.
constexpr const char* kWriterPidFile = ".writer-pid";

// Stale entries directly inside `dir`: `*.tmp` folders whose writer process is gone (or that do
// not name one) and `*.tmp.<pid>` files whose process is gone. A live writer's are never listed.
// Sorted; empty for a folder that does not exist.
std::vector<std::filesystem::path> stale_temporaries(const std::filesystem::path& dir);

// Removes what stale_temporaries lists; returns it. IoError naming an entry that cannot go.
std::vector<std::filesystem::path> remove_stale_temporaries(const std::filesystem::path& dir);

// Whether a process with this id runs (on this machine).
bool process_alive(long pid);

}  // namespace tdq
