// How the listener hands each session the configuration it validated: the
// text of the file in a sealed memfd on a known descriptor. A session started
// by the listener therefore never sees a file edited after the last good
// load (SIGHUP with a broken file keeps the old configuration for everyone).
#pragma once

#include <string>
#include <string_view>

#include "common/config.h"
#include "common/result.h"
#include "common/unique_fd.h"

namespace pop3d {

// The file's text, at most limits::config_file bytes.
Result<std::string> read_config_text(const std::string& path);

// A read-only (sealed) memory file holding text, close-on-exec.
Result<UniqueFd> seal_config_text(std::string_view text);

// Parses the configuration held by fd (from offset 0); `name` is the file
// name used in error messages.
Result<Config> load_config_from_fd(int fd, const std::string& name);

}  // namespace pop3d
