#include "common/pop3/apop.h"

#include <openssl/evp.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>

#include "common/limits.h"
#include "common/pop3/replies.h"

namespace pop3d::pop3 {
namespace {

constexpr std::size_t md5_size = 16;
constexpr char hex_digits[] = "0123456789abcdef";

bool hostname_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '-';
}

Result<std::array<unsigned char, md5_size>> md5(std::string_view a, std::string_view b) {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                &EVP_MD_CTX_free);
    std::array<unsigned char, md5_size> digest{};
    unsigned int size = 0;
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_md5(), nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), a.data(), a.size()) != 1 ||
        EVP_DigestUpdate(ctx.get(), b.data(), b.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), digest.data(), &size) != 1 || size != md5_size) {
        return make_error(ErrorKind::permanent, "MD5 is not available from OpenSSL");
    }
    return digest;
}

}  // namespace

std::string make_apop_timestamp(pid_t pid, std::time_t now, std::string_view hostname) {
    std::uint64_t random = 0;
    randombytes_buf(&random, sizeof random);
    // RFC 822 msg-id: the domain is atoms joined by single dots, so empty
    // labels (a trailing dot of an FQDN, "..") are dropped.
    std::string host;
    for (char c : hostname.substr(0, limits::hostname)) {
        if (c == '.' && (host.empty() || host.back() == '.')) continue;
        host += hostname_char(c) ? c : '-';
    }
    if (!host.empty() && host.back() == '.') host.pop_back();
    if (host.empty()) host = "localhost";
    return "<" + std::to_string(pid) + "." + std::to_string(now) + "." + std::to_string(random) +
           "@" + host + ">";
}

std::string greeting_reply(std::string_view text, std::string_view timestamp) {
    // "+OK " + text + " " + timestamp + CRLF: the text gives way so that
    // the timestamp is never cut.
    std::size_t room = limits::reply_line - 2 - 4;
    room = timestamp.size() + 1 < room ? room - timestamp.size() - 1 : 0;
    std::string line(text.substr(0, std::min(room, limits::greeting_text)));
    for (char& c : line) {
        // Clients take the first "<...>" of the greeting for the APOP
        // challenge: the configured text must not offer one.
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '<' || c == '>') c = ' ';
        // RFC 2449 section 6.4: under RESP-CODES a text that begins with
        // "[" is a response code; the configured text must not look like one.
        if (c == '[') c = '(';
        if (c == ']') c = ')';
    }
    if (!timestamp.empty()) {
        if (!line.empty()) line += ' ';
        line += timestamp;
    }
    return ok(line);
}

Result<std::string> apop_digest(std::string_view timestamp, std::string_view secret) {
    auto digest = md5(timestamp, secret);
    if (!digest) return digest.error();
    std::string hex;
    for (unsigned char byte : *digest) {
        hex += hex_digits[byte >> 4];
        hex += hex_digits[byte & 0xf];
    }
    sodium_memzero(digest->data(), digest->size());
    return hex;
}

bool apop_digest_matches(std::string_view timestamp, std::string_view secret,
                         std::string_view digest) {
    if (digest.size() != 2 * md5_size) return false;
    std::array<char, 2 * md5_size> given{};
    for (std::size_t i = 0; i < digest.size(); ++i) {
        char c = digest[i];
        if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
        given[i] = c;
    }
    auto expected = apop_digest(timestamp, secret);
    if (!expected) return false;
    bool match = sodium_memcmp(expected->data(), given.data(), given.size()) == 0;
    sodium_memzero(expected->data(), expected->size());
    return match;
}

}  // namespace pop3d::pop3
