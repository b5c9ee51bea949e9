// UPDATE under faults: a child runs the rewrite (or the recovery) and
// SIGKILLs itself at call N, for every N of each scenario; or call N fails
// with EIO/ENOSPC. After recover() the file must hold exactly the old or
// exactly the new contents (plus any mail a delivery agent appended after the
// crash), and the journal must be gone.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <random>

#include "common/mbox/update/rewrite.h"
#include "common/mbox/update/rewrite_engine.h"
#include "tests/common/mbox/update/rewrite_fixture.h"

namespace pop3d::mbox::test {
namespace {

constexpr std::uint64_t step = 4096;  // small steps: many calls to stop at
const std::string late_mail = "From late@example.org Mon Nov 23 11:00:00 2026\nlate\n\n";
const std::string mda_mail = "From mda@example.org Mon Nov 23 12:00:00 2026\nafter the crash\n\n";

struct Scenario {
    std::string name;
    std::vector<std::size_t> kept;
    bool appended = false;  // mail delivered during the session
    bool journal = true;
};

class Faults {
public:
    explicit Faults(const Scenario& sc, std::uint64_t seed = 0) : sc_(sc) {
        std::mt19937_64 rng(0xFA17 + seed * 1009 + sc.kept.size() * 31 + sc.appended);
        mbox_ = random_mbox(rng, 8, 12000);
        read_size_ = mbox_.bytes.size();
        old_ = mbox_.bytes + (sc.appended ? late_mail : "");
        keep_ = ranges_of(mbox_, sc.kept);
        new_ = expected_after(old_, keep_, read_size_);
        journal_ = sc.journal ? dir_.file("journal") : "";
    }

    std::string mbox() const { return dir_.file("mbox"); }

    void reset() {
        write_file(mbox(), old_);
        ::unlink(dir_.file("journal").c_str());
        ::unlink(dir_.file("journal.new").c_str());
    }

    Status rewrite_with(RewriteIo& io) {
        int fd = open_rw(mbox());
        auto s = rewrite_in_steps(fd, keep_, read_size_, journal_, io, step);
        ::close(fd);
        return s;
    }

    Status recover_with(RewriteIo& io) {
        int fd = open_rw(mbox());
        auto s = recover(fd, journal_, io);
        ::close(fd);
        return s;
    }

    // Runs `body` in a child that must die of SIGKILL.
    static void in_killed_child(const std::function<void()>& body) {
        pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            body();
            ::_exit(0);
        }
        int status = 0;
        ASSERT_EQ(::waitpid(pid, &status, 0), pid);
        ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "status " << status;
    }

    void append_mda_mail() {
        int fd = ::open(mbox().c_str(), O_WRONLY | O_APPEND);
        ASSERT_GE(fd, 0);
        ASSERT_EQ(::write(fd, mda_mail.data(), mda_mail.size()), static_cast<ssize_t>(mda_mail.size()));
        ::close(fd);
    }

    // After a clean recovery: old or new (with `extra` appended), no journal.
    // Returns true for new.
    bool check_old_or_new(const std::string& extra, const std::string& where) {
        FaultIo io;
        auto s = recover_with(io);
        EXPECT_TRUE(s.ok()) << where << ": " << (s.ok() ? "" : s.error().message);
        std::string now = read_file(mbox());
        bool is_old = now == old_ + extra;
        bool is_new = now == new_ + extra;
        EXPECT_TRUE(is_old || is_new) << sc_.name << " " << where << ": neither old nor new ("
                                      << now.size() << " bytes; old " << old_.size() << ", new "
                                      << new_.size() << ")";
        EXPECT_FALSE(exists(dir_.file("journal"))) << where;
        EXPECT_FALSE(exists(dir_.file("journal.new"))) << where;
        return is_new && !is_old;
    }

    // Calls one undisturbed rewrite makes; checks its result.
    long count_calls() {
        reset();
        FaultIo io;
        auto s = rewrite_with(io);
        // Without a journal only deleting the end (one ftruncate) is allowed.
        EXPECT_EQ(s.ok(), sc_.journal || old_.substr(0, new_.size()) == new_) << sc_.name;
        EXPECT_EQ(read_file(mbox()), s.ok() ? new_ : old_) << sc_.name;
        return io.calls();
    }

    const Scenario& sc_;
    QuietStderr quiet_;
    TempDir dir_{fast_base()};
    Mbox mbox_;
    std::uint64_t read_size_ = 0;
    std::string old_, new_, journal_;
    std::vector<Range> keep_;
};

std::vector<Scenario> scenarios() {
    std::vector<Scenario> out;
    const std::vector<std::pair<std::string, std::vector<std::size_t>>> sets = {
        {"first", {1, 2, 3, 4, 5, 6, 7}},
        {"middle", {0, 1, 2, 4, 5, 6, 7}},
        {"last", {0, 1, 2, 3, 4, 5, 6}},
        {"several", {1, 3, 4, 7}},
        {"all", {}},
    };
    for (bool journal : {true, false}) {
        for (bool appended : {false, true}) {
            for (const auto& [name, kept] : sets) {
                out.push_back(Scenario{name + (appended ? "+appended" : "") +
                                           (journal ? "" : "/no-journal"),
                                       kept, appended, journal});
            }
        }
    }
    return out;
}

TEST(MboxRewriteFaults, KilledAtEveryCallLeavesOldOrNew) {
    long distinct = 0;
    for (std::uint64_t seed = 0; seed < 3; ++seed)
    for (const Scenario& sc : scenarios()) {
        Faults f(sc, seed);
        long total = f.count_calls();
        int news = 0;
        for (long at = 1; at <= total; ++at) {
            f.reset();
            Faults::in_killed_child([&] {
                FaultIo io(at, FaultIo::Action::kill);
                f.rewrite_with(io).ok();
            });
            news += f.check_old_or_new("", sc.name + " kill at " + std::to_string(at));
        }
        distinct += total;
        // The point of no return is somewhere inside: early kills give the
        // old file, late ones the new (for a rewrite that may happen at all).
        if (total > 2) {
            EXPECT_GT(news, 0) << sc.name;
            EXPECT_LT(news, total) << sc.name;
        }
    }
    RecordProperty("kill_points", std::to_string(distinct));
    EXPECT_GE(distinct, 600);
}

TEST(MboxRewriteFaults, MailAppendedAfterTheCrashIsKept) {
    for (std::uint64_t seed = 0; seed < 2; ++seed)
    for (const Scenario& sc : scenarios()) {
        if (!sc.journal) continue;
        Faults f(sc, seed);
        long total = f.count_calls();
        for (long at = 1; at <= total; ++at) {
            f.reset();
            Faults::in_killed_child([&] {
                FaultIo io(at, FaultIo::Action::kill);
                f.rewrite_with(io).ok();
            });
            f.append_mda_mail();
            f.check_old_or_new(mda_mail, sc.name + " kill at " + std::to_string(at) + " then mail");
        }
    }
}

TEST(MboxRewriteFaults, KilledDuringRecoveryThenRecovered) {
    int checked = 0;
    for (const Scenario& sc : scenarios()) {
        if (!sc.journal) continue;
        Faults f(sc);
        long total = f.count_calls();
        for (long at = 3; at <= total; at += 4) {
            f.reset();
            Faults::in_killed_child([&] {
                FaultIo io(at, FaultIo::Action::kill);
                f.rewrite_with(io).ok();
            });
            bool with_mail = at % 8 == 3;
            if (with_mail) f.append_mda_mail();
            std::string crashed = read_file(f.mbox());
            std::string journal = exists(f.dir_.file("journal")) ? read_file(f.dir_.file("journal")) : "";
            bool had_journal = exists(f.dir_.file("journal"));
            FaultIo counter;
            ASSERT_TRUE(f.recover_with(counter).ok());
            for (long in = 1; in <= counter.calls(); ++in) {
                write_file(f.mbox(), crashed);
                if (had_journal) write_file(f.dir_.file("journal"), journal);
                std::string where = sc.name + " kill at " + std::to_string(at) + ", in recovery at " +
                                    std::to_string(in);
                if (in % 2 == 0) {
                    Faults::in_killed_child([&] {
                        FaultIo io(in, FaultIo::Action::kill);
                        f.recover_with(io).ok();
                    });
                } else {
                    FaultIo io(in, FaultIo::Action::fail, EIO);
                    bool ok = f.recover_with(io).ok();
                    EXPECT_EQ(ok, io.hit_a_hint()) << where;
                }
                f.check_old_or_new(with_mail ? mda_mail : "", where);
                ++checked;
            }
        }
    }
    EXPECT_GT(checked, 50);
}

TEST(MboxRewriteFaults, FailedCallsAreReportedAndLeaveOldOrNew) {
    for (const Scenario& sc : scenarios()) {
        Faults f(sc);
        long total = f.count_calls();
        for (long at = 1; at <= total; ++at) {
            f.reset();
            int err = at % 2 ? EIO : ENOSPC;
            FaultIo io(at, FaultIo::Action::fail, err);
            auto s = f.rewrite_with(io);
            std::string where = sc.name + " fail at " + std::to_string(at);
            if (io.hit_a_hint()) {
                EXPECT_TRUE(s.ok() || !sc.journal) << where;
                f.check_old_or_new("", where);
                continue;
            }
            // Deleting only the end falls back to a bare truncation when
            // its journal cannot be made: then the call that failed was in
            // the journal, and the result is the new file.
            if (s.ok() && f.old_.substr(0, f.new_.size()) == f.new_) {
                EXPECT_TRUE(f.check_old_or_new("", where)) << where;
                continue;
            }
            ASSERT_FALSE(s.ok()) << where;
            EXPECT_NE(s.error().message.find(std::strerror(err)), std::string::npos)
                << where << ": " << s.error().message;
            f.check_old_or_new("", where);
        }
    }
}

}  // namespace
}  // namespace pop3d::mbox::test
