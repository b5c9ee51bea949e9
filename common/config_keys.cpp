#include "common/config_keys.h"

#include <type_traits>
#include <vector>

#include "common/config_values.h"

namespace pop3d {
namespace {

using namespace config_values;

// One row: the key's field is config.*part.*field, its value of kind `kind`.
template <class Part, class T, class Kind>
ConfigKey key(std::string_view section, std::string_view name, Part Config::*part, T Part::*field, Kind kind,
              std::string_view doc, const char* example = nullptr) {
    auto parse = [=](std::string_view value, Config& config) -> std::string {
        auto parsed = kind.parse(value);
        if (!parsed) return parsed.error().message;
        config.*part.*field = static_cast<T>(std::move(*parsed));
        return "";
    };
    auto print = [=](const Config& config) { return kind.print(config.*part.*field); };
    ConfigKey row{section, name, parse, print, doc, example};
    if constexpr (std::is_same_v<Kind, Number>) row.range = std::pair{kind.min, kind.max};
    return row;
}

const std::vector<ConfigSection> sections{
    {"server", "The listener: where it listens and how many sessions it runs."},
    {"privsep", "Who the unprivileged parts run as."},
    {"auth", "How credentials are checked (by pop3d-auth)."},
    {"mail", "The maildrops: where they are, how they are locked and read."},
    {"tls", "TLS: cert and key are read for every connection (a renewed pair needs no reload); the key never reaches the front."},
    {"log", "Where the log goes (syslog)."},
};

std::vector<ConfigKey> make_keys() {
    using C = Config;
    using S = ServerConfig;
    using P = PrivsepConfig;
    using A = AuthConfig;
    using M = MailConfig;
    using T = TlsConfig;
    using L = LogConfig;
    const unsigned long long uint_max = 0xffffffffULL;
    return {
        key("server", "listen", &C::server, &S::listen, Endpoints{},
            "Space-separated IPv4:port and [IPv6]:port; port 0: a free port, named in the log."),
        key("server", "tls_listen", &C::server, &S::tls_listen, Endpoints{},
            "Implicit TLS (port 995, RFC 8314); needs [tls] cert and key."),
        key("server", "proxy_listen", &C::server, &S::proxy_listen, Endpoints{},
            "Addresses for a load balancer: each connection starts with a PROXY header (v1 or v2)."),
        key("server", "proxy_tls_listen", &C::server, &S::proxy_tls_listen, Endpoints{},
            "The same for implicit TLS (PROXY header, then the handshake); needs [tls] cert and key."),
        key("server", "proxy_from", &C::server, &S::proxy_from, Networks{},
            "Networks (CIDR) a PROXY header is taken from; required with proxy_listen or proxy_tls_listen."),
        key("server", "proxy_header_timeout", &C::server, &S::proxy_header_timeout, Number{1, 60},
            "Seconds a load balancer has to send the whole PROXY header."),
        key("server", "hostname", &C::server, &S::hostname, Text{host_name},
            "Used in the APOP timestamp; default: the name gethostname() returns.", "mail.example.org"),
        key("server", "max_sessions", &C::server, &S::max_sessions, Number{1, 1000000},
            "Sessions at once, over all addresses."),
        key("server", "max_sessions_per_ip", &C::server, &S::max_sessions_per_ip, Number{1, 1000000},
            "Sessions at once per client address; an IPv6 client counts by its /64."),
        key("server", "autologout", &C::server, &S::autologout,
            Number{600, 86400, "must be between 600 and 86400 seconds (RFC 1939 section 3: at least 10 minutes)"},
            "Idle seconds before a session ends without UPDATE (RFC 1939: at least 600)."),
        key("server", "min_send_rate", &C::server, &S::min_send_rate, Number{0, 1000000000},
            "Bytes/s a client must take while a reply waits (over send_rate_window; 0: off), else the session ends "
            "without UPDATE. 300: far below a phone on a bad link (GPRS: ~2000 bytes/s)."),
        key("server", "send_rate_window", &C::server, &S::send_rate_window, Number{1, 3600},
            "Seconds of sending over which min_send_rate is averaged (not the time between commands); 60 rides "
            "out a phone's stall in a handover or a tunnel."),
        key("server", "login_timeout", &C::server, &S::login_timeout, Number{1, 86400},
            "Seconds from connect to login, in all; idle waits stay bounded by autologout."),
        key("server", "max_prelogin_start", &C::server, &S::max_prelogin_start, Number{1, 1000000},
            "Sessions not logged in yet from which new ones are dropped at random, more often towards max_prelogin."),
        key("server", "max_prelogin", &C::server, &S::max_prelogin, Number{1, 1000000},
            "Sessions not logged in yet, host-wide; then another address evicts the oldest of the one holding most."),
        key("server", "pid_file", &C::server, &S::pid_file, Text{absolute_path},
            "Written by the listener when it runs in the background."),
        key("server", "greeting", &C::server, &S::greeting, Text{greeting_text},
            "The text of the +OK greeting, before the APOP timestamp."),

        key("privsep", "user", &C::privsep, &P::user, Text{account_name},
            "The unprivileged front runs as this user, chrooted to chroot."),
        key("privsep", "chroot", &C::privsep, &P::chroot, Text{absolute_path},
            "An empty directory owned by root."),
        key("privsep", "auth_user", &C::privsep, &P::auth_user, Text{account_name},
            "pop3d-auth runs as this user."),
        key("privsep", "auth_group", &C::privsep, &P::auth_group, Text{account_name},
            "pop3d-auth runs with this group, which lets it read /etc/shadow."),

        key("auth", "backends", &C::auth, &A::backends, Choices<AuthBackend>{backend_names},
            "Tried in order: shadow (local Unix accounts), passwd-file (users_file)."),
        key("auth", "users_file", &C::auth, &A::users_file, Text{absolute_path},
            "name:hash[:unix-owner] lines, written by pop3d-passwd."),
        key("auth", "apop_file", &C::auth, &A::apop_file, Text{absolute_path_or_empty},
            "name:secret lines for APOP, root's, pop3d-auth's group, 0640; empty: no APOP."),
        key("auth", "min_uid", &C::auth, &A::min_uid, Number{1, uint_max - 1},
            "Accounts with a lower uid (root, system users) cannot log in."),
        key("auth", "failure_delay", &C::auth, &A::failure_delay, Number{0, 60},
            "Seconds each failed login costs."),
        key("auth", "max_attempts", &C::auth, &A::max_attempts, Number{1, 100},
            "Failed logins before the connection is closed."),

        key("mail", "maildrop", &C::mail, &M::maildrop, Text{user_path_template},
            "The mbox file: %u the user, %h the home directory, %% a percent sign."),
        key("mail", "state_dir", &C::mail, &M::state_dir, Text{user_path_template_or_empty},
            "Where the per-user index cache lives (%u, %h as for maildrop); empty to keep none."),
        key("mail", "locking", &C::mail, &M::locking, Choices<LockMethod>{lock_names},
            "Locks taken in this order (fcntl, dotlock = MBOX.lock, flock); dotlock first is the order of Postfix's local and procmail."),
        key("mail", "lock_timeout", &C::mail, &M::lock_timeout, Number{1, 3600},
            "Seconds to wait for a maildrop another program holds."),
        key("mail", "lock_session", &C::mail, &M::lock_session, Bool{},
            "yes: hold the locks for the whole session (blocks delivery meanwhile)."),
        key("mail", "mbox_format", &C::mail, &M::mbox_format, Choice<MboxFormat>{format_names},
            "mboxo, or mboxrd (unquotes one '>' from ^>+From lines)."),
        key("mail", "uidl", &C::mail, &M::uidl, Choice<UidlSource>{uidl_names},
            "hash (derived from the message) or x-uidl (honour X-UIDL headers)."),
        key("mail", "max_messages", &C::mail, &M::max_messages, Number{0, uint_max},
            "A maildrop with more messages is refused; 0 = no limit."),
        key("mail", "max_mailbox_bytes", &C::mail, &M::max_mailbox_bytes, Number{0, ~0ULL},
            "A larger maildrop is refused; 0 = no limit."),

        key("tls", "cert", &C::tls, &T::cert, Text{absolute_path_or_empty},
            "The certificate chain (PEM, leaf first); goes with key.", "/etc/pop3d/cert.pem"),
        key("tls", "key", &C::tls, &T::key, Text{absolute_path_or_empty},
            "The private key (PEM, RSA or ECDSA, mode 0600); goes with cert.", "/etc/pop3d/key.pem"),
        key("tls", "stls", &C::tls, &T::stls, Bool{},
            "Offer STLS (RFC 2595) on the plain listen addresses."),
        key("tls", "require_tls", &C::tls, &T::require_tls, Choice<RequireTls>{require_tls_names},
            "Credentials before TLS: yes (never), no (always), except-loopback (only from 127.0.0.0/8 and ::1)."),
        key("tls", "handshake_timeout", &C::tls, &T::handshake_timeout, Number{1, 600},
            "Seconds a client has to complete a TLS handshake."),

        key("log", "facility", &C::log, &L::facility, Text{syslog_facility_name},
            "The syslog facility."),
        key("log", "level", &C::log, &L::level, Text{syslog_level_name},
            "The least important level logged: debug, info, notice, warning or err."),
    };
}

}  // namespace

std::string key_line(std::string_view key, std::string_view value) {
    return std::string(key) + (value.empty() ? " =" : " = ") + std::string(value) + "\n";
}

std::span<const ConfigSection> config_sections() { return sections; }

std::span<const ConfigKey> config_keys() {
    static const std::vector<ConfigKey> keys = make_keys();
    return keys;
}

const ConfigKey* find_config_key(std::string_view section, std::string_view key) {
    for (const auto& row : config_keys())
        if (row.section == section && row.key == key) return &row;
    return nullptr;
}

std::string sample_config() {
    const Config defaults;
    std::string out =
        "; pop3d sample configuration: every key with its default. Generated from\n"
        "; common/config_keys.cpp by `make config-sample`; do not edit by hand.\n"
        "; Check a file with: pop3d -t -f FILE\n";
    for (const auto& section : config_sections()) {
        out += "\n; " + std::string(section.doc) + "\n[" + std::string(section.name) + "]\n";
        for (const auto& row : config_keys()) {
            if (row.section != section.name) continue;
            out += "; " + std::string(row.doc) + "\n";
            out += row.example ? ";" + key_line(row.key, row.example) : key_line(row.key, row.print(defaults));
        }
    }
    return out;
}

std::string key_reference() {
    const Config defaults;
    std::string out;
    for (const auto& row : config_keys())
        out += std::string(row.section) + "\t" + std::string(row.key) + "\t" + row.print(defaults) + "\t" +
               std::string(row.doc) + "\n";
    return out;
}

}  // namespace pop3d
