// The server's configuration: one ini file (inih), validated as a whole so
// that every later stage may trust it. Unknown sections and keys are errors.
// Every refusal lives in parse_config, so that `pop3d -t`, pop3d,
// pop3d-session and pop3d-auth accept and refuse the same files with the
// same "FILE:LINE: reason". The keys are listed in common/config_keys.h.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/network.h"
#include "common/result.h"

namespace pop3d {

inline constexpr const char* default_config_path = "/etc/pop3d/pop3d.conf";

struct Endpoint {
    std::string host;  // numeric IPv4 or IPv6 address, without brackets
    uint16_t port = 0;
    bool ipv6 = false;
};

enum class AuthBackend { shadow, passwd_file };
enum class LockMethod { fcntl, dotlock, flock };
enum class MboxFormat { mboxo, mboxrd };
enum class UidlSource { hash, x_uidl };
// Whether credentials may be sent before TLS: except_loopback takes them in
// the clear only from 127.0.0.0/8 and ::1.
enum class RequireTls { no, yes, except_loopback };

// Each field's initializer is its key's default (common/config_keys.h).
struct ServerConfig {
    std::vector<Endpoint> listen{{"0.0.0.0", 110, false}, {"::", 110, true}};
    std::vector<Endpoint> tls_listen;
    // Connections from a load balancer: a PROXY header (v1 or v2) first,
    // from a peer in proxy_from, within proxy_header_timeout seconds.
    std::vector<Endpoint> proxy_listen;
    std::vector<Endpoint> proxy_tls_listen;
    std::vector<Network> proxy_from;
    unsigned proxy_header_timeout = 5;
    std::string hostname;  // empty: default_config() asks gethostname()
    unsigned max_sessions = 500;
    unsigned max_sessions_per_ip = 20;
    unsigned autologout = 600;  // seconds; RFC 1939 section 3 asks for >= 10 minutes
    // While a reply waits for the client, it must take at least
    // min_send_rate bytes a second on average over send_rate_window
    // seconds of waiting (sessiond/send_rate_floor.h); 0: no floor.
    unsigned min_send_rate = 300;
    unsigned send_rate_window = 60;
    // Seconds from connect to login, in all (like OpenSSH's LoginGraceTime);
    // the autologout still bounds each idle wait, before and after login.
    unsigned login_timeout = 120;
    // Sessions that have not logged in yet, host-wide (like sshd's
    // MaxStartups start:rate:full): from max_prelogin_start on, a new one is
    // dropped with a chance that grows to certainty at max_prelogin; at
    // max_prelogin, a client from another address evicts the oldest of the
    // address holding the most.
    unsigned max_prelogin_start = 50;
    unsigned max_prelogin = 100;
    std::string pid_file = "/run/pop3d.pid";
    std::string greeting = "POP3 server ready";
};

struct PrivsepConfig {
    std::string user = "pop3d";
    std::string chroot = "/var/lib/pop3d/empty";
    std::string auth_user = "pop3d-auth";
    std::string auth_group = "shadow";
};

struct AuthConfig {
    std::vector<AuthBackend> backends{AuthBackend::shadow, AuthBackend::passwd_file};
    std::string users_file = "/etc/pop3d/users";
    std::string apop_file = "/etc/pop3d/apop";
    unsigned min_uid = 1000;
    unsigned failure_delay = 2;  // seconds
    unsigned max_attempts = 3;
};

struct MailConfig {
    std::string maildrop = "/var/mail/%u";  // %u user, %h home, %% a percent sign
    std::string state_dir = "%h/.pop3d";    // empty: no state file
    // Acquisition order; the order of Postfix's local and procmail (see pop3d.conf).
    std::vector<LockMethod> locking{LockMethod::dotlock, LockMethod::fcntl};
    unsigned lock_timeout = 30;  // seconds
    bool lock_session = false;
    MboxFormat mbox_format = MboxFormat::mboxo;
    UidlSource uidl = UidlSource::hash;
    uint64_t max_messages = 0;       // 0: no limit
    uint64_t max_mailbox_bytes = 0;  // 0: no limit
};

struct TlsConfig {
    std::string cert;
    std::string key;
    bool stls = true;
    RequireTls require_tls = RequireTls::except_loopback;
    unsigned handshake_timeout = 30;  // seconds for a TLS handshake
};

struct LogConfig {
    std::string facility = "mail";
    std::string level = "info";
};

struct Config {
    ServerConfig server;
    PrivsepConfig privsep;
    AuthConfig auth;
    MailConfig mail;
    TlsConfig tls;
    LogConfig log;

    // TLS is usable when a certificate and key are configured.
    bool tls_configured() const { return !tls.cert.empty(); }
};

// Tells whether a file the configuration names can be read; injected so that
// parsing stays free of I/O in tests.
using FileProbe = std::function<bool(const std::string& path)>;
bool file_is_readable(const std::string& path);

// A configuration with every default filled in (hostname from gethostname()).
Config default_config();

// Parses and validates the text of a configuration file. Errors read
// "NAME:LINE: reason" (line 0 for a rule that spans the whole file).
Result<Config> parse_config(std::string_view text, const std::string& name,
                            const FileProbe& probe = file_is_readable);

// Reads (at most limits::config_file bytes) and parses the file at path.
Result<Config> load_config(const std::string& path, const FileProbe& probe = file_is_readable);

// The effective configuration as an ini file that parse_config accepts.
std::string format_config(const Config& config);
// The same, only the named sections (what pop3d-auth is handed).
std::string format_config_sections(const Config& config, std::span<const std::string_view> sections);

// Expands a path template: %u the user, %h the home directory, %% a '%'.
Result<std::string> expand_path_template(std::string_view tmpl, std::string_view user,
                                         std::string_view home);

}  // namespace pop3d
