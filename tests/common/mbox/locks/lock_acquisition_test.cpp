// The acquisition loop against fake locks in a fake world whose time moves
// only when the loop pauses. Other programs are actors that move one step
// per millisecond: a delivery agent that takes the same locks in its own
// order and waits on each while holding the ones before it (as procmail and
// Postfix's local do with fcntl after the dotlock), and schedules that hold
// a lock over given intervals (released and re-taken between attempts).
#include "common/mbox/locks/lock_acquisition.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <optional>

namespace pop3d::mbox {
namespace {

using std::chrono::milliseconds;

constexpr int free_lock = -1;
constexpr int ours = 0;

struct World {
    long now_ms = 0;
    std::vector<int> owner;  // free_lock, ours, or the pid of another program
    std::vector<std::function<void(World&)>> actors;

    explicit World(std::size_t locks) : owner(locks, free_lock) {}
    void tick() {
        ++now_ms;
        for (auto& act : actors) act(*this);
    }
    bool we_hold_any() const { return std::count(owner.begin(), owner.end(), ours) > 0; }
};

class FakeLocks final : public LockSet {
public:
    explicit FakeLocks(World& w) : w_(w) {}
    std::size_t size() const override { return w_.owner.size(); }
    std::string name(std::size_t i) const override { return "L" + std::to_string(i); }
    LockTry try_lock(std::size_t i) override {
        ++tries;
        if (fail_at && *fail_at == i) return LockTry{LockTry::Outcome::failed, 0, "L" + std::to_string(i) + " broke"};
        EXPECT_NE(w_.owner[i], ours) << "lock " << i << " taken twice";
        if (w_.owner[i] != free_lock) return LockTry{LockTry::Outcome::busy, w_.owner[i], {}};
        w_.owner[i] = ours;
        return LockTry{LockTry::Outcome::taken, 0, i == note_at ? "note from L" + std::to_string(i) : ""};
    }
    void unlock(std::size_t i) override {
        EXPECT_EQ(w_.owner[i], ours) << "lock " << i << " released but not held";
        w_.owner[i] = free_lock;
    }

    std::optional<std::size_t> fail_at;
    std::size_t note_at = 99;
    int tries = 0;

private:
    World& w_;
};

class FakePacer final : public Pacer {
public:
    explicit FakePacer(World& w) : w_(w) {}
    std::chrono::steady_clock::time_point now() override {
        return std::chrono::steady_clock::time_point(milliseconds(w_.now_ms));
    }
    void pause(milliseconds how_long) override {
        pauses.push_back(how_long);
        if (w_.we_hold_any()) held_while_pausing = true;
        for (long i = 0; i < how_long.count(); ++i) w_.tick();
    }
    std::uint32_t uniform(std::uint32_t upper) override {
        seed_ = seed_ * 1103515245u + 12345u;  // deterministic, varied enough
        return (seed_ >> 8) % upper;
    }

    std::vector<milliseconds> pauses;
    bool held_while_pausing = false;

private:
    World& w_;
    std::uint32_t seed_ = 7;
};

// A delivery agent: from tick `start`, takes its locks in `order`, one a
// tick, waiting on a busy one while keeping those it has; holds all for
// `hold` ticks, then lets go of all.
struct Agent {
    std::vector<std::size_t> order;
    int pid = 4242;
    long start = 1;
    long hold = 20;
    std::size_t next = 0;
    long held_since = -1;
    long done_at = -1;

    void act(World& w) {
        if (done_at >= 0 || w.now_ms < start) return;
        if (next < order.size()) {
            if (w.owner[order[next]] == free_lock) w.owner[order[next++]] = pid;
            return;
        }
        if (held_since < 0) held_since = w.now_ms;
        if (w.now_ms - held_since < hold) return;
        for (std::size_t i : order) w.owner[i] = free_lock;
        done_at = w.now_ms;
    }
};

const AcquirePolicy policy{milliseconds(2000), milliseconds(10), milliseconds(100)};

void expect_none_held(const World& w) { EXPECT_FALSE(w.we_hold_any()); }

TEST(LockAcquisition, FreeLocksAreTakenInOrderAtOnce) {
    World w(3);
    FakeLocks locks(w);
    FakePacer pacer(w);
    Acquisition a = acquire_all(locks, policy, pacer);
    ASSERT_TRUE(a.status.ok());
    EXPECT_EQ(w.owner, (std::vector<int>{ours, ours, ours}));
    EXPECT_EQ(a.wait.rounds, 1u);
    EXPECT_EQ(a.wait.waited, milliseconds(0));
    EXPECT_TRUE(a.wait.busy_lock.empty());
    EXPECT_TRUE(pacer.pauses.empty());
    release_first(locks, locks.size());
    expect_none_held(w);
}

// Every order of ours against every order of a delivery agent that waits
// while holding, caught at every stage of its acquisition: no deadlock, we
// never pause holding a lock, the agent finishes, and we get all the locks
// soon after it lets go.
TEST(LockAcquisition, NoOrderOfAnAgentThatWaitsWhileHoldingDeadlocks) {
    std::vector<std::size_t> theirs{0, 1, 2};
    int cases = 0;
    do {
        std::vector<std::size_t> our_order{0, 1, 2};
        do {
            for (long stage = 0; stage <= 4; ++stage) {
                SCOPED_TRACE("theirs " + std::to_string(theirs[0]) + std::to_string(theirs[1]) +
                             std::to_string(theirs[2]) + " ours " + std::to_string(our_order[0]) +
                             std::to_string(our_order[1]) + std::to_string(our_order[2]) + " stage " +
                             std::to_string(stage));
                World w(3);
                Agent agent{theirs};
                w.actors.push_back([&](World& world) { agent.act(world); });
                // The agent holds `stage` locks (4: all, and holds them) when we try.
                for (long i = 0; i < stage; ++i) w.tick();
                FakeLocks fake(w);

                // Our order is a permutation of the lock indices.
                class Reordered final : public LockSet {
                public:
                    Reordered(FakeLocks& l, std::vector<std::size_t> o) : l_(l), o_(std::move(o)) {}
                    std::size_t size() const override { return o_.size(); }
                    std::string name(std::size_t i) const override { return l_.name(o_[i]); }
                    LockTry try_lock(std::size_t i) override { return l_.try_lock(o_[i]); }
                    void unlock(std::size_t i) override { l_.unlock(o_[i]); }

                private:
                    FakeLocks& l_;
                    std::vector<std::size_t> o_;
                } locks(fake, our_order);
                FakePacer pacer(w);
                Acquisition a = acquire_all(locks, policy, pacer);
                ASSERT_TRUE(a.status.ok()) << a.status.error().message;
                EXPECT_FALSE(pacer.held_while_pausing);
                if (stage > 0) {
                    // The agent had begun: it went first and finished.
                    EXPECT_GE(agent.done_at, 0);
                    EXPECT_EQ(a.wait.holder, agent.pid);
                    EXPECT_LE(a.wait.waited.count(), agent.hold + static_cast<long>(theirs.size()) +
                                                         policy.backoff_max.count());
                }
                EXPECT_EQ(w.owner, (std::vector<int>{ours, ours, ours}));
                release_first(locks, locks.size());
                expect_none_held(w);
                // An agent that had not begun gets them after us.
                for (int i = 0; i < 200 && agent.done_at < 0; ++i) w.tick();
                EXPECT_GE(agent.done_at, 0);
                ++cases;
            }
        } while (std::next_permutation(our_order.begin(), our_order.end()));
    } while (std::next_permutation(theirs.begin(), theirs.end()));
    EXPECT_EQ(cases, 6 * 6 * 5);
}

// Two locks against an agent in either order: the same order, and the case
// that deadlocked before (we fcntl first, the agent dotlock first and then waiting in
// F_SETLKW for the fcntl lock we would hold).
TEST(LockAcquisition, TwoLocksAgainstAnAgentInEitherOrder) {
    for (std::vector<std::size_t> theirs : {std::vector<std::size_t>{0, 1}, std::vector<std::size_t>{1, 0}}) {
        World w(2);
        Agent agent{theirs};
        agent.hold = 30;
        w.actors.push_back([&](World& world) { agent.act(world); });
        w.tick();  // the agent holds its first lock and waits for its second
        ASSERT_EQ(w.owner[theirs[0]], agent.pid);
        FakeLocks locks(w);  // our order: 0 then 1
        FakePacer pacer(w);
        Acquisition a = acquire_all(locks, policy, pacer);
        ASSERT_TRUE(a.status.ok());
        EXPECT_FALSE(pacer.held_while_pausing);
        EXPECT_GE(agent.done_at, 0);
        EXPECT_GT(a.wait.rounds, 1u);
        EXPECT_LE(a.wait.waited.count(), 31 + policy.backoff_max.count());
        release_first(locks, 2);
    }
}

// The second lock is let go and taken again by another program between our
// attempts, several times: we let go of the first each time, and get both
// in the first gap that falls on an attempt.
TEST(LockAcquisition, LockReleasedAndRetakenBetweenAttempts) {
    World w(2);
    // Held by pid 77 except for 3 ms every 40 ms, until t = 400; free after.
    w.actors.push_back([](World& world) {
        const bool wants = world.now_ms < 400 && world.now_ms % 40 >= 3;
        if (wants && world.owner[1] == free_lock) world.owner[1] = 77;
        if (!wants && world.owner[1] == 77) world.owner[1] = free_lock;
    });
    w.tick();
    w.tick();
    w.tick();
    w.tick();
    ASSERT_EQ(w.owner[1], 77);
    FakeLocks locks(w);
    FakePacer pacer(w);
    Acquisition a = acquire_all(locks, policy, pacer);
    ASSERT_TRUE(a.status.ok());
    EXPECT_FALSE(pacer.held_while_pausing);
    EXPECT_GT(a.wait.rounds, 2u);
    EXPECT_EQ(a.wait.busy_lock, "L1");
    EXPECT_EQ(a.wait.holder, 77);
    EXPECT_EQ(locks.tries, static_cast<int>(2 * a.wait.rounds));  // L0 taken and let go each round
    EXPECT_LE(a.wait.waited.count(), 400 + policy.backoff_max.count());
    release_first(locks, 2);
}

TEST(LockAcquisition, BusyUntilTheDeadlineIsInUseAndHoldsNothing) {
    World w(2);
    w.owner[1] = 31337;  // never let go
    FakeLocks locks(w);
    FakePacer pacer(w);
    Acquisition a = acquire_all(locks, policy, pacer);
    ASSERT_FALSE(a.status.ok());
    EXPECT_EQ(a.status.error().kind, ErrorKind::in_use);
    EXPECT_EQ(a.status.error().message, "L1 lock held by pid 31337");
    expect_none_held(w);
    EXPECT_FALSE(pacer.held_while_pausing);
    // It waited the timeout, not less and not a pause longer.
    EXPECT_GE(a.wait.waited, policy.timeout);
    EXPECT_LE(a.wait.waited, policy.timeout + milliseconds(1));
    // Every pause random within the bounds, the last one cut at the deadline.
    ASSERT_GT(pacer.pauses.size(), 2u);
    std::vector<long> distinct;
    for (std::size_t i = 0; i + 1 < pacer.pauses.size(); ++i) {
        EXPECT_GE(pacer.pauses[i], policy.backoff_min);
        EXPECT_LE(pacer.pauses[i], policy.backoff_max);
        distinct.push_back(pacer.pauses[i].count());
    }
    std::sort(distinct.begin(), distinct.end());
    EXPECT_GT(std::unique(distinct.begin(), distinct.end()) - distinct.begin(), 5);
}

TEST(LockAcquisition, UnknownHolderIsSaidSo) {
    LockWait wait;
    wait.busy_lock = "flock";
    EXPECT_EQ(describe_busy(wait), "flock lock held by another process");
    wait.busy_lock = "dotlock";
    wait.holder = 812;
    EXPECT_EQ(describe_busy(wait), "dotlock held by pid 812");
}

TEST(LockAcquisition, AFailingLockLetsGoOfThoseBeforeIt) {
    World w(3);
    FakeLocks locks(w);
    locks.fail_at = 2;
    FakePacer pacer(w);
    Acquisition a = acquire_all(locks, policy, pacer);
    ASSERT_FALSE(a.status.ok());
    EXPECT_EQ(a.status.error().kind, ErrorKind::temporary);
    EXPECT_EQ(a.status.error().message, "L2 broke");
    expect_none_held(w);
    EXPECT_TRUE(pacer.pauses.empty());
}

TEST(LockAcquisition, NotesOfTakenLocksReachTheCaller) {
    World w(2);
    FakeLocks locks(w);
    locks.note_at = 1;
    FakePacer pacer(w);
    Acquisition a = acquire_all(locks, policy, pacer);
    ASSERT_TRUE(a.status.ok());
    EXPECT_EQ(a.wait.notes, (std::vector<std::string>{"note from L1"}));
    release_first(locks, 2);
}

}  // namespace
}  // namespace pop3d::mbox
