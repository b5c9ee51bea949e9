// pop3d behind a real HAProxy (Debian's) speaking the PROXY protocol, on
// loopback: with send-proxy (v1) and send-proxy-v2 the client's address is
// the one logged and counted by max_sessions_per_ip; a header from outside
// proxy_from and a connection without one are refused; pop3d-session -p
// reads the header itself under a superserver (socat here); implicit TLS
// after the header (proxy_tls_listen, pop3d-session -p -T); two listeners
// behind one HAProxy share /var/mail (the second session of a user gets
// [IN-USE], and mail delivered during a download-and-delete loop is never
// lost). Clients bind 127.0.0.2 and 127.0.0.3 so that they differ from
// HAProxy's own 127.0.0.1.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <lockfile.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <thread>

#include "tests/e2e/accounts.h"
#include "tests/e2e/harness.h"
#include "tests/e2e/superserver.h"
#include "tests/e2e/tls_client.h"
#include "tests/support/test_cert.h"

namespace pop3d::e2e {
namespace {

// One HAProxy frontend: its port and the server line behind it.
struct Route {
    int port;
    std::string server;  // e.g. "127.0.0.1:PORT send-proxy"
};

// haproxy -db (foreground) with one frontend and backend per route, stopped
// by its pid. The health check is the one the README shows: a connection
// that must be greeted with +OK.
class HaProxy {
public:
    HaProxy(const TempDir& dir, const std::vector<Route>& routes, bool health_check = false) {
        std::string cfg = "global\n    maxconn 200\n"
                          "defaults\n    mode tcp\n    timeout connect 5s\n    timeout client 60s\n"
                          "    timeout server 60s\n";
        for (std::size_t i = 0; i < routes.size(); ++i) {
            std::string n = std::to_string(i);
            cfg += "frontend f" + n + "\n    bind 127.0.0.1:" + std::to_string(routes[i].port) + "\n    default_backend b" +
                   n + "\nbackend b" + n + "\n";
            if (health_check) cfg += "    option tcp-check\n    tcp-check expect string +OK\n";
            cfg += "    server s" + n + " " + routes[i].server + (health_check ? " check inter 30s" : "") + "\n";
        }
        std::string path = dir.write("haproxy.cfg", cfg, 0644);
        log_ = dir.path() + "/haproxy.log";
        process_ = std::make_unique<Process>(std::vector<std::string>{"/usr/sbin/haproxy", "-db", "-f", path}, log_);
        for (const auto& r : routes)
            ready_ = ready_ && eventually(5000, [&] { return Client("127.0.0.1", r.port).connected(); });
    }
    bool ready() const { return ready_; }
    std::string log() const { return read_file(log_); }

private:
    std::string log_;
    std::unique_ptr<Process> process_;
    bool ready_ = true;
};

bool login(Client& c, const std::string& user, const std::string& password, std::string* reply = nullptr,
           bool greeted = false) {
    if (!greeted && c.line().rfind("+OK", 0) != 0) return false;
    c.send("USER " + user + "\r\nPASS " + password + "\r\n");
    c.line();
    std::string r = c.line();
    if (reply) *reply = r;
    return r.rfind("+OK", 0) == 0;
}

class HaProxyFront : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (access("/usr/sbin/haproxy", X_OK) != 0) {
            why_ = "haproxy is not installed (make deps)";
            return;
        }
        if (!run_postinst()) {
            why_ = "needs root";
            return;
        }
        accounts_ = Accounts::create(&why_).release();
    }
    static void TearDownTestSuite() {
        delete accounts_;
        accounts_ = nullptr;
    }
    void SetUp() override {
        if (!accounts_) GTEST_SKIP() << why_;
    }
    // A listener with a PROXY address (besides the plain one base_config
    // gives) trusting 127.0.0.1, HAProxy's source address here. The
    // listeners run in the foreground, so they share no pid file.
    static std::string proxy_config(const std::string& name, int proxy_port, const std::string& extra = "") {
        return accounts_->dir().write(
            name, base_config(accounts_->dir().path(),
                              "[server]\nproxy_listen = 127.0.0.1:" + std::to_string(proxy_port) +
                                  "\nproxy_from = 127.0.0.1/32\nproxy_header_timeout = 2\n" + extra),
            0644);
    }

    // Two listeners sharing /var/mail, as two hosts would, behind one
    // HAProxy: front1 reaches the one with send-proxy, front2 the other
    // with send-proxy-v2. Their configurations are PREFIX1.conf and
    // PREFIX2.conf.
    struct TwoListeners {
        TwoListeners(const std::string& prefix, bool health_check)
            : one(proxy_config(prefix + "1.conf", back1), dir.file("one.log")),
              two(proxy_config(prefix + "2.conf", back2), dir.file("two.log")),
              haproxy(dir,
                      {{front1, "127.0.0.1:" + std::to_string(back1) + " send-proxy"},
                       {front2, "127.0.0.1:" + std::to_string(back2) + " send-proxy-v2"}},
                      health_check) {}
        TempDir dir;
        const int back1 = unused_port(), back2 = unused_port();
        const int front1 = unused_port(), front2 = unused_port();
        Daemon one, two;
        HaProxy haproxy;
    };

    static std::string alice() { return accounts_->alice().name(); }
    static Accounts* accounts_;
    static std::string why_;
};
Accounts* HaProxyFront::accounts_ = nullptr;
std::string HaProxyFront::why_;

TEST_F(HaProxyFront, SendProxyV1AndV2GiveTheClientsAddressToLogsAndLimits) {
    ASSERT_TRUE(accounts_->alice().write_maildrop(sample_mbox(1)));
    TempDir dir;
    const int back = unused_port(), v1 = unused_port(), v2 = unused_port();
    std::string config = proxy_config("a.conf", back, "max_sessions_per_ip = 1\n");
    Daemon daemon(config, dir.path() + "/pop3d.log");
    ASSERT_TRUE(daemon.ready()) << daemon.log();
    HaProxy haproxy(dir, {{v1, "127.0.0.1:" + std::to_string(back) + " send-proxy"},
                          {v2, "127.0.0.1:" + std::to_string(back) + " send-proxy-v2"}});
    ASSERT_TRUE(haproxy.ready()) << haproxy.log();

    // A failed login through v1 is logged with the client's address.
    {
        Client c("127.0.0.1", v1, "127.0.0.2");
        std::string reply;
        EXPECT_FALSE(login(c, alice(), "wrong", &reply));
        EXPECT_EQ(reply.rfind("-ERR", 0), 0u) << reply;
        c.send("QUIT\r\n");
        c.line();
    }
    EXPECT_TRUE(eventually(3000, [&] {
        return daemon.log().find("login failed for user \"" + alice() + "\" from 127.0.0.2 with USER/PASS") != std::string::npos;
    })) << daemon.log();
    EXPECT_TRUE(eventually(3000, [&] { return daemon.log().find("client=127.0.0.2 ") != std::string::npos; }))
        << daemon.log();
    EXPECT_EQ(daemon.log().find("from 127.0.0.1 "), std::string::npos) << daemon.log();
    // fail2ban's filter (etc/fail2ban) matches the line the server wrote and
    // bans the client, not HAProxy.
    int status = -1;
    std::string f2b = shell("fail2ban-regex --datepattern '{NONE}' -v " + dir.path() + "/pop3d.log " + source_dir() +
                                "/etc/fail2ban/filter.d/pop3d.conf",
                            &status);
    EXPECT_EQ(status, 0) << f2b;
    EXPECT_NE(f2b.find(", 1 matched,"), std::string::npos) << f2b;
    EXPECT_NE(f2b.find("|      127.0.0.2  "), std::string::npos) << f2b;
    EXPECT_EQ(f2b.find("|      127.0.0.1  "), std::string::npos) << f2b;

    // max_sessions_per_ip = 1 counts 127.0.0.2 and 127.0.0.3 apart, though
    // every connection comes from HAProxy's 127.0.0.1; v1 and v2 alike.
    // The session above may not be reaped yet: greeted is admitted.
    std::unique_ptr<Client> held;
    ASSERT_TRUE(eventually(3000, [&] {
        held = std::make_unique<Client>("127.0.0.1", v1, "127.0.0.2");
        return held->line().rfind("+OK", 0) == 0;
    }));
    Client& first = *held;
    EXPECT_TRUE(login(first, alice(), alice_password, nullptr, true));
    Client second("127.0.0.1", v2, "127.0.0.2");
    EXPECT_EQ(second.line(), "-ERR [SYS/TEMP] too many sessions from your address, try again later");
    Client third("127.0.0.1", v2, "127.0.0.3");
    EXPECT_EQ(third.line().rfind("+OK", 0), 0u);
    EXPECT_TRUE(eventually(3000, [&] {
        return daemon.log().find("refused 127.0.0.2: 1 sessions from this address") != std::string::npos;
    })) << daemon.log();
    first.send("QUIT\r\n");
    EXPECT_EQ(first.line().rfind("+OK", 0), 0u);
    EXPECT_TRUE(eventually(3000, [&] {
        return daemon.log().find("user \"" + alice() + "\" logged in from 127.0.0.2") != std::string::npos;
    })) << daemon.log();
}

TEST_F(HaProxyFront, NoHeaderOrAHeaderFromOutsideProxyFromIsRefused) {
    TempDir dir;
    const int back = unused_port(), outside = unused_port();
    Daemon daemon(proxy_config("b.conf", back), dir.path() + "/pop3d.log");
    ASSERT_TRUE(daemon.ready()) << daemon.log();
    // HAProxy connecting from 127.0.0.9, which proxy_from does not name.
    HaProxy haproxy(dir, {{outside, "127.0.0.1:" + std::to_string(back) + " send-proxy-v2 source 127.0.0.9"}});
    ASSERT_TRUE(haproxy.ready()) << haproxy.log();
    {
        Client c("127.0.0.1", outside, "127.0.0.2");
        EXPECT_TRUE(c.closed_by_server());
    }
    EXPECT_TRUE(eventually(3000, [&] {
        return daemon.log().find("refused 127.0.0.9 on 127.0.0.1:" + std::to_string(back) + " (PROXY protocol): not in proxy_from") !=
               std::string::npos;
    })) << daemon.log();
    // Straight to the PROXY address, without a header: POP3 bytes...
    {
        Client c("127.0.0.1", back);
        ASSERT_TRUE(c.connected());
        c.send("USER " + alice() + "\r\n");
        EXPECT_TRUE(c.closed_by_server());
    }
    EXPECT_TRUE(eventually(3000, [&] {
        return daemon.log().find("refused 127.0.0.1: PROXY header: the connection does not start with one") !=
               std::string::npos;
    })) << daemon.log();
    // ... or nothing at all, until proxy_header_timeout.
    {
        Client c("127.0.0.1", back);
        ASSERT_TRUE(c.connected());
        EXPECT_TRUE(c.closed_by_server());
    }
    EXPECT_TRUE(eventually(4000, [&] {
        return daemon.log().find("refused 127.0.0.1: PROXY header: not sent within the deadline") != std::string::npos;
    })) << daemon.log();
    // The plain address never takes a header: it is a POP3 client's line.
    Client plain_client("127.0.0.1", daemon.port());
    EXPECT_EQ(plain_client.line().rfind("+OK", 0), 0u);
    EXPECT_EQ(daemon.log().find("session: user=\"-\" client=127.0.0.2"), std::string::npos);
}

// Under a superserver there is no listener: pop3d-session -p reads the
// header before anything else.
TEST_F(HaProxyFront, SessionOptionPReadsTheHeaderUnderASuperserver) {
    TempDir dir;
    int back = 0;
    const int v2 = unused_port();
    std::string log = dir.path() + "/socat.log";
    // The session takes proxy_from from the configuration; proxy_listen is
    // the listener's, unused here.
    auto socat = socat_running(bin_dir() + "/pop3d-session -e -p -f " + proxy_config("c.conf", 0) + ",nofork", log,
                               &back);
    ASSERT_TRUE(socat);
    HaProxy haproxy(dir, {{v2, "127.0.0.1:" + std::to_string(back) + " send-proxy-v2"}});
    ASSERT_TRUE(haproxy.ready()) << haproxy.log();
    {
        Client c("127.0.0.1", v2, "127.0.0.3");
        std::string reply;
        EXPECT_FALSE(login(c, alice(), "wrong", &reply));
        c.send("QUIT\r\n");
        c.line();
    }
    EXPECT_TRUE(eventually(3000, [&] {
        return read_file(log).find("login failed for user \"" + alice() + "\" from 127.0.0.3 with USER/PASS") !=
               std::string::npos;
    })) << read_file(log);
    // Without a header.
    {
        Client c("127.0.0.1", back);
        c.send("CAPA\r\n");
        EXPECT_TRUE(c.closed_by_server());
    }
    EXPECT_TRUE(eventually(3000, [&] {
        return read_file(log).find("refused 127.0.0.1: PROXY header: the connection does not start with one") !=
               std::string::npos;
    })) << read_file(log);
}

// Implicit TLS behind the balancer: on a proxy_tls_listen address, and
// under a superserver with pop3d-session -p -T, the PROXY header comes
// first and the TLS handshake after it; the header's address is the
// client's in the log and the session summary.
TEST_F(HaProxyFront, ImplicitTlsAfterTheHeaderOnProxyTlsListenAndWithSessionOptionsPT) {
    ASSERT_TRUE(accounts_->alice().write_maildrop(sample_mbox(1)));
    TempDir dir;
    const testing::TestCert cert = testing::make_test_cert(dir.path(), "server", testing::KeyKind::ecdsa);
    ASSERT_FALSE(cert.key_path.empty());
    const int listener_back = unused_port(), v2 = unused_port(), v1 = unused_port();
    const std::string config = accounts_->dir().write(
        "tls-proxy.conf",
        base_config(accounts_->dir().path(), "[server]\nproxy_tls_listen = 127.0.0.1:" + std::to_string(listener_back) +
                                                 "\nproxy_from = 127.0.0.1/32\nproxy_header_timeout = 2\n[tls]\ncert = " +
                                                 cert.cert_path + "\nkey = " + cert.key_path + "\n"),
        0644);
    Daemon daemon(config, dir.path() + "/pop3d.log");
    ASSERT_TRUE(daemon.ready()) << daemon.log();
    const std::string socat_log = dir.path() + "/socat.log";
    int session_back = 0;
    auto socat = socat_running(bin_dir() + "/pop3d-session -e -p -T -f " + config + ",nofork", socat_log,
                               &session_back);
    ASSERT_TRUE(socat);
    HaProxy haproxy(dir, {{v2, "127.0.0.1:" + std::to_string(listener_back) + " send-proxy-v2"},
                          {v1, "127.0.0.1:" + std::to_string(session_back) + " send-proxy"}});
    ASSERT_TRUE(haproxy.ready()) << haproxy.log();
    const std::string summary = "session: user=\"" + alice() + "\" client=127.0.0.2 tls=TLSv1.3/";
    // Not a structured binding: clang 14 (make test-asan) cannot capture one.
    for (const auto& route : {std::pair{v2, std::string("listener")}, std::pair{v1, std::string("session")}}) {
        const int front = route.first;
        const bool by_listener = route.second == "listener";
        SCOPED_TRACE(route.second);
        auto server_log = [&] { return by_listener ? daemon.log() : read_file(socat_log); };
        TlsClient c("127.0.0.1", front, "127.0.0.2");
        ASSERT_TRUE(c.start_tls()) << c.error();
        ASSERT_EQ(c.line().rfind("+OK", 0), 0u);
        c.send("USER " + alice() + "\r\nPASS " + alice_password + "\r\nSTAT\r\nQUIT\r\n");
        EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
        EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
        EXPECT_EQ(c.line().rfind("+OK 1 ", 0), 0u);
        EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
        EXPECT_TRUE(eventually(3000, [&] { return server_log().find(summary) != std::string::npos; })) << server_log();
    }
    EXPECT_EQ(daemon.log().find("client=127.0.0.1 tls=TLSv1.3/"), std::string::npos) << daemon.log();
}

// A delivery agent's append: the dotlock (liblockfile, as root) and an
// fcntl lock, like procmail or Debian's MDAs. The dotlock is retried every
// 10 ms for at most 10 s: liblockfile's own retries sleep 5 s, 10 s, ...
// after meeting a session's dotlock, so with them one delivery took 5 s and
// the download loop, seeing a truly empty mbox, ran out of rounds before the
// agent had delivered (procmail's LOCKSLEEP=1 in mda_locking_test is the
// same remedy).
bool deliver(const std::string& maildrop, const std::string& message) {
    std::string lock = maildrop + ".lock";
    int tries = 0;
    while (lockfile_create(lock.c_str(), 0, 0) != L_SUCCESS) {
        if (++tries == 1000) return false;
        usleep(10000);
    }
    bool ok = false;
    int fd = open(maildrop.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd >= 0) {
        struct flock fl{};
        fl.l_type = F_WRLCK;
        fl.l_whence = SEEK_SET;
        if (fcntl(fd, F_SETLKW, &fl) == 0) {
            ok = write(fd, message.data(), message.size()) == static_cast<ssize_t>(message.size()) && fsync(fd) == 0;
            fl.l_type = F_UNLCK;
            fcntl(fd, F_SETLK, &fl);
        }
        close(fd);
    }
    lockfile_remove(lock.c_str());
    return ok;
}

TEST_F(HaProxyFront, TwoListenersSharingVarMailLockEachOtherOut) {
    ASSERT_TRUE(accounts_->alice().write_maildrop(sample_mbox(2)));
    TwoListeners hosts("d", true);
    ASSERT_TRUE(hosts.one.ready() && hosts.two.ready()) << hosts.one.log() << hosts.two.log();
    ASSERT_TRUE(hosts.haproxy.ready()) << hosts.haproxy.log();

    // One user, two hosts' listeners: the second session is [IN-USE].
    {
        Client a("127.0.0.1", hosts.front1, "127.0.0.2");
        ASSERT_TRUE(login(a, alice(), alice_password));
        Client b("127.0.0.1", hosts.front2, "127.0.0.3");
        std::string reply;
        EXPECT_FALSE(login(b, alice(), alice_password, &reply));
        EXPECT_EQ(reply.rfind("-ERR [IN-USE]", 0), 0u) << reply;
        a.send("QUIT\r\n");
        EXPECT_EQ(a.line().rfind("+OK", 0), 0u);
    }
}

TEST_F(HaProxyFront, DownloadAndDeleteLoopWhileDeliveringLosesNothing) {
    TwoListeners hosts("e", false);
    ASSERT_TRUE(hosts.one.ready() && hosts.two.ready()) << hosts.one.log() << hosts.two.log();
    ASSERT_TRUE(hosts.haproxy.ready()) << hosts.haproxy.log();
    // Download and delete in a loop, alternating the back ends, while a
    // delivery agent appends to the same mbox: every message arrives once.
    ASSERT_TRUE(accounts_->alice().write_maildrop(""));
    constexpr int deliveries = 60;
    std::atomic<bool> delivered_all{false};
    std::atomic<int> delivery_failures{0};
    std::thread agent([&] {
        for (int i = 0; i < deliveries; ++i) {
            std::string m = "From mda@example.org Mon Nov 30 23:00:00 2026\nSubject: delivery " + std::to_string(i) +
                            "\n\nbody " + std::to_string(i) + "\n\n";
            if (!deliver(accounts_->alice().maildrop(), m)) ++delivery_failures;
            usleep(20000);
        }
        delivered_all = true;
    });
    std::map<std::string, int> seen;
    bool failed = false;
    // Bounded: the loop goes on at most 400 rounds and 40 s, and ends after
    // two whole sessions begun once the agent was done (they collect the
    // last deliveries).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(40);
    int rounds_after = 0;
    int round = 0;
    int serving_rounds = 0;  // sessions that found mail: the loop and the agent overlapped
    for (; round < 400 && rounds_after < 2 && !failed && std::chrono::steady_clock::now() < deadline; ++round) {
        const bool after_agent = delivered_all;
        Client c("127.0.0.1", round % 2 ? hosts.front2 : hosts.front1, round % 2 ? "127.0.0.3" : "127.0.0.2");
        std::string reply;
        if (!login(c, alice(), alice_password, &reply)) {
            // The agent may hold the lock a moment: [IN-USE] is fine, retry.
            if (reply.rfind("-ERR [IN-USE]", 0) != 0) {
                ADD_FAILURE() << "round " << round << ": " << reply;
                failed = true;
            }
            continue;
        }
        c.send("STAT\r\n");
        std::string stat = c.line();
        int n = std::atoi(stat.c_str() + 4);
        if (n > 0) ++serving_rounds;
        for (int i = 1; i <= n; ++i) {
            c.send("RETR " + std::to_string(i) + "\r\n");
            if (c.line().rfind("+OK", 0) != 0) {
                failed = true;
                break;
            }
            for (const auto& l : c.multiline())
                if (l.rfind("Subject: ", 0) == 0) ++seen[l.substr(9)];
            c.send("DELE " + std::to_string(i) + "\r\n");
            c.line();
        }
        c.send("QUIT\r\n");
        std::string bye = c.line();
        if (bye.rfind("+OK", 0) != 0) {
            ADD_FAILURE() << "round " << round << ": QUIT: " << bye;
            failed = true;
        }
        if (after_agent) ++rounds_after;
    }
    agent.join();
    EXPECT_EQ(rounds_after, 2) << "the loop ended on its bound after " << round << " rounds";
    EXPECT_GT(serving_rounds, 2) << "in " << round << " rounds";
    EXPECT_FALSE(failed);
    EXPECT_EQ(delivery_failures.load(), 0);
    for (int i = 0; i < deliveries; ++i)
        EXPECT_EQ(seen["delivery " + std::to_string(i)], 1) << "delivery " << i;
    EXPECT_EQ(seen.size(), static_cast<std::size_t>(deliveries));
    EXPECT_EQ(accounts_->alice().read_maildrop(), "");
}

}  // namespace
}  // namespace pop3d::e2e
