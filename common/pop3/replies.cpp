#include "common/pop3/replies.h"

#include "common/limits.h"

namespace pop3d::pop3 {
namespace {

std::string line(std::string_view status, std::string_view code, std::string_view text) {
    std::string out(status);
    if (!code.empty()) {
        out += " [";
        out += code;
        out += ']';
    }
    if (!text.empty()) {
        out += ' ';
        out += text;
    }
    if (out.size() > limits::reply_line - 2) out.resize(limits::reply_line - 2);
    out += "\r\n";
    return out;
}

std::string_view code_text(ResponseCode code) {
    switch (code) {
    case ResponseCode::none: return {};
    case ResponseCode::in_use: return "IN-USE";
    case ResponseCode::login_delay: return "LOGIN-DELAY";
    case ResponseCode::sys_temp: return "SYS/TEMP";
    case ResponseCode::sys_perm: return "SYS/PERM";
    case ResponseCode::auth: return "AUTH";
    }
    return {};
}

}  // namespace

std::string ok(std::string_view text) { return line("+OK", {}, text); }

std::string err(std::string_view text) { return line("-ERR", {}, text); }

std::string err(ResponseCode code, std::string_view text) {
    return line("-ERR", code_text(code), text);
}

ResponseCode response_code(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::invalid: return ResponseCode::none;
    case ErrorKind::temporary: return ResponseCode::sys_temp;
    case ErrorKind::permanent: return ResponseCode::sys_perm;
    case ErrorKind::in_use: return ResponseCode::in_use;
    }
    return ResponseCode::none;
}

}  // namespace pop3d::pop3
