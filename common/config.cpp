#include "common/config.h"

#include <arpa/inet.h>
#include <ini.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "common/limits.h"
#include "common/log.h"

namespace pop3d {
namespace {

// Feeds inih one line at a time so the loader knows the line each key is on.
struct LineReader {
    std::string_view text;
    std::size_t pos = 0;
    int line = 0;
};

char* read_line(char* out, int size, void* stream) {
    auto* r = static_cast<LineReader*>(stream);
    if (r->pos >= r->text.size() || size < 2) return nullptr;
    std::size_t end = r->text.find('\n', r->pos);
    std::size_t stop = end == std::string_view::npos ? r->text.size() : end + 1;
    // parse_config has refused lines longer than inih's buffer, so a line
    // always arrives whole and one call is one line.
    std::size_t n = std::min<std::size_t>(stop - r->pos, static_cast<std::size_t>(size - 1));
    std::memcpy(out, r->text.data() + r->pos, n);
    out[n] = '\0';
    r->pos += n;
    ++r->line;
    return out;
}

Result<unsigned long long> parse_number(std::string_view s, unsigned long long min,
                                        unsigned long long max) {
    if (s.empty() || s.size() > 20) return make_error(ErrorKind::invalid, "not a number");
    unsigned long long v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return make_error(ErrorKind::invalid, "not a number");
        unsigned digit = static_cast<unsigned>(c - '0');
        if (v > (~0ULL - digit) / 10) return make_error(ErrorKind::invalid, "number out of range");
        v = v * 10 + digit;
    }
    if (v < min || v > max)
        return make_error(ErrorKind::invalid, "must be between " + std::to_string(min) +
                                                  " and " + std::to_string(max));
    return v;
}

Result<bool> parse_bool(std::string_view s) {
    if (s == "yes" || s == "true" || s == "on" || s == "1") return true;
    if (s == "no" || s == "false" || s == "off" || s == "0") return false;
    return make_error(ErrorKind::invalid, "must be yes or no");
}

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

Result<Endpoint> parse_endpoint(std::string_view s) {
    Endpoint ep;
    std::string_view host;
    std::string_view port;
    if (!s.empty() && s.front() == '[') {
        std::size_t close = s.find(']');
        if (close == std::string_view::npos || close + 1 >= s.size() || s[close + 1] != ':')
            return make_error(ErrorKind::invalid, "bad address '" + std::string(s) +
                                                      "': want [IPv6]:port");
        host = s.substr(1, close - 1);
        port = s.substr(close + 2);
        ep.ipv6 = true;
    } else {
        std::size_t colon = s.rfind(':');
        if (colon == std::string_view::npos || s.find(':') != colon)
            return make_error(ErrorKind::invalid, "bad address '" + std::string(s) +
                                                      "': want IPv4:port or [IPv6]:port");
        host = s.substr(0, colon);
        port = s.substr(colon + 1);
    }
    ep.host = std::string(host);
    unsigned char buf[sizeof(struct in6_addr)];
    if (inet_pton(ep.ipv6 ? AF_INET6 : AF_INET, ep.host.c_str(), buf) != 1)
        return make_error(ErrorKind::invalid, "bad address '" + std::string(s) +
                                                  "': not a numeric IP address");
    auto p = parse_number(port, 1, 65535);
    if (!p) return make_error(ErrorKind::invalid, "bad port in '" + std::string(s) + "'");
    ep.port = static_cast<uint16_t>(*p);
    return ep;
}

Result<std::vector<Endpoint>> parse_endpoints(std::string_view s) {
    std::vector<Endpoint> out;
    for (auto word : split_words(s)) {
        auto ep = parse_endpoint(word);
        if (!ep) return ep.error();
        out.push_back(*ep);
    }
    return out;
}

// A list of distinct names, each mapped through `names`.
template <class T>
Result<std::vector<T>> parse_choices(std::string_view s,
                                     const std::vector<std::pair<std::string_view, T>>& names,
                                     bool allow_empty) {
    std::vector<T> out;
    for (auto word : split_words(s)) {
        bool found = false;
        for (const auto& [name, value] : names) {
            if (word != name) continue;
            for (T seen : out)
                if (seen == value)
                    return make_error(ErrorKind::invalid, "'" + std::string(word) + "' given twice");
            out.push_back(value);
            found = true;
        }
        if (!found) {
            std::string all;
            for (const auto& n : names) all += (all.empty() ? "" : ", ") + std::string(n.first);
            return make_error(ErrorKind::invalid,
                              "unknown value '" + std::string(word) + "' (one of: " + all + ")");
        }
    }
    if (out.empty() && !allow_empty) return make_error(ErrorKind::invalid, "must not be empty");
    return out;
}

template <class T>
Result<T> parse_choice(std::string_view s, const std::vector<std::pair<std::string_view, T>>& names) {
    auto list = parse_choices(s, names, false);
    if (!list) return list.error();
    if (list->size() != 1) return make_error(ErrorKind::invalid, "takes exactly one value");
    return list->front();
}

const std::vector<std::pair<std::string_view, AuthBackend>> backend_names{
    {"shadow", AuthBackend::shadow}, {"passwd-file", AuthBackend::passwd_file}};
const std::vector<std::pair<std::string_view, LockMethod>> lock_names{
    {"fcntl", LockMethod::fcntl}, {"dotlock", LockMethod::dotlock}, {"flock", LockMethod::flock}};
const std::vector<std::pair<std::string_view, MboxFormat>> format_names{
    {"mboxo", MboxFormat::mboxo}, {"mboxrd", MboxFormat::mboxrd}};
const std::vector<std::pair<std::string_view, UidlSource>> uidl_names{
    {"hash", UidlSource::hash}, {"x-uidl", UidlSource::x_uidl}};

template <class T>
std::string_view name_of(T value, const std::vector<std::pair<std::string_view, T>>& names) {
    for (const auto& [name, v] : names)
        if (v == value) return name;
    return "?";
}

bool has_control_or_space(std::string_view s) {
    for (unsigned char c : s)
        if (c <= ' ' || c == 0x7f) return true;
    return false;
}

Status check_path(std::string_view s, bool allow_empty) {
    if (s.empty()) {
        if (allow_empty) return {};
        return make_error(ErrorKind::invalid, "must not be empty");
    }
    if (s.front() != '/') return make_error(ErrorKind::invalid, "must be an absolute path");
    for (unsigned char c : s)
        if (c < ' ' || c == 0x7f) return make_error(ErrorKind::invalid, "control character in path");
    return {};
}

Status check_template(std::string_view s, bool allow_empty, bool needs_user) {
    if (s.empty() && allow_empty) return {};
    auto expanded = expand_path_template(s, "user", "/home/user");
    if (!expanded) return expanded.error();
    if (auto st = check_path(*expanded, false); !st) return st;
    if (needs_user && s.find("%u") == std::string_view::npos && s.find("%h") == std::string_view::npos)
        return make_error(ErrorKind::invalid, "must contain %u or %h, or every user shares one maildrop");
    return {};
}

Status check_name(std::string_view s) {
    if (s.empty()) return make_error(ErrorKind::invalid, "must not be empty");
    if (has_control_or_space(s) || s.find(':') != std::string_view::npos)
        return make_error(ErrorKind::invalid, "not a valid user or group name");
    return {};
}

Status check_facility(std::string_view v) {
    if (syslog_facility(v) < 0) return make_error(ErrorKind::invalid, "unknown syslog facility");
    return {};
}

Status check_level(std::string_view v) {
    if (syslog_level(v) < 0)
        return make_error(ErrorKind::invalid, "unknown level (debug, info, notice, warning, err)");
    return {};
}

struct Loader {
    Config config;
    std::string name;
    LineReader reader;
    std::map<std::string, int> lines;  // "section.key" -> line it was set on
    std::string first_error;
    int first_error_line = 0;

    void fail(int line, const std::string& why) {
        if (!first_error.empty()) return;
        first_error = why;
        first_error_line = line;
    }

    // Returns the reason the value is wrong, "" when it was taken, and
    // nothing when the section has no such key.
    std::optional<std::string> set(const std::string& section, const std::string& key, std::string_view v);
};

template <class T>
std::string take(Result<T> r, T& out) {
    if (!r) return r.error().message;
    out = std::move(*r);
    return "";
}

std::string take_if(Status st, std::string_view v, std::string& out) {
    if (!st) return st.error().message;
    out = std::string(v);
    return "";
}

template <class T>
std::string take_number(std::string_view v, unsigned long long min, unsigned long long max, T& out) {
    auto r = parse_number(v, min, max);
    if (!r) return r.error().message;
    out = static_cast<T>(*r);
    return "";
}

std::optional<std::string> Loader::set(const std::string& section, const std::string& key, std::string_view v) {
    auto& s = config.server;
    auto& p = config.privsep;
    auto& a = config.auth;
    auto& m = config.mail;
    auto& t = config.tls;
    auto& l = config.log;
    const unsigned long long uint_max = 0xffffffffULL;
    if (section == "server") {
        if (key == "listen") return take(parse_endpoints(v), s.listen);
        if (key == "tls_listen") return take(parse_endpoints(v), s.tls_listen);
        if (key == "hostname") {
            if (v.empty() || v.size() > limits::hostname || has_control_or_space(v) ||
                v.find_first_of("<>@") != std::string_view::npos)
                return "not a valid host name";
            s.hostname = std::string(v);
            return "";
        }
        if (key == "max_sessions") return take_number(v, 1, 1000000, s.max_sessions);
        if (key == "max_sessions_per_ip") return take_number(v, 1, 1000000, s.max_sessions_per_ip);
        if (key == "autologout")
            return take_number(v, 600, 86400, s.autologout).empty()
                       ? ""
                       : "must be between 600 and 86400 seconds (RFC 1939 section 3: at least 10 minutes)";
        if (key == "pid_file") return take_if(check_path(v, false), v, s.pid_file);
        if (key == "greeting") {
            if (v.size() > limits::greeting_text) return "longer than " + std::to_string(limits::greeting_text) + " characters";
            for (unsigned char c : v)
                if (c < ' ' || c == 0x7f) return "control character in greeting";
            s.greeting = std::string(v);
            return "";
        }
    } else if (section == "privsep") {
        if (key == "user") return take_if(check_name(v), v, p.user);
        if (key == "chroot") return take_if(check_path(v, false), v, p.chroot);
        if (key == "auth_user") return take_if(check_name(v), v, p.auth_user);
        if (key == "auth_group") return take_if(check_name(v), v, p.auth_group);
    } else if (section == "auth") {
        if (key == "backends") return take(parse_choices(v, backend_names, false), a.backends);
        if (key == "users_file") return take_if(check_path(v, false), v, a.users_file);
        if (key == "apop_file") return take_if(check_path(v, true), v, a.apop_file);
        if (key == "min_uid") return take_number(v, 1, uint_max - 1, a.min_uid);
        if (key == "failure_delay") return take_number(v, 0, 60, a.failure_delay);
        if (key == "max_attempts") return take_number(v, 1, 100, a.max_attempts);
    } else if (section == "mail") {
        if (key == "maildrop") return take_if(check_template(v, false, true), v, m.maildrop);
        if (key == "state_dir") return take_if(check_template(v, true, true), v, m.state_dir);
        if (key == "locking") return take(parse_choices(v, lock_names, false), m.locking);
        if (key == "lock_timeout") return take_number(v, 1, 3600, m.lock_timeout);
        if (key == "lock_session") return take(parse_bool(v), m.lock_session);
        if (key == "mbox_format") return take(parse_choice(v, format_names), m.mbox_format);
        if (key == "uidl") return take(parse_choice(v, uidl_names), m.uidl);
        if (key == "max_messages") return take_number(v, 0, uint_max, m.max_messages);
        if (key == "max_mailbox_bytes") return take_number(v, 0, ~0ULL, m.max_mailbox_bytes);
    } else if (section == "tls") {
        if (key == "cert") return take_if(check_path(v, true), v, t.cert);
        if (key == "key") return take_if(check_path(v, true), v, t.key);
        if (key == "stls") return take(parse_bool(v), t.stls);
        if (key == "require_tls") return take(parse_bool(v), t.require_tls);
    } else if (section == "log") {
        if (key == "facility") return take_if(check_facility(v), v, l.facility);
        if (key == "level") return take_if(check_level(v), v, l.level);
    }
    return std::nullopt;
}

bool known_section(const std::string& section) {
    for (const char* s : {"server", "privsep", "auth", "mail", "tls", "log"})
        if (section == s) return true;
    return false;
}

int on_key(void* user, const char* section, const char* key, const char* value) {
    auto* loader = static_cast<Loader*>(user);
    int line = loader->reader.line;
    std::string sec(section);
    std::string k(key);
    if (sec.empty()) {
        loader->fail(line, "key '" + k + "' outside a section");
        return 0;
    }
    std::string id = sec + "." + k;
    if (loader->lines.count(id)) {
        loader->fail(line, "'" + k + "' already set on line " + std::to_string(loader->lines[id]));
        return 0;
    }
    loader->lines[id] = line;
    if (!known_section(sec)) {
        loader->fail(line, "unknown section [" + sec + "]");
        return 0;
    }
    auto why = loader->set(sec, k, value);
    if (!why) {
        loader->fail(line, "unknown key '" + k + "' in [" + sec + "]");
        return 0;
    }
    if (!why->empty()) {
        loader->fail(line, k + ": " + *why);
        return 0;
    }
    return 1;
}

// Rules that tie several keys together, checked once the whole file is read.
void check_whole(Loader& ld, const FileProbe& probe) {
    const Config& c = ld.config;
    auto line_of = [&](const char* id) {
        auto it = ld.lines.find(id);
        return it == ld.lines.end() ? 0 : it->second;
    };
    if (c.server.listen.empty() && c.server.tls_listen.empty())
        ld.fail(line_of("server.listen"), "listen: no address to listen on");
    if (c.tls.cert.empty() != c.tls.key.empty())
        ld.fail(line_of(c.tls.cert.empty() ? "tls.key" : "tls.cert"), "tls: cert and key go together");
    if (!c.tls_configured()) {
        if (!c.server.tls_listen.empty())
            ld.fail(line_of("server.tls_listen"), "tls_listen: needs [tls] cert and key");
        if (c.tls.require_tls)
            ld.fail(line_of("tls.require_tls"), "require_tls: needs [tls] cert and key");
    } else {
        if (!probe(c.tls.cert)) ld.fail(line_of("tls.cert"), "cert: cannot read " + c.tls.cert);
        if (!probe(c.tls.key)) ld.fail(line_of("tls.key"), "key: cannot read " + c.tls.key);
        if (c.tls.require_tls && !c.tls.stls && c.server.tls_listen.empty())
            ld.fail(line_of("tls.require_tls"),
                    "require_tls: with stls = no, needs tls_listen, or nobody can log in");
    }
}

}  // namespace

bool file_is_readable(const std::string& path) { return access(path.c_str(), R_OK) == 0; }

Config default_config() {
    Config c;
    c.server.listen = {Endpoint{"0.0.0.0", 110, false}, Endpoint{"::", 110, true}};
    char host[limits::hostname + 1] = {};
    if (gethostname(host, sizeof host - 1) == 0 && host[0] != '\0')
        c.server.hostname = host;
    else
        c.server.hostname = "localhost";
    return c;
}

Result<Config> parse_config(std::string_view text, const std::string& name, const FileProbe& probe) {
    Loader ld;
    ld.config = default_config();
    ld.name = name;
    auto fail_at = [&](int line, const std::string& why) {
        return make_error(ErrorKind::invalid, name + ":" + std::to_string(line) + ": " + why);
    };
    // inih cuts long lines and stops at NUL bytes without a word; refuse both.
    int line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i <= text.size(); ++i) {
        if (i < text.size() && text[i] == '\0') return fail_at(line, "NUL byte in the file");
        if (i == text.size() || text[i] == '\n') {
            std::size_t len = i - line_start;
            if (len > 0 && text[line_start + len - 1] == '\r') --len;
            if (len > limits::config_line)
                return fail_at(line, "line longer than " + std::to_string(limits::config_line) + " characters");
            ++line;
            line_start = i + 1;
        }
    }
    ld.reader.text = text;
    int rc = ini_parse_stream(read_line, &ld.reader, on_key, &ld);
    if (rc < 0) return make_error(ErrorKind::invalid, name + ": cannot parse");
    if (!ld.first_error.empty()) return fail_at(ld.first_error_line, ld.first_error);
    if (rc > 0) return fail_at(rc, "syntax error (want [section] or key = value)");
    check_whole(ld, probe);
    if (!ld.first_error.empty()) return fail_at(ld.first_error_line, ld.first_error);
    return ld.config;
}

Result<Config> load_config(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(ErrorKind::invalid, path + ": cannot open: " + std::strerror(errno));
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) return make_error(ErrorKind::invalid, path + ": cannot read");
    return parse_config(buf.str(), path);
}

Result<std::string> expand_path_template(std::string_view tmpl, std::string_view user,
                                         std::string_view home) {
    std::string out;
    for (std::size_t i = 0; i < tmpl.size(); ++i) {
        if (tmpl[i] != '%') {
            out += tmpl[i];
            continue;
        }
        if (i + 1 >= tmpl.size()) return make_error(ErrorKind::invalid, "template ends in '%'");
        char c = tmpl[++i];
        if (c == 'u')
            out += user;
        else if (c == 'h')
            out += home;
        else if (c == '%')
            out += '%';
        else
            return make_error(ErrorKind::invalid, std::string("unknown escape '%") + c + "' (use %u, %h or %%)");
    }
    return out;
}

std::string format_config(const Config& c) {
    auto endpoints = [](const std::vector<Endpoint>& eps) {
        std::string out;
        for (const auto& ep : eps) {
            if (!out.empty()) out += ' ';
            out += ep.ipv6 ? "[" + ep.host + "]" : ep.host;
            out += ":" + std::to_string(ep.port);
        }
        return out;
    };
    auto names = [](const auto& list, const auto& table) {
        std::string out;
        for (auto v : list) out += (out.empty() ? "" : " ") + std::string(name_of(v, table));
        return out;
    };
    auto yn = [](bool b) { return b ? "yes" : "no"; };
    std::ostringstream o;
    o << "[server]\n"
      << "listen = " << endpoints(c.server.listen) << "\n"
      << "tls_listen = " << endpoints(c.server.tls_listen) << "\n"
      << "hostname = " << c.server.hostname << "\n"
      << "max_sessions = " << c.server.max_sessions << "\n"
      << "max_sessions_per_ip = " << c.server.max_sessions_per_ip << "\n"
      << "autologout = " << c.server.autologout << "\n"
      << "pid_file = " << c.server.pid_file << "\n"
      << "greeting = " << c.server.greeting << "\n\n"
      << "[privsep]\n"
      << "user = " << c.privsep.user << "\n"
      << "chroot = " << c.privsep.chroot << "\n"
      << "auth_user = " << c.privsep.auth_user << "\n"
      << "auth_group = " << c.privsep.auth_group << "\n\n"
      << "[auth]\n"
      << "backends = " << names(c.auth.backends, backend_names) << "\n"
      << "users_file = " << c.auth.users_file << "\n"
      << "apop_file = " << c.auth.apop_file << "\n"
      << "min_uid = " << c.auth.min_uid << "\n"
      << "failure_delay = " << c.auth.failure_delay << "\n"
      << "max_attempts = " << c.auth.max_attempts << "\n\n"
      << "[mail]\n"
      << "maildrop = " << c.mail.maildrop << "\n"
      << "state_dir = " << c.mail.state_dir << "\n"
      << "locking = " << names(c.mail.locking, lock_names) << "\n"
      << "lock_timeout = " << c.mail.lock_timeout << "\n"
      << "lock_session = " << yn(c.mail.lock_session) << "\n"
      << "mbox_format = " << name_of(c.mail.mbox_format, format_names) << "\n"
      << "uidl = " << name_of(c.mail.uidl, uidl_names) << "\n"
      << "max_messages = " << c.mail.max_messages << "\n"
      << "max_mailbox_bytes = " << c.mail.max_mailbox_bytes << "\n\n"
      << "[tls]\n"
      << "cert = " << c.tls.cert << "\n"
      << "key = " << c.tls.key << "\n"
      << "stls = " << yn(c.tls.stls) << "\n"
      << "require_tls = " << yn(c.tls.require_tls) << "\n\n"
      << "[log]\n"
      << "facility = " << c.log.facility << "\n"
      << "level = " << c.log.level << "\n";
    return o.str();
}

}  // namespace pop3d
