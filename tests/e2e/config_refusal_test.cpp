// Every refusal of a configuration file lives in its parser, so `pop3d -t`,
// the listener at start and a session started without it (inetd, socat)
// refuse the same files with the same "FILE:LINE: reason"; such a session
// answers -ERR before any password (so require_tls without [tls] cert and
// key takes no password in the clear). pop3d-auth is handed a copy the session
// generated from a file it accepted (common/config_handoff.h).
#include <gtest/gtest.h>
#include <sysexits.h>

#include <string>

#include "common/limits.h"
#include "tests/e2e/harness.h"

namespace pop3d::e2e {
namespace {

// The message after "PROGRAM: " or "PROGRAM[PID]: " on the first line that
// names the file; empty when there is none.
std::string refusal(const std::string& output, const std::string& file) {
    std::size_t at = output.find(": " + file);
    if (at == std::string::npos) return "";
    std::size_t end = output.find('\n', at);
    return output.substr(at + 2, end == std::string::npos ? std::string::npos : end - at - 2);
}

// Runs the three programs on file; each must exit 78 (EX_CONFIG) naming the file with the
// same message, which contains `reason`.
void expect_refused_alike(const std::string& file, const std::string& reason) {
    int status = 0;
    std::string checked = shell(bin_dir() + "/pop3d -t -f " + file, &status);
    EXPECT_EQ(status, EX_CONFIG) << checked;
    std::string said = refusal(checked, file);
    EXPECT_NE(said.find(reason), std::string::npos) << checked;

    std::string started = shell(bin_dir() + "/pop3d -F -f " + file + " </dev/null", &status);
    EXPECT_EQ(status, EX_CONFIG) << started;
    EXPECT_EQ(refusal(started, file), said) << started;

    std::string session = shell(bin_dir() + "/pop3d-session -e -f " + file + " </dev/null", &status);
    EXPECT_EQ(status, EX_CONFIG) << session;
    EXPECT_EQ(refusal(session, file), said) << session;
    EXPECT_NE(session.find("-ERR [SYS/PERM] server configuration error"), std::string::npos) << session;
}

struct Refused {
    const char* name;
    std::string text;    // the file's contents; @DIR@ stands for the test's directory
    std::string reason;  // what follows "FILE" in the message
};

class ConfigRefusal : public ::testing::TestWithParam<Refused> {};

TEST_P(ConfigRefusal, TestModeListenerAndSessionRefuseAlike) {
    TempDir dir;
    dir.write("cert.pem", "not used\n");
    dir.write("key.pem", "not used\n", 0600);
    std::string text = GetParam().text;
    for (std::size_t at; (at = text.find("@DIR@")) != std::string::npos;) text.replace(at, 5, dir.path());
    expect_refused_alike(dir.write("pop3d.conf", text), GetParam().reason);
}

std::string tls_files() { return "[tls]\ncert = @DIR@/cert.pem\nkey = @DIR@/key.pem\n"; }

INSTANTIATE_TEST_SUITE_P(
    EveryStartRefusal, ConfigRefusal,
    ::testing::Values(
        Refused{"ImplicitTlsWithoutCert", "[server]\nlisten = 127.0.0.1:1\ntls_listen = 127.0.0.1:2\n",
                ":3: tls_listen: needs [tls] cert and key"},
        Refused{"RequireTlsWithoutCert", "[tls]\nrequire_tls = yes\n", ":2: require_tls: needs [tls] cert and key"},
        Refused{"RequireTlsWithNoWayIn", tls_files() + "stls = no\nrequire_tls = yes\n",
                ":5: require_tls: with stls = no, needs tls_listen, or nobody can log in"},
        Refused{"NoAddress", "[server]\nlisten =\n", ":2: listen: no address to listen on"},
        Refused{"UnknownKey", "[mail]\nmaildrop = /var/mail/%u\nspool = x\n", ":3: unknown key 'spool' in [mail]"},
        Refused{"BadValue", "[auth]\nmax_attempts = 0\n", ":2: max_attempts: must be between 1 and 100"},
        Refused{"NulByte", std::string("[log]\nlevel = info\0\n", 19), ":2: NUL byte in the file"},
        Refused{"TooLarge", "[server]\n" + std::string(limits::config_file, ';'),
                ": larger than " + std::to_string(limits::config_file) + " bytes"}),
    [](const ::testing::TestParamInfo<Refused>& info) { return std::string(info.param.name); });

TEST(ConfigRefusalMissing, MissingFileIsRefusedAlike) {
    TempDir dir;
    expect_refused_alike(dir.file("absent.conf"), ": cannot open: No such file");
}

}  // namespace
}  // namespace pop3d::e2e
