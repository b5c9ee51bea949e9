// How the listener hands each session the configuration it validated: the
// text of the file in a sealed memfd on a known descriptor. A session started
// by the listener therefore never sees a file edited after the last good
// load (SIGHUP with a broken file keeps the old configuration for everyone).
// The session hands pop3d-auth, likewise, the sections it needs and no more.
#pragma once

#include <string>
#include <string_view>

#include "common/config.h"
#include "common/result.h"
#include "common/unique_fd.h"

namespace pop3d {

// The file's text, at most limits::config_file bytes. The one reader of a
// configuration file: load_config uses it too.
Result<std::string> read_config_text(const std::string& path);

// A read-only (sealed) memory file holding text, close-on-exec.
Result<UniqueFd> seal_config_text(std::string_view text);

// The sections pop3d-auth is handed: who it runs as, how it checks
// credentials, where it logs. Not the listen addresses, the maildrops or TLS.
inline constexpr std::string_view auth_sections[] = {"privsep", "auth", "log"};

// A sealed copy of config's auth_sections, for pop3d-auth.
Result<UniqueFd> seal_auth_config(const Config& config);

// The path by which another process opens this process's descriptor fd
// (/proc/PID/fd/FD; a sealed copy is close-on-exec, so it is opened by name).
std::string descriptor_path(int fd);

// Parses the configuration held by fd (from offset 0); `name` is the file
// name used in error messages.
Result<Config> load_config_from_fd(int fd, const std::string& name, const FileProbe& probe = file_is_readable);

}  // namespace pop3d
