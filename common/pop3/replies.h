// Building reply lines: "+OK" and "-ERR" in upper case, RFC 3206 response
// codes in brackets, every line CRLF-terminated and within limits::reply_line
// octets (RFC 2449). Texts are the server's own; client bytes never reach a
// reply.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace pop3d::pop3 {

// RFC 2449 section 8 and RFC 3206.
enum class ResponseCode { none, in_use, login_delay, sys_temp, sys_perm, auth };

// "+OK text\r\n" (just "+OK\r\n" for empty text). The text is cut so that
// the line fits limits::reply_line.
std::string ok(std::string_view text = {});
// "-ERR [CODE] text\r\n", "-ERR text\r\n" for ResponseCode::none.
std::string err(std::string_view text);
std::string err(ResponseCode code, std::string_view text);

// The response code an error kind carries to a client: in_use -> [IN-USE],
// temporary -> [SYS/TEMP], permanent -> [SYS/PERM], invalid -> none.
ResponseCode response_code(ErrorKind kind);

// The terminating line of a multi-line response.
inline constexpr std::string_view multiline_end = ".\r\n";

}  // namespace pop3d::pop3
