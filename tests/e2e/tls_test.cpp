// TLS end to end: real clients over STLS and POP3S, the STARTTLS injection,
// protocol refusals, require_tls, the handshake deadline, who runs the
// relay, and where the private key is (and is not) in memory.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "tests/e2e/accounts.h"
#include "tests/e2e/harness.h"
#include "tests/e2e/served_suite.h"
#include "tests/e2e/superserver.h"
#include "tests/e2e/tls_client.h"
#include "tests/support/test_cert.h"

namespace pop3d::e2e {
namespace {


using testing::KeyKind;
using testing::TestCert;

// Certificates for every suite of this file, made once.
struct Certs {
    TempDir dir;
    TestCert rsa, ecdsa;
    std::string cert_path, key_path;  // what the server is configured with
    Certs() {
        rsa = testing::make_test_cert(dir.path(), "rsa", KeyKind::rsa);
        ecdsa = testing::make_test_cert(dir.path(), "ecdsa", KeyKind::ecdsa);
        cert_path = dir.file("server.pem");
        key_path = dir.file("server.key");
        use(KeyKind::ecdsa);
    }
    // The server reads the files for every connection: a swap is seen by
    // the next one, without a reload.
    void use(KeyKind kind) const {
        const TestCert& c = kind == KeyKind::rsa ? rsa : ecdsa;
        dir.write("server.pem", c.cert_pem);
        dir.write("server.key", c.key_pem);
    }
    const TestCert& of(KeyKind kind) const { return kind == KeyKind::rsa ? rsa : ecdsa; }
    std::string tls_section(const std::string& extra = "") const {
        return "[tls]\ncert = " + cert_path + "\nkey = " + key_path + "\n" + extra;
    }
};

Certs* certs = nullptr;

// What CAPA lists; empty, with a test failure, when CAPA is not answered +OK.
std::vector<std::string> capabilities(TlsClient& c) {
    c.send("CAPA\r\n");
    const std::string status = c.line();
    if (status.rfind("+OK", 0) != 0) {
        ADD_FAILURE() << "CAPA: " << status;
        return {};
    }
    return c.multiline();
}

bool lists(const std::vector<std::string>& capabilities, const std::string& capability) {
    return std::find(capabilities.begin(), capabilities.end(), capability) != capabilities.end();
}

// USER and PASS of `user`: whether both were answered +OK (a test failure
// names the reply that was not).
bool logs_in(TlsClient& c, const std::string& user, const std::string& password) {
    c.send("USER " + user + "\r\nPASS " + password + "\r\n");
    for (const char* command : {"USER", "PASS"}) {
        const std::string reply = c.line();
        if (reply.rfind("+OK", 0) != 0) {
            ADD_FAILURE() << command << ": " << reply;
            return false;
        }
    }
    return true;
}

class Tls : public ServedSuite<Tls> {
protected:
    static void SetUpTestSuite() {
        certs = new Certs();
        start_server("[server]\ntls_listen = 127.0.0.1:0\n" +
                                     certs->tls_section("handshake_timeout = 3\n"));
    }
    static void TearDownTestSuite() {
        ServedSuite::TearDownTestSuite();
        delete certs;
        certs = nullptr;
    }
    void SetUp() override {
        ServedSuite::SetUp();
        if (HasFatalFailure() || IsSkipped()) return;
        ASSERT_FALSE(certs->rsa.key_path.empty());
        ASSERT_FALSE(certs->ecdsa.key_path.empty());
        certs->use(KeyKind::ecdsa);
        ASSERT_TRUE(accounts_->alice().write_maildrop(sample_mbox(2)));
    }
    static std::string run(const std::string& command) {
        int status = 0;
        std::string out = shell(command, &status);
        return (status == 0 ? "" : "<exit " + std::to_string(status) + ">\n") + out;
    }
    static std::string poplib(bool implicit) {
        std::string connect = implicit ? "p = poplib.POP3_SSL('127.0.0.1', " + std::to_string(tls_port()) +
                                             ", timeout=10, context=ctx)\n"
                                       : "p = poplib.POP3('127.0.0.1', " + std::to_string(port()) +
                                             ", timeout=10)\np.stls(context=ctx)\n";
        std::string script =
            "import poplib, ssl\n"
            "ctx = ssl.create_default_context(cafile='" + certs->cert_path + "')\n"
            "ctx.check_hostname = False\n" + connect +
            "p.user('" + alice() + "'); p.pass_('" + std::string(alice_password) + "')\n"
            "for i in range(1, len(p.list()[1]) + 1):\n"
            "    print(b'\\n'.join(p.retr(i)[1]).decode()); p.dele(i)\n"
            "p.quit()\n";
        accounts_->dir().write("client.py", script);
        return run("timeout 30 python3 " + dir() + "/client.py");
    }
    // pop3d-session -T with this suite's configuration: the shipped pop3s
    // line for inetd.
    static std::string pop3s_session() {
        return bin_dir() + "/pop3d-session -T -f " + accounts_->dir().write("pop3d.conf", config_text_);
    }
    // Logs in over STLS, RETR and DELE of both messages, QUIT: the lines
    // the client saw.
    static std::string session_script() {
        return ("USER " + alice() + "\nPASS ") + alice_password + "\nRETR 1\nRETR 2\nDELE 1\nDELE 2\nQUIT\n";
    }
};

TEST_F(Tls, PythonPoplibStls) {
    std::string out = poplib(false);
    ASSERT_EQ(out.find("<exit"), std::string::npos) << out;
    expect_retrieved_and_deleted(out, out);
    EXPECT_NE(daemon_->log().find("tls=TLSv1.3/"), std::string::npos) << daemon_->log();
}

TEST_F(Tls, PythonPoplibPop3sWithAnRsaKey) {
    certs->use(KeyKind::rsa);
    std::string out = poplib(true);
    ASSERT_EQ(out.find("<exit"), std::string::npos) << out;
    expect_retrieved_and_deleted(out, out);
}

TEST_F(Tls, OpensslStarttlsAndConnect) {
    accounts_->dir().write("script.txt", session_script());
    for (KeyKind kind : {KeyKind::rsa, KeyKind::ecdsa}) {
        certs->use(kind);
        ASSERT_TRUE(accounts_->alice().write_maildrop(sample_mbox(2)));
        std::string out = run("timeout 20 openssl s_client -quiet -crlf -starttls pop3 -connect 127.0.0.1:" +
                              std::to_string(port()) + " < " + dir() + "/script.txt 2>&1");
        expect_retrieved_and_deleted(out, out);
        ASSERT_TRUE(accounts_->alice().write_maildrop(sample_mbox(2)));
        ASSERT_TRUE(eventually(5000, [] { return children_of(daemon_->pid()).empty(); }));
        out = run("timeout 20 openssl s_client -quiet -crlf -connect 127.0.0.1:" + std::to_string(tls_port()) + " < " +
                  dir() + "/script.txt 2>&1");
        expect_retrieved_and_deleted(out, out);
        ASSERT_TRUE(eventually(5000, [] { return children_of(daemon_->pid()).empty(); }));
    }
}

TEST_F(Tls, Curl) {
    std::string auth = (" -u " + alice() + ":") + alice_password + " --cacert " + certs->cert_path + " -k";
    std::string pop3s = "pop3s://127.0.0.1:" + std::to_string(tls_port());
    std::string stls = " --ssl-reqd pop3://127.0.0.1:" + std::to_string(port());
    std::string out = run("curl -sS --max-time 10 " + pop3s + "/1" + auth + " && curl -sS --max-time 10" + stls +
                          "/2" + auth + " && curl -sS --max-time 10 -X DELE -I " + pop3s + "/1" + auth +
                          " && curl -sS --max-time 10 -X DELE -I" + stls + "/1" + auth);
    ASSERT_EQ(out.find("<exit"), std::string::npos) << out;
    expect_retrieved_and_deleted(out, out);
}

TEST_F(Tls, FetchmailSslAndStls) {
    for (bool implicit : {true, false}) {
        ASSERT_TRUE(accounts_->alice().write_maildrop(sample_mbox(2)));
        std::string rc = accounts_->dir().write(
            "fetchmailrc",
            "poll 127.0.0.1 service " + std::to_string(implicit ? tls_port() : port()) +
                " protocol pop3 auth password\n"
                "  user \"" + alice() + "\" there with password \"" + alice_password + "\" is \"root\" here\n"
                "  no sslcertck nokeep fetchall\n"
                "  mda \"/bin/sh -c 'cat >> " + dir() + "/fetchmail.out'\"\n",
            0600);
        accounts_->dir().write("fetchmail.out", "");
        std::string how = implicit ? " --ssl --sslproto TLS1.2+" : " --sslproto TLS1.2+";
        std::string out = run("HOME=" + dir() + " timeout 30 fetchmail -f " + rc + how + " --nodetach --pidfile " +
                              dir() + "/fetchmail.pid --idfile " + dir() + "/fetchmail.ids");
        ASSERT_EQ(out.find("<exit"), std::string::npos) << out;
        expect_retrieved_and_deleted(read_file(dir() + "/fetchmail.out"), out);
        ASSERT_TRUE(eventually(5000, [] { return children_of(daemon_->pid()).empty(); }));
    }
    EXPECT_NE(daemon_->log().find("tls=TLSv1.3/"), std::string::npos);
}

TEST_F(Tls, MpopWithTls) {
    for (bool implicit : {true, false}) {
        ASSERT_TRUE(accounts_->alice().write_maildrop(sample_mbox(2)));
        std::string rc = accounts_->dir().write(
            "mpoprc",
            "account default\nhost 127.0.0.1\nport " + std::to_string(implicit ? tls_port() : port()) +
                "\nuser " + alice() + "\npassword " + alice_password + "\nauth user\ntls on\ntls_starttls " +
                (implicit ? "off" : "on") + "\ntls_certcheck off\nkeep off\nonly_new off\ndelivery mbox " + dir() +
                "/mpop.mbox\nuidls_file " + dir() + "/mpop.uidls\n",
            0600);
        accounts_->dir().write("mpop.mbox", "");
        std::string out = run("HOME=" + dir() + " timeout 30 mpop -C " + rc + " -a");
        ASSERT_EQ(out.find("<exit"), std::string::npos) << out;
        expect_retrieved_and_deleted(read_file(dir() + "/mpop.mbox"), out);
        ASSERT_TRUE(eventually(5000, [] { return children_of(daemon_->pid()).empty(); }));
    }
}

// RFC 2595 and the STARTTLS injection: nothing sent with STLS survives.
TEST_F(Tls, StlsDiscardsWhatCameWithIt) {
    {
        TlsClient c("127.0.0.1", port());
        ASSERT_EQ(c.line().rfind("+OK", 0), 0u);
        c.send("STLS\r\nCAPA\r\n");
        ASSERT_EQ(c.line().rfind("+OK", 0), 0u);
        ASSERT_TRUE(c.start_tls()) << c.error();
        EXPECT_TRUE(c.quiet_for(500));  // no answer to the injected CAPA
        c.send("QUIT\r\n");
        EXPECT_EQ(c.line(), "+OK signing off");
    }
    {
        TlsClient c("127.0.0.1", port());
        ASSERT_EQ(c.line().rfind("+OK", 0), 0u);
        c.send("STLS\r\nUSER " + alice() + "\r\n");
        ASSERT_EQ(c.line().rfind("+OK", 0), 0u);
        ASSERT_TRUE(c.start_tls()) << c.error();
        EXPECT_TRUE(c.quiet_for(500));
        c.send(std::string("PASS ") + alice_password + "\r\n");
        EXPECT_EQ(c.line().rfind("-ERR", 0), 0u);  // the USER was not kept
        c.send("QUIT\r\n");
        EXPECT_EQ(c.line(), "+OK signing off");
    }
}

TEST_F(Tls, CapaBeforeAndAfterStlsAndASecondStls) {
    TlsClient c("127.0.0.1", port());
    ASSERT_EQ(c.line().rfind("+OK", 0), 0u);
    auto before = capabilities(c);
    EXPECT_TRUE(lists(before, "STLS"));
    c.send("STLS\r\n");
    ASSERT_EQ(c.line().rfind("+OK", 0), 0u);
    ASSERT_TRUE(c.start_tls()) << c.error();
    auto after = capabilities(c);
    EXPECT_FALSE(lists(after, "STLS"));
    EXPECT_TRUE(lists(after, "USER"));
    c.send("STLS\r\n");
    EXPECT_EQ(c.line().rfind("-ERR", 0), 0u);
    c.send("QUIT\r\n");
    EXPECT_EQ(c.line(), "+OK signing off");
}

// STLS comes before USER or AUTH (RFC 2595 section 4): after a USER, and
// after a failed login, it is -ERR and CAPA no longer announces it.
TEST_F(Tls, StlsAfterUserOrAFailedLoginIsRefused) {
    for (const std::string& opening : {"USER " + alice() + "\r\n", "USER " + alice() + "\r\nPASS wrong\r\n"}) {
        TlsClient c("127.0.0.1", port());
        ASSERT_EQ(c.line().rfind("+OK", 0), 0u);
        c.send(opening);
        for (std::size_t lines = std::count(opening.begin(), opening.end(), '\n'); lines > 0; --lines) c.line();
        c.send("STLS\r\n");
        EXPECT_EQ(c.line().rfind("-ERR", 0), 0u) << opening;
        EXPECT_FALSE(lists(capabilities(c), "STLS")) << opening;
        c.send("QUIT\r\n");
        EXPECT_EQ(c.line(), "+OK signing off");
    }
}

// A session that ends before any login ends its TLS with close_notify
// (RFC 8446 section 6.1), over POP3S and after STLS: a client that takes a
// cut connection for an error (suppress_ragged_eofs=False) reads a clean
// end after "+OK signing off".
TEST_F(Tls, QuitBeforeLoginEndsTlsWithCloseNotify) {
    const std::string script =
        "import socket, ssl, sys\n"
        "ctx = ssl.create_default_context(cafile='" + certs->cert_path + "')\n"
        "ctx.check_hostname = False\n"
        "def lines(s):\n"
        "    data = b''\n"
        "    while True:\n"
        "        chunk = s.recv(4096)\n"
        "        if not chunk: return data\n"
        "        data += chunk\n"
        "raw = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=10)\n"
        "if sys.argv[2] == 'stls':\n"
        "    f = raw.makefile('rb'); f.readline(); raw.sendall(b'STLS\\r\\n'); f.readline()\n"
        "s = ctx.wrap_socket(raw, suppress_ragged_eofs=False)\n"
        "s.sendall(b'QUIT\\r\\n')\n"
        "try:\n"
        "    print(lines(s).decode().strip().splitlines()[-1], 'clean end')\n"
        "except ssl.SSLError as e:\n"
        "    print('no close_notify:', e)\n";
    accounts_->dir().write("close_notify.py", script);
    for (const std::string& how : {std::string("implicit"), std::string("stls")}) {
        const int to = how == "implicit" ? tls_port() : port();
        std::string out = run("timeout 20 python3 " + dir() + "/close_notify.py " + std::to_string(to) + " " + how);
        EXPECT_NE(out.find("+OK signing off clean end"), std::string::npos) << how << ": " << out;
    }
}

TEST_F(Tls, OldProtocolsAndForeignAlpnAreRefusedWithAnAlert) {
    for (const char* version : {"-tls1", "-tls1_1"}) {
        std::string out = run(std::string("echo | timeout 10 openssl s_client ") + version +
                              " -cipher DEFAULT@SECLEVEL=0 -connect 127.0.0.1:" + std::to_string(tls_port()) + " 2>&1");
        EXPECT_NE(out.find("alert protocol version"), std::string::npos) << version << ": " << out;
    }
    TlsClient imap("127.0.0.1", tls_port());
    EXPECT_FALSE(imap.start_tls("imap"));
    EXPECT_NE(imap.error().find("no application protocol"), std::string::npos) << imap.error();
    TlsClient pop3("127.0.0.1", tls_port());
    ASSERT_TRUE(pop3.start_tls("pop3")) << pop3.error();
    EXPECT_EQ(pop3.line().rfind("+OK", 0), 0u);
    EXPECT_TRUE(eventually(3000, [] { return daemon_->log().find("TLS handshake failed") != std::string::npos; }))
        << daemon_->log();
}

// TLS 1.2 with each key type, each signature scheme the monitor signs for
// (PKCS#1 v1.5, PSS, ECDSA) and a CBC, a GCM and a ChaCha20 cipher: the
// front's OpenSSL starts without its legacy cipher tables
// (tls_library.cpp), and none of these may need them.
TEST_F(Tls, Tls12ServesEverySignatureSchemeAndCipherKind) {
    struct Case {
        KeyKind key;
        const char* cipher;
        const char* sigalgs;
    };
    const Case cases[] = {
        {KeyKind::rsa, "ECDHE-RSA-AES128-SHA", "RSA+SHA256"},
        {KeyKind::rsa, "ECDHE-RSA-AES256-GCM-SHA384", "RSA+SHA512"},
        {KeyKind::rsa, "ECDHE-RSA-CHACHA20-POLY1305", "RSA-PSS+SHA384"},
        {KeyKind::ecdsa, "ECDHE-ECDSA-AES256-SHA", "ECDSA+SHA256"},
        {KeyKind::ecdsa, "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDSA+SHA384"},
    };
    accounts_->dir().write("capa.txt", "CAPA\nQUIT\n");
    for (const Case& c : cases) {
        certs->use(c.key);
        std::string out = run(std::string("timeout 10 openssl s_client -quiet -crlf -tls1_2 -cipher ") + c.cipher +
                              " -sigalgs " + c.sigalgs + " -connect 127.0.0.1:" + std::to_string(tls_port()) +
                              " < " + dir() + "/capa.txt 2>&1");
        EXPECT_NE(out.find("+OK signing off"), std::string::npos) << c.cipher << " " << c.sigalgs << ": " << out;
        EXPECT_TRUE(eventually(3000, [&] {
            return daemon_->log().find(std::string("tls=TLSv1.2/") + c.cipher + " ") != std::string::npos;
        })) << c.cipher << ": " << daemon_->log();
    }
}

// A client that never completes its handshake is cut off at
// handshake_timeout (3 s here) while others are served.
TEST_F(Tls, AStalledHandshakeEndsAtItsDeadline) {
    TlsClient stalled("127.0.0.1", tls_port());
    ASSERT_TRUE(stalled.connected());
    auto started = std::chrono::steady_clock::now();
    {
        TlsClient other("127.0.0.1", tls_port());
        ASSERT_TRUE(other.start_tls()) << other.error();
        EXPECT_EQ(other.line().rfind("+OK", 0), 0u);
        other.send("QUIT\r\n");
        EXPECT_EQ(other.line(), "+OK signing off");
    }
    EXPECT_EQ(stalled.line(), "<eof>");
    auto took = std::chrono::steady_clock::now() - started;
    EXPECT_GE(took, std::chrono::milliseconds(2500));
    EXPECT_LT(took, std::chrono::seconds(9));
    EXPECT_TRUE(eventually(3000, [] { return daemon_->log().find("handshake not done within 3 s") != std::string::npos; }))
        << daemon_->log();
}

TEST_F(Tls, AnUnreadableKeyCostsThatSessionItsStlsOnly) {
    std::string key_pem = certs->ecdsa.key_pem;
    unlink(certs->key_path.c_str());
    TlsClient c("127.0.0.1", port());
    ASSERT_EQ(c.line().rfind("+OK", 0), 0u);
    auto capa = capabilities(c);
    EXPECT_FALSE(lists(capa, "STLS"));
    c.send("STLS\r\n");
    EXPECT_EQ(c.line().rfind("-ERR", 0), 0u);
    c.send("QUIT\r\n");
    EXPECT_EQ(c.line(), "+OK signing off");
    certs->use(KeyKind::ecdsa);
    EXPECT_NE(daemon_->log().find("temporary failure"), std::string::npos) << daemon_->log();
}

// The monitor, the front and pop3d-auth under one session (pop3d-auth
// goes at login; a dotlock keeper may come).
struct SessionProcesses {
    pid_t monitor = -1;
    pid_t front = -1;
};

// The front is the child running as pop3d (a dotlock keeper runs as the owner).
SessionProcesses processes_of_the_one_session(pid_t daemon) {
    SessionProcesses p;
    std::string front_uid = uid_of("pop3d");
    eventually(3000, [&] {
        auto sessions = children_of(daemon);
        if (sessions.size() != 1) return false;
        p.monitor = sessions[0];
        p.front = -1;
        for (pid_t child : children_of(p.monitor))
            if (proc_name(child) == "pop3d-session" && first_id(proc_status(child)["Uid"]) == front_uid)
                p.front = child;
        return p.front > 0;
    });
    return p;
}

TEST_F(Tls, TheRelayRunsUnprivilegedAndTheSessionAsTheOwner) {
    TlsClient c("127.0.0.1", tls_port());
    ASSERT_TRUE(c.start_tls()) << c.error();
    ASSERT_EQ(c.line().rfind("+OK", 0), 0u);
    ASSERT_TRUE(logs_in(c, alice(), alice_password));
    SessionProcesses p = processes_of_the_one_session(daemon_->pid());
    ASSERT_GT(p.front, 0);
    auto front = proc_status(p.front);
    EXPECT_EQ(first_id(front["Uid"]), uid_of("pop3d"));
    EXPECT_EQ(front["CapEff"], "0000000000000000");
    EXPECT_EQ(front["CapPrm"], "0000000000000000");
    EXPECT_EQ(proc_root(p.front), "/var/lib/pop3d/empty");
    auto session = proc_status(p.monitor);
    EXPECT_EQ(first_id(session["Uid"]), uid_of(alice()));
    EXPECT_EQ(session["CapEff"], "0000000000000000");
    c.send("STAT\r\n");
    EXPECT_EQ(c.line().rfind("+OK 2 ", 0), 0u);
    c.send("QUIT\r\n");
    EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
    EXPECT_EQ(c.line(), "<eof>");
}

// A client that reads slowly and then stops for a while: the session has
// ended (its summary is logged) while the front still holds replies for
// the client. The session waits for the front as long as the relay may
// take, without a spurious error.
TEST_F(Tls, TheSessionWaitsForARelayStillSendingToASlowClient) {
    std::string body;
    const std::string line(76, 'x');
    while (body.size() < 24 * 1024 * 1024) body += line + "\n";
    ASSERT_TRUE(accounts_->alice().write_maildrop("From sender@example.org Mon Nov 23 10:00:00 2026\n"
                                                  "Subject: large\n\n" + body + "\n"));
    const std::string summary = "session: user=\"" + alice() + "\"";
    const std::size_t summaries_before = occurrences(daemon_->log(), summary);
    TlsClient c("127.0.0.1", tls_port());
    ASSERT_TRUE(c.start_tls()) << c.error();
    ASSERT_EQ(c.line().rfind("+OK", 0), 0u);
    ASSERT_TRUE(logs_in(c, alice(), alice_password));
    c.send("RETR 1\r\nQUIT\r\n");
    ASSERT_EQ(c.line().rfind("+OK", 0), 0u);
    // Read slowly (so that every buffer on the way stays full) until the
    // session has ended; then stop reading for longer than 2 s.
    bool ended_before_the_end = false;
    std::string got;
    for (int i = 0; i < 1000000 && got != "." && got.rfind("<", 0) != 0; ++i) {
        got = c.line();
        if (i % 2000 != 0) continue;
        if (occurrences(daemon_->log(), summary) > summaries_before) {
            ended_before_the_end = true;
            break;
        }
        usleep(20 * 1000);
    }
    ASSERT_TRUE(ended_before_the_end) << "the session did not end while the front still had data; last line: "
                                      << got;
    sleep(3);
    std::size_t lines = 0;
    while ((got = c.line()) != "." && got.rfind("<", 0) != 0 && lines < 1000000) ++lines;
    EXPECT_EQ(got, ".");
    EXPECT_EQ(c.line().rfind("+OK", 0), 0u) << "the answer to QUIT";
    ASSERT_TRUE(eventually(5000, [] { return children_of(daemon_->pid()).empty(); }));
    EXPECT_EQ(daemon_->log().find("did not exit"), std::string::npos) << daemon_->log();
    EXPECT_EQ(daemon_->log().find("relay ended on an error"), std::string::npos) << daemon_->log();
}

// Under inetd, pop3d-session -T (the shipped pop3s line) starts with the
// handshake, as the listener's tls_listen sessions do.
TEST_F(Tls, InetdPop3sWithDashT) {
    int inetd_port = 0;
    auto inetd = inetd_running(accounts_->dir(), "inetd-tls", pop3s_session(), &inetd_port);
    ASSERT_TRUE(inetd);
    accounts_->dir().write("script.txt", session_script());
    std::string out = run("timeout 20 openssl s_client -quiet -crlf -connect 127.0.0.1:" +
                          std::to_string(inetd_port) + " < " + dir() + "/script.txt 2>&1");
    expect_retrieved_and_deleted(out, out);
}

// Under inetd fds 0, 1 and 2 are all the client's socket. After a login the
// session runs as the mailbox owner and must hold none of them: only the
// unprivileged front talks TLS to the client.
TEST_F(Tls, UnderInetdTheSessionHoldsNoDescriptorOfTheClient) {
    int inetd_port = 0;
    auto inetd = inetd_running(accounts_->dir(), "inetd-fds", pop3s_session(), &inetd_port);
    ASSERT_TRUE(inetd);
    // The session of the client below is the only one.
    ASSERT_TRUE(eventually(5000, [&] { return children_of(inetd->pid()).empty(); }));
    TlsClient c("127.0.0.1", inetd_port);
    ASSERT_TRUE(c.start_tls()) << c.error();
    ASSERT_EQ(c.line().rfind("+OK", 0), 0u);
    ASSERT_TRUE(logs_in(c, alice(), alice_password));
    SessionProcesses p = processes_of_the_one_session(inetd->pid());
    ASSERT_GT(p.front, 0);
    std::string client_socket = fd_target(p.front, 0);
    ASSERT_EQ(client_socket.rfind("socket:[", 0), 0u) << client_socket;
    std::map<std::string, std::string> fds = descriptors_of(p.monitor);
    ASSERT_FALSE(fds.empty()) << "cannot list the descriptors of pid " << p.monitor;
    for (const auto& [fd, target] : fds)
        EXPECT_NE(target, client_socket) << "the session holds the client's socket as fd " << fd;
    EXPECT_EQ(fds["2"].rfind("socket:", 0), std::string::npos) << fds["2"];
    c.send("QUIT\r\n");
    EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
}

class TlsRequired : public ServedSuite<TlsRequired> {
protected:
    static void SetUpTestSuite() {
        if (!certs) certs = new Certs();
        start_server(certs->tls_section("require_tls = yes\n"));
    }
    static void TearDownTestSuite() {
        ServedSuite::TearDownTestSuite();
        delete certs;
        certs = nullptr;
    }
};

TEST_F(TlsRequired, NoCredentialsBeforeTlsAndAllAfter) {
    certs->use(KeyKind::ecdsa);
    ASSERT_TRUE(accounts_->alice().write_maildrop(sample_mbox(1)));
    TlsClient c("127.0.0.1", port());
    std::string greeting = c.line();
    ASSERT_EQ(greeting.rfind("+OK", 0), 0u);
    auto before = capabilities(c);
    EXPECT_TRUE(lists(before, "STLS"));
    EXPECT_FALSE(lists(before, "USER"));
    for (const auto& l : before) EXPECT_NE(l.rfind("SASL", 0), 0u) << l;
    for (const std::string& command : {"USER " + alice(), std::string("AUTH PLAIN"), "APOP " + accounts_->bob().name() + " 0123456789abcdef0123456789abcdef"}) {
        c.send(command + "\r\n");
        std::string reply = c.line();
        EXPECT_EQ(reply.rfind("-ERR [AUTH] ", 0), 0u) << command << ": " << reply;
        EXPECT_NE(reply.find("TLS"), std::string::npos) << reply;
    }
    c.send("STLS\r\n");
    ASSERT_EQ(c.line().rfind("+OK", 0), 0u);
    ASSERT_TRUE(c.start_tls()) << c.error();
    auto after = capabilities(c);
    EXPECT_TRUE(lists(after, "USER"));
    EXPECT_TRUE(lists(after, "SASL PLAIN"));
    EXPECT_FALSE(lists(after, "STLS"));
    c.send("AUTH PLAIN " + sasl_plain(alice(), alice_password) + "\r\n");
    EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
    c.send("QUIT\r\n");
    EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
}

// A process's memory as root reads it through /proc/PID/mem, every readable
// mapping. A scan that reads nothing fails the test: a "not found" must
// come from memory that was read.
class MemoryScan {
public:
    explicit MemoryScan(pid_t pid) : pid_(pid) {
        std::ifstream maps("/proc/" + std::to_string(pid) + "/maps");
        int mem = open(("/proc/" + std::to_string(pid) + "/mem").c_str(), O_RDONLY | O_CLOEXEC);
        if (!maps || mem < 0) {
            ADD_FAILURE() << "cannot read the memory of pid " << pid << ": " << std::strerror(errno);
            if (mem >= 0) close(mem);
            return;
        }
        std::size_t read_total = 0;
        std::string line;
        while (std::getline(maps, line)) {
            unsigned long start = 0, end = 0;
            char perms[5] = {};
            if (sscanf(line.c_str(), "%lx-%lx %4s", &start, &end, perms) != 3 || perms[0] != 'r') continue;
            if (line.find("[vvar]") != std::string::npos || end - start > (1UL << 30)) continue;
            std::string region(end - start, '\0');
            ssize_t n = pread(mem, region.data(), region.size(), static_cast<off_t>(start));
            if (n <= 0) continue;  // e.g. a guard page; the total below must still be real
            region.resize(static_cast<std::size_t>(n));
            read_total += region.size();
            regions_.push_back(std::move(region));
        }
        close(mem);
        if (read_total == 0) ADD_FAILURE() << "read no memory at all of pid " << pid;
    }
    bool holds(const std::string& needle) const {
        for (const std::string& r : regions_)
            if (r.find(needle) != std::string::npos) return true;
        return false;
    }
    // The private number in either byte order: big-endian as in the key
    // file, little-endian as OpenSSL keeps a bignum's words on this machine.
    bool holds_number(const std::string& number) const {
        return holds(number) || holds(std::string(number.rbegin(), number.rend()));
    }
    pid_t pid() const { return pid_; }

private:
    pid_t pid_;
    std::vector<std::string> regions_;
};

// The certificate's SubjectPublicKeyInfo (DER), which a process that parsed
// the certificate holds: OpenSSL keeps the signed part's encoding.
std::string public_key_der(const std::string& cert_pem) {
    BIO* bio = BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size()));
    X509* cert = bio ? PEM_read_bio_X509(bio, nullptr, nullptr, nullptr) : nullptr;
    BIO_free(bio);
    std::string der;
    if (cert) {
        unsigned char* out = nullptr;
        int n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &out);
        if (n > 0) der.assign(reinterpret_cast<char*>(out), static_cast<std::size_t>(n));
        OPENSSL_free(out);
        X509_free(cert);
    }
    return der;
}

// One full base64 line from the middle of a PEM file.
std::string pem_body_line(const std::string& pem) {
    std::istringstream in(pem);
    std::string line;
    std::vector<std::string> body;
    while (std::getline(in, line))
        if (line.size() == 64) body.push_back(line);
    return body.empty() ? std::string() : body[body.size() / 2];
}

class TlsKeyMemory : public Tls, public ::testing::WithParamInterface<KeyKind> {};

TEST_P(TlsKeyMemory, TheKeyIsInTheMonitorBeforeLoginAndNowhereElse) {
    certs->use(GetParam());
    const TestCert& cert = certs->of(GetParam());
    const std::string& secret = cert.secret_number;
    ASSERT_GE(secret.size(), 30u);
    const std::string public_key = public_key_der(cert.cert_pem);
    ASSERT_GE(public_key.size(), 60u);
    const std::string key_line = pem_body_line(cert.key_pem);
    ASSERT_EQ(key_line.size(), 64u);
    TlsClient c("127.0.0.1", port());
    ASSERT_EQ(c.line().rfind("+OK", 0), 0u);
    SessionProcesses p = processes_of_the_one_session(daemon_->pid());
    ASSERT_GT(p.front, 0);
    {
        // The greeting comes after the monitor read the key, and after the
        // front made its TLS context from the certificate.
        MemoryScan monitor(p.monitor), front(p.front);
        EXPECT_TRUE(monitor.holds_number(secret)) << "the test cannot see the key where it is";
        EXPECT_TRUE(front.holds(public_key)) << "the test cannot see the certificate in the front";
        EXPECT_FALSE(front.holds_number(secret));
        EXPECT_FALSE(front.holds(key_line));
    }
    c.send("STLS\r\n");
    ASSERT_EQ(c.line().rfind("+OK", 0), 0u);
    ASSERT_TRUE(c.start_tls()) << c.error();
    ASSERT_TRUE(logs_in(c, alice(), alice_password));
    {
        MemoryScan front(p.front), session(p.monitor);
        EXPECT_TRUE(front.holds(public_key)) << "the test cannot see the certificate in the relay";
        EXPECT_FALSE(front.holds_number(secret));
        EXPECT_FALSE(front.holds(key_line));
        // The session as the mailbox owner holds the maildrop's index and the user.
        EXPECT_TRUE(session.holds(alice())) << "the test cannot see the session's own data";
        EXPECT_FALSE(session.holds_number(secret)) << "the session, now the mailbox owner";
        EXPECT_FALSE(session.holds(key_line)) << "the session, now the mailbox owner";
    }
    c.send("QUIT\r\n");
    EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
}

INSTANTIATE_TEST_SUITE_P(Keys, TlsKeyMemory, ::testing::Values(KeyKind::rsa, KeyKind::ecdsa),
                         [](const auto& info) { return info.param == KeyKind::rsa ? "Rsa" : "Ecdsa"; });

}  // namespace
}  // namespace pop3d::e2e
