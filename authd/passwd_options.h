// The command line of pop3d-passwd, parsed purely.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace pop3d::authd {

enum class PasswdCommand { add, change, remove, verify };
enum class HashLimits { interactive, moderate, sensitive };

struct PasswdOptions {
    bool help = false;
    PasswdCommand command = PasswdCommand::add;
    std::string name;
    std::optional<std::string> config_path;  // -f
    std::optional<std::string> file;         // --file: overrides the configured path
    bool apop = false;                       // --apop: the APOP file instead of users_file
    bool from_stdin = false;                 // --stdin
    std::optional<std::string> owner;        // --owner (users_file only)
    HashLimits limits = HashLimits::interactive;
};

// args without the program name. Errors are usage errors, worded for the user.
Result<PasswdOptions> parse_passwd_options(const std::vector<std::string>& args);

extern const char* const passwd_usage;

}  // namespace pop3d::authd
