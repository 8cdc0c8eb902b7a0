#pragma once
// The core names config fields in its errors ("quant.w_bits = 9: bits must be in 2..8"); the CLI
// speaks of its flags ("--wbits 9: bits must be in 2..8"). One table in cli_errors.cpp maps one to
// the other, per command where a field has a different flag in one command.
#include <exception>
#include <string>

namespace tdq::cli {

// The flag `command` ("quantize", "fid", ...) sets `field` with, or "" when it has none.
std::string flag_of_field(const std::string& command, const std::string& field);

// The one line `tdq` prints for an error of `command`: a ConfigError about a field the command has
// a flag for names the flag and the value, any other error reads as its what().
std::string error_message(const std::exception& error, const std::string& command);

// Exit status of a failed command: 2 for a usage error, i.e. a ConfigError about a field the
// command has a flag for (a flag's value the run cannot use: `--override` matching no layer, a
// budget below every candidate), as for flags CLI11 itself refuses; 1 for any other error (files,
// data, a damaged run).
int exit_code(const std::exception& error, const std::string& command);

}  // namespace tdq::cli
