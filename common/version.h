// The server's name and version, as CAPA IMPLEMENTATION (RFC 2449) and the
// programs' --version report them.
#pragma once

#include <string_view>

namespace pop3d {

inline constexpr std::string_view program_name = "pop3d";
inline constexpr std::string_view program_version = "0.1";

}  // namespace pop3d
