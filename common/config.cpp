#include "common/config.h"

#include <ini.h>
#include <unistd.h>

#include <cstring>
#include <map>
#include <optional>

#include "common/config_handoff.h"
#include "common/config_keys.h"
#include "common/limits.h"

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

std::optional<std::string> Loader::set(const std::string& section, const std::string& key, std::string_view v) {
    const ConfigKey* row = find_config_key(section, key);
    if (!row) return std::nullopt;
    std::optional<std::string> why = row->parse(v, config);
    // `pop3d -t` and the listener's hand-over write each key back as
    // "key = value"; that line must load again, so it too must fit in a
    // line ("key=value" written without spaces could be two longer).
    if (why && why->empty() && key_line(row->key, row->print(config)).size() - 1 > limits::config_line)
        return "too long: written back as '" + key + " = ...' it is over " + std::to_string(limits::config_line) +
               " characters";
    return why;
}

bool known_section(const std::string& section) {
    for (const auto& s : config_sections())
        if (section == s.name) return true;
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
    // inih keeps a ';' right after '=' in the value, but after a space it
    // starts a comment: such a value would not survive being written back
    // as "key = value" (pop3d -t, pop3d -K sample).
    if (value[0] == ';') {
        loader->fail(line, k + ": a value may not begin with ';' (after a space it starts a comment)");
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

int line_of(const Loader& ld, const char* id) {
    auto it = ld.lines.find(id);
    return it == ld.lines.end() ? 0 : it->second;
}

// Rules that tie several keys together, checked once the whole file is read.
void check_whole(Loader& ld, const FileProbe& probe) {
    const Config& c = ld.config;
    if (c.server.max_prelogin_start > c.server.max_prelogin)
        ld.fail(line_of(ld, "server.max_prelogin_start"), "max_prelogin_start: more than max_prelogin");
    if (c.server.listen.empty() && c.server.tls_listen.empty() && c.server.proxy_listen.empty() &&
        c.server.proxy_tls_listen.empty())
        ld.fail(line_of(ld, "server.listen"), "listen: no address to listen on");
    // Without proxy_from every peer could name any client address.
    if ((!c.server.proxy_listen.empty() || !c.server.proxy_tls_listen.empty()) && c.server.proxy_from.empty())
        ld.fail(line_of(ld, c.server.proxy_listen.empty() ? "server.proxy_tls_listen" : "server.proxy_listen"),
                "proxy_listen: needs proxy_from, the networks of the load balancers");
    if (c.tls.cert.empty() != c.tls.key.empty())
        ld.fail(line_of(ld, c.tls.cert.empty() ? "tls.key" : "tls.cert"), "tls: cert and key go together");
    if (!c.tls_configured()) {
        if (!c.server.tls_listen.empty())
            ld.fail(line_of(ld, "server.tls_listen"), "tls_listen: needs [tls] cert and key");
        if (!c.server.proxy_tls_listen.empty())
            ld.fail(line_of(ld, "server.proxy_tls_listen"), "proxy_tls_listen: needs [tls] cert and key");
        if (c.tls.require_tls == RequireTls::yes)
            ld.fail(line_of(ld, "tls.require_tls"), "require_tls: needs [tls] cert and key");
    } else {
        if (!probe(c.tls.cert)) ld.fail(line_of(ld, "tls.cert"), "cert: cannot read " + c.tls.cert);
        if (!probe(c.tls.key)) ld.fail(line_of(ld, "tls.key"), "key: cannot read " + c.tls.key);
        if (c.tls.require_tls == RequireTls::yes && !c.tls.stls && c.server.tls_listen.empty())
            ld.fail(line_of(ld, "tls.require_tls"),
                    "require_tls: with stls = no, needs tls_listen, or nobody can log in");
    }
}

}  // namespace

bool file_is_readable(const std::string& path) { return access(path.c_str(), R_OK) == 0; }

Config default_config() {
    Config c;
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

Result<Config> load_config(const std::string& path, const FileProbe& probe) {
    auto text = read_config_text(path);
    if (!text) return text.error();
    return parse_config(*text, path, probe);
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

std::string format_config_sections(const Config& config, std::span<const std::string_view> sections) {
    std::string out;
    for (const auto& section : sections) {
        out += (out.empty() ? "[" : "\n[") + std::string(section) + "]\n";
        for (const auto& row : config_keys())
            if (row.section == section) out += key_line(row.key, row.print(config));
    }
    return out;
}

std::string format_config(const Config& config) {
    std::vector<std::string_view> all;
    for (const auto& section : config_sections()) all.push_back(section.name);
    return format_config_sections(config, all);
}

}  // namespace pop3d
