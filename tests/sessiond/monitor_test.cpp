// The monitor driven by a fake front over a real SOCK_SEQPACKET socketpair:
// the front's frames are queued first, then the monitor runs to its end.
#include "sessiond/monitor.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <utility>
#include <vector>

#include "common/frame.h"
#include "common/unique_fd.h"
#include "sessiond/front_frames.h"

namespace pop3d::session {
namespace {

class FakeVerifier : public Verifier {
public:
    Result<auth::AuthVerdict> verify(const auth::AuthRequest& request) override {
        seen.push_back({request.user, std::string(request.password.view()), request.apop_timestamp,
                        request.mechanism});
        auth::AuthVerdict v;
        if (request.user == "alice" && (request.password.view() == "right" || request.mechanism == auth::Mechanism::apop)) {
            v.outcome = auth::Outcome::accepted;
            v.user = v.owner = "alice";
            v.uid = v.gid = uid;
            v.home = "/home/alice";
        }
        return v;
    }
    struct Seen {
        std::string user, password, timestamp;
        auth::Mechanism mechanism;
    };
    std::vector<Seen> seen;
    uid_t uid = 1001;
};

class MonitorTest : public ::testing::Test {
protected:
    void SetUp() override {
        int sv[2];
        ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
        monitor_.reset(sv[0]);
        front_.reset(sv[1]);
        settings_.apop_timestamp = "<1.2.3@monitor>";
        settings_.max_attempts = 3;
        settings_.client = "192.0.2.1";
        settings_.policy = LoginPolicy{1000, false, 0, "/var/mail/%u", ""};
        // The account database agrees with the fake verifier about alice.
        settings_.lookup = [this](const std::string& name) -> Result<std::optional<privileges::Account>> {
            if (name != "alice") return std::optional<privileges::Account>();
            return std::optional<privileges::Account>({"alice", verifier_.uid, verifier_.uid, "/home/alice"});
        };
    }

    void send(const Secret& whole) { ASSERT_TRUE(send_frame(front_.get(), whole.view()).ok()); }
    void send_raw(std::string_view bytes) { ASSERT_TRUE(send_frame(front_.get(), bytes).ok()); }
    void send_credentials(const std::string& user, const std::string& password) {
        auth::Credentials c;
        c.user = user;
        c.password.assign(password);
        send(*encode_credentials(c));
    }
    MonitorResult run() {
        MonitorResult r = converse_with_front(monitor_.get(), verifier_, settings_);
        monitor_.reset();  // the fake front may now read to the end
        return r;
    }
    std::vector<VerdictFrame> verdicts() {
        std::vector<VerdictFrame> out;
        for (int i = 0; i < 16; ++i) {
            auto f = recv_frame(front_.get());
            if (!f) break;
            auto v = decode_verdict(*f);
            EXPECT_TRUE(v.ok());
            if (v) out.push_back(*v);
        }
        return out;
    }

    UniqueFd monitor_, front_;
    FakeVerifier verifier_;
    MonitorSettings settings_;
};

TEST_F(MonitorTest, GrantsALoginOnAcceptedVerdictAndHandover) {
    send_credentials("alice", "right");
    send(*encode_handover("STAT\r\nQUIT\r\n"));
    MonitorResult r = run();
    ASSERT_TRUE(r.login.has_value()) << ended_name(r.ended);
    EXPECT_EQ(r.login->maildrop, "/var/mail/alice");
    EXPECT_EQ(r.unconsumed, "STAT\r\nQUIT\r\n");
    auto v = verdicts();
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].outcome, auth::Outcome::accepted);
}

// Where TLS is required, a front that sends credentials before any TLS
// start is not ours: nothing reaches the verifier.
TEST_F(MonitorTest, RequiredTlsRefusesCredentialsBeforeTls) {
    settings_.require_tls = true;
    send_credentials("alice", "right");
    send(*encode_handover(""));
    MonitorResult r = run();
    EXPECT_FALSE(r.login.has_value());
    EXPECT_EQ(r.ended, Ended::bad_frame);
    EXPECT_TRUE(verifier_.seen.empty());
}

// A compromised front that goes silent must not keep the root monitor alive.
TEST_F(MonitorTest, SilentFrontEndsTheSessionAfterTheDeadline) {
    settings_.front_timeout_seconds = 1;
    MonitorResult r = run();
    EXPECT_FALSE(r.login.has_value());
    EXPECT_EQ(r.ended, Ended::front_timeout);
}

TEST_F(MonitorTest, SilentFrontAfterAnAcceptedVerdictGetsNoLogin) {
    settings_.front_timeout_seconds = 1;
    send_credentials("alice", "right");
    MonitorResult r = run();
    EXPECT_FALSE(r.login.has_value());
    EXPECT_EQ(r.ended, Ended::front_timeout);
}

// Issue 11, item 1: the monitor's own lookup decides the account; a
// verdict whose ids differ from it grants nothing.
TEST_F(MonitorTest, AVerdictThatDisagreesWithTheAccountDatabaseIsRefused) {
    settings_.lookup = [](const std::string& name) -> Result<std::optional<privileges::Account>> {
        // gid 8, not the verdict's 1001
        return std::optional<privileges::Account>({name, 1001, 8, "/home/alice"});
    };
    send_credentials("alice", "right");
    send(*encode_handover(""));
    MonitorResult r = run();
    EXPECT_FALSE(r.login.has_value());
}

// Issue 11, item 2: every answer that is not a granted login leaves at the
// attempt's deadline, whether pop3d-auth refused at once or the monitor
// refused an accepted verdict; a granted login does not wait.
TEST_F(MonitorTest, EveryFailureWaitsForTheAttemptsDeadlineAndALoginDoesNot) {
    using namespace std::chrono;
    settings_.failure_delay = milliseconds(300);
    auto timed = [&](const std::string& user, uid_t uid, bool handover) {
        MonitorTest::SetUp();
        verifier_.uid = uid;
        settings_.failure_delay = milliseconds(300);
        send_credentials(user, "right");
        if (handover) send(*encode_handover(""));
        send(*encode_end(EndReason::quit));
        auto start = steady_clock::now();
        MonitorResult r = run();
        auto took = steady_clock::now() - start;
        return std::make_pair(r.login.has_value(), took);
    };
    auto [granted, login_time] = timed("alice", 1001, true);
    EXPECT_TRUE(granted);
    EXPECT_LT(login_time, milliseconds(250));
    auto [unknown, unknown_time] = timed("bob", 1001, false);  // the verifier rejects bob
    EXPECT_FALSE(unknown);
    EXPECT_GE(unknown_time, milliseconds(300));
    auto [refused, refused_time] = timed("alice", 999, false);  // accepted, below min_uid
    EXPECT_FALSE(refused);
    EXPECT_GE(refused_time, milliseconds(300));
}

TEST_F(MonitorTest, ApopUsesTheMonitorsOwnTimestamp) {
    auth::Credentials c;
    c.mechanism = auth::Mechanism::apop;
    c.user = "alice";
    c.digest = "c4c9334bac560ecc979e58001b3e22fb";
    send(*encode_credentials(c));
    send(*encode_handover(""));
    MonitorResult r = run();
    ASSERT_TRUE(r.login.has_value());
    ASSERT_EQ(verifier_.seen.size(), 1u);
    EXPECT_EQ(verifier_.seen[0].timestamp, "<1.2.3@monitor>");
    EXPECT_EQ(verifier_.seen[0].mechanism, auth::Mechanism::apop);
}

TEST_F(MonitorTest, MalformedFrameEndsTheSessionWithoutAskingAnyone) {
    send_raw(std::string("\xf1\x01\x00\x00", 4));  // credentials cut short
    send_credentials("alice", "right");
    send(*encode_handover(""));
    MonitorResult r = run();
    EXPECT_FALSE(r.login.has_value());
    EXPECT_EQ(r.ended, Ended::bad_frame);
    EXPECT_TRUE(verifier_.seen.empty());
    EXPECT_TRUE(verdicts().empty());
}

TEST_F(MonitorTest, HandoverBeforeAnyVerdictGrantsNothing) {
    send(*encode_handover("STAT\r\n"));
    MonitorResult r = run();
    EXPECT_FALSE(r.login.has_value());
    EXPECT_EQ(r.ended, Ended::bad_frame);
    EXPECT_TRUE(verifier_.seen.empty());
}

TEST_F(MonitorTest, AFrameOnlyTheMonitorMaySendIsRefused) {
    send(*encode_verdict(VerdictFrame{auth::Outcome::accepted, false}));
    send(*encode_handover(""));
    MonitorResult r = run();
    EXPECT_FALSE(r.login.has_value());
    EXPECT_EQ(r.ended, Ended::bad_frame);
}

TEST_F(MonitorTest, AfterAcceptanceOnlyAHandoverGrantsTheLogin) {
    send_credentials("alice", "right");
    send_credentials("alice", "right");  // not a handover
    MonitorResult r = run();
    EXPECT_FALSE(r.login.has_value());
    EXPECT_EQ(r.ended, Ended::bad_frame);
}

TEST_F(MonitorTest, MaxAttemptsEndsTheSessionAndMarksTheLastVerdict) {
    for (int i = 0; i < 3; ++i) send_credentials("alice", "wrong");
    MonitorResult r = run();
    EXPECT_FALSE(r.login.has_value());
    EXPECT_EQ(r.ended, Ended::too_many_attempts);
    EXPECT_EQ(verifier_.seen.size(), 3u);
    auto v = verdicts();
    ASSERT_EQ(v.size(), 3u);
    EXPECT_EQ(v[0].outcome, auth::Outcome::rejected);
    EXPECT_FALSE(v[1].last);
    EXPECT_TRUE(v[2].last);
}

TEST_F(MonitorTest, AnAcceptedVerdictForRootIsTreatedAsARejection) {
    verifier_.uid = 0;
    send_credentials("alice", "right");
    send(*encode_handover(""));
    MonitorResult r = run();
    EXPECT_FALSE(r.login.has_value());
    auto v = verdicts();
    ASSERT_GE(v.size(), 1u);
    EXPECT_EQ(v[0].outcome, auth::Outcome::rejected);
}

TEST_F(MonitorTest, TheFrontEndingTheSessionIsReportedAsItsReason) {
    send(*encode_end(EndReason::quit));
    MonitorResult r = run();
    EXPECT_FALSE(r.login.has_value());
    EXPECT_EQ(r.ended, Ended::quit);
}

TEST_F(MonitorTest, AFrontThatVanishesGrantsNothing) {
    front_.reset();
    MonitorResult r = converse_with_front(monitor_.get(), verifier_, settings_);
    EXPECT_FALSE(r.login.has_value());
    EXPECT_EQ(r.ended, Ended::front_gone);
}

}  // namespace
}  // namespace pop3d::session
