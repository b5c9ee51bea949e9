#include "common/config_values.h"

#include <arpa/inet.h>

#include "common/limits.h"
#include "common/log.h"

namespace pop3d::config_values {
namespace {

Error refuse(std::string why) { return make_error(ErrorKind::invalid, std::move(why)); }

std::vector<std::string_view> split_words(std::string_view s) {
    std::vector<std::string_view> words;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
        std::size_t start = i;
        while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
        if (i > start) words.push_back(s.substr(start, i - start));
    }
    return words;
}

Result<unsigned long long> parse_number(std::string_view s, unsigned long long min, unsigned long long max) {
    if (s.empty() || s.size() > 20) return refuse("not a number");
    unsigned long long v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return refuse("not a number");
        unsigned digit = static_cast<unsigned>(c - '0');
        if (v > (~0ULL - digit) / 10) return refuse("number out of range");
        v = v * 10 + digit;
    }
    if (v < min || v > max) return refuse("must be between " + std::to_string(min) + " and " + std::to_string(max));
    return v;
}

Result<Endpoint> parse_endpoint(std::string_view s) {
    Endpoint ep;
    std::string_view host;
    std::string_view port;
    if (!s.empty() && s.front() == '[') {
        std::size_t close = s.find(']');
        if (close == std::string_view::npos || close + 1 >= s.size() || s[close + 1] != ':')
            return refuse("bad address '" + std::string(s) + "': want [IPv6]:port");
        host = s.substr(1, close - 1);
        port = s.substr(close + 2);
        ep.ipv6 = true;
    } else {
        std::size_t colon = s.rfind(':');
        if (colon == std::string_view::npos || s.find(':') != colon)
            return refuse("bad address '" + std::string(s) + "': want IPv4:port or [IPv6]:port");
        host = s.substr(0, colon);
        port = s.substr(colon + 1);
    }
    ep.host = std::string(host);
    unsigned char buf[sizeof(struct in6_addr)];
    if (inet_pton(ep.ipv6 ? AF_INET6 : AF_INET, ep.host.c_str(), buf) != 1)
        return refuse("bad address '" + std::string(s) + "': not a numeric IP address");
    // Port 0: the kernel picks a free port, which the listener logs.
    auto p = parse_number(port, 0, 65535);
    if (!p) return refuse("bad port in '" + std::string(s) + "'");
    ep.port = static_cast<uint16_t>(*p);
    return ep;
}

bool has_control_or_space(std::string_view s) {
    for (unsigned char c : s)
        if (c <= ' ' || c == 0x7f) return true;
    return false;
}

Status check_template(std::string_view s) {
    auto expanded = expand_path_template(s, "user", "/home/user");
    if (!expanded) return expanded.error();
    if (auto st = absolute_path(*expanded); !st) return st;
    if (s.find("%u") == std::string_view::npos && s.find("%h") == std::string_view::npos)
        return refuse("must contain %u or %h, or every user shares one maildrop");
    return {};
}

}  // namespace

Result<unsigned long long> Number::parse(std::string_view s) const {
    auto v = parse_number(s, min, max);
    if (!v && why) return refuse(why);
    return v;
}

Result<bool> Bool::parse(std::string_view s) const {
    if (s == "yes" || s == "true" || s == "on" || s == "1") return true;
    if (s == "no" || s == "false" || s == "off" || s == "0") return false;
    return refuse("must be yes or no");
}

Result<std::vector<Endpoint>> Endpoints::parse(std::string_view s) const {
    std::vector<Endpoint> out;
    for (auto word : split_words(s)) {
        auto ep = parse_endpoint(word);
        if (!ep) return ep.error();
        out.push_back(*ep);
    }
    return out;
}

std::string Endpoints::print(const std::vector<Endpoint>& eps) const {
    std::string out;
    for (const auto& ep : eps) {
        if (!out.empty()) out += ' ';
        out += ep.ipv6 ? "[" + ep.host + "]" : ep.host;
        out += ":" + std::to_string(ep.port);
    }
    return out;
}

Result<std::vector<std::size_t>> parse_names(std::string_view s, const std::vector<std::string_view>& names,
                                             bool single) {
    std::vector<std::size_t> out;
    for (auto word : split_words(s)) {
        std::size_t i = 0;
        while (i < names.size() && names[i] != word) ++i;
        if (i == names.size()) {
            std::string all;
            for (auto n : names) all += (all.empty() ? "" : ", ") + std::string(n);
            return refuse("unknown value '" + std::string(word) + "' (one of: " + all + ")");
        }
        for (std::size_t seen : out)
            if (seen == i) return refuse("'" + std::string(word) + "' given twice");
        out.push_back(i);
    }
    if (out.empty()) return refuse("must not be empty");
    if (single && out.size() != 1) return refuse("takes exactly one value");
    return out;
}

Result<std::string> Text::parse(std::string_view s) const {
    if (auto st = check(s); !st) return st.error();
    return std::string(s);
}

Status absolute_path(std::string_view s) {
    if (s.empty()) return refuse("must not be empty");
    if (s.front() != '/') return refuse("must be an absolute path");
    for (unsigned char c : s)
        if (c < ' ' || c == 0x7f) return refuse("control character in path");
    return {};
}

Status absolute_path_or_empty(std::string_view s) { return s.empty() ? Status{} : absolute_path(s); }

Status user_path_template(std::string_view s) { return check_template(s); }

Status user_path_template_or_empty(std::string_view s) { return s.empty() ? Status{} : check_template(s); }

Status account_name(std::string_view s) {
    if (s.empty()) return refuse("must not be empty");
    if (has_control_or_space(s) || s.find(':') != std::string_view::npos)
        return refuse("not a valid user or group name");
    return {};
}

Status host_name(std::string_view s) {
    if (s.empty() || s.size() > limits::hostname || has_control_or_space(s) ||
        s.find_first_of("<>@") != std::string_view::npos)
        return refuse("not a valid host name");
    return {};
}

Status greeting_text(std::string_view s) {
    if (s.size() > limits::greeting_text)
        return refuse("longer than " + std::to_string(limits::greeting_text) + " characters");
    for (unsigned char c : s)
        if (c < ' ' || c == 0x7f) return refuse("control character in greeting");
    return {};
}

Status syslog_facility_name(std::string_view s) {
    if (syslog_facility(s) < 0) return refuse("unknown syslog facility");
    return {};
}

Status syslog_level_name(std::string_view s) {
    if (syslog_level(s) < 0) return refuse("unknown level (debug, info, notice, warning, err)");
    return {};
}

const Names<AuthBackend> backend_names{{"shadow", AuthBackend::shadow}, {"passwd-file", AuthBackend::passwd_file}};
const Names<LockMethod> lock_names{
    {"fcntl", LockMethod::fcntl}, {"dotlock", LockMethod::dotlock}, {"flock", LockMethod::flock}};
const Names<MboxFormat> format_names{{"mboxo", MboxFormat::mboxo}, {"mboxrd", MboxFormat::mboxrd}};
const Names<UidlSource> uidl_names{{"hash", UidlSource::hash}, {"x-uidl", UidlSource::x_uidl}};
const Names<RequireTls> require_tls_names{
    {"no", RequireTls::no}, {"yes", RequireTls::yes}, {"except-loopback", RequireTls::except_loopback}};

Result<std::vector<Network>> Networks::parse(std::string_view s) const {
    std::vector<Network> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
        std::size_t start = i;
        while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
        if (i == start) break;
        auto n = parse_network(s.substr(start, i - start));
        if (!n) return n.error();
        out.push_back(*n);
    }
    return out;
}

std::string Networks::print(const std::vector<Network>& networks) const {
    std::string out;
    for (const auto& n : networks) out += (out.empty() ? "" : " ") + format_network(n);
    return out;
}

}  // namespace pop3d::config_values
