// A test suite that shares one set of test accounts and one listener, started
// once for the suite. Each Suite (CRTP) gets its own accounts and listener.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "tests/e2e/accounts.h"
#include "tests/e2e/harness.h"

namespace pop3d::e2e {

template <class Suite>
class ServedSuite : public ::testing::Test {
protected:
    // extra: configuration lines added to base_config.
    static void start_server(const std::string& extra = "") {
        accounts_ = Accounts::create(&why_).release();
        if (!accounts_) return;
        std::string dir = accounts_->dir().path();
        config_text_ = base_config(dir, extra);
        daemon_ = new Daemon(accounts_->dir().write("pop3d.conf", config_text_), dir + "/pop3d.log");
    }
    static void TearDownTestSuite() {
        delete daemon_;
        delete accounts_;
        daemon_ = nullptr;
        accounts_ = nullptr;
    }
    void SetUp() override {
        if (!accounts_) {
            // As root the accounts must be made; only without root is it a skip.
            if (geteuid() == 0) FAIL() << "cannot create the test accounts: " << why_;
            GTEST_SKIP() << why_;
        }
        ASSERT_TRUE(daemon_->ready()) << daemon_->log();
        // A session of the last test may still be ending (UPDATE, locks);
        // a new login to the same maildrop would meet [IN-USE].
        ASSERT_TRUE(eventually(5000, [] { return children_of(daemon_->pid()).empty(); }));
    }

    // The port the kernel gave the listener.
    static int port() { return daemon_->port(); }
    static int tls_port() { return daemon_->tls_port(); }
    static std::string alice() { return accounts_->alice().name(); }
    // The accounts' directory, where a client's files go.
    static std::string dir() { return accounts_->dir().path(); }

    // Both messages of sample_mbox(2) arrived once in `delivered` (where the
    // client put them), and alice's maildrop is empty. `output`, what the
    // client printed, explains a failure.
    static void expect_retrieved_and_deleted(const std::string& delivered, const std::string& output) {
        EXPECT_EQ(occurrences(delivered, "Subject: message number 1"), 1u) << output;
        EXPECT_EQ(occurrences(delivered, "Subject: message number 2"), 1u) << output;
        EXPECT_TRUE(eventually(3000, [] { return accounts_->alice().read_maildrop().empty(); }))
            << accounts_->alice().read_maildrop();
    }

    static inline Accounts* accounts_ = nullptr;
    static inline std::string why_;
    static inline std::string config_text_;
    static inline Daemon* daemon_ = nullptr;
};

}  // namespace pop3d::e2e
