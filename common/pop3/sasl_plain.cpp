#include "common/pop3/sasl_plain.h"

#include <sodium.h>

#include <array>
#include <algorithm>

#include "common/limits.h"

namespace pop3d::pop3 {
namespace {

Error refused(std::string_view why) { return make_error(ErrorKind::invalid, std::string(why)); }

bool has_control(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
    });
}

// Wipes the decoded bytes whatever path leaves the function.
struct Wiped {
    std::array<char, limits::sasl_response_line> bytes{};
    ~Wiped() { sodium_memzero(bytes.data(), bytes.size()); }
};

}  // namespace

Result<PlainCredentials> decode_sasl_plain(std::string_view base64) {
    Wiped decoded;
    std::size_t size = 0;
    const char* end = nullptr;
    if (base64.size() > limits::sasl_response_line - 2) return refused("SASL response too long");
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(decoded.bytes.data()),
                          decoded.bytes.size(), base64.data(), base64.size(), nullptr, &size,
                          &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != base64.data() + base64.size()) {
        return refused("invalid base64 in SASL response");
    }
    std::string_view message(decoded.bytes.data(), size);
    std::size_t first = message.find('\0');
    std::size_t second = first == std::string_view::npos ? first : message.find('\0', first + 1);
    if (second == std::string_view::npos || message.find('\0', second + 1) != std::string_view::npos) {
        return refused("malformed PLAIN response");
    }
    std::string_view authzid = message.substr(0, first);
    std::string_view authcid = message.substr(first + 1, second - first - 1);
    std::string_view password = message.substr(second + 1);
    if (authcid.empty() || password.empty()) return refused("empty user name or password");
    if (has_control(authzid) || has_control(authcid)) return refused("invalid user name");
    if (!authzid.empty() && authzid != authcid) {
        return refused("authorization identity must be empty or the user's own");
    }
    PlainCredentials credentials;
    credentials.authzid = authzid;
    credentials.authcid = authcid;
    credentials.password.assign(password);
    return credentials;
}

}  // namespace pop3d::pop3
