// The floor under the rate at which a client takes a reply ([server]
// min_send_rate, averaged over send_rate_window). The autologout cannot end
// a client that reads one byte a minute: each byte it takes is activity, so
// such a client held its maildrop, and its lock, for as long as it liked.
//
// Time counts only while a reply waits for the client (the sending clock):
// a client thinking between two commands owes nothing. Once the sending
// clock has run a whole window, the bytes that left the host in its last
// window must reach min_send_rate * window; else the client is too slow.
// Pure: the caller feeds the time and the bytes, so a fake clock tests it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

namespace pop3d::session {

class SendRateFloor {
public:
    using Clock = std::chrono::steady_clock;

    // min_bytes_per_second 0 (or window_seconds 0) turns the floor off.
    SendRateFloor(std::uint64_t min_bytes_per_second, unsigned window_seconds);
    SendRateFloor() : SendRateFloor(0, 0) {}

    bool enabled() const { return need_ > 0; }
    // A reply waits for the client from `now` on: the sending clock runs.
    // Calling it while the clock runs changes nothing.
    void waiting(Clock::time_point now);
    // Nothing waits for the client any more: the sending clock stops.
    void idle(Clock::time_point now);
    // `bytes` more left the host by `now` (counted at the clock's time).
    void departed(Clock::time_point now, std::uint64_t bytes);
    // Whether the client is below the floor at `now`.
    bool below(Clock::time_point now) const;
    // How long from `now` until below() holds if no further byte leaves:
    // zero when it holds already; Clock::duration::max() while the clock
    // stands still or the floor is off.
    Clock::duration time_left(Clock::time_point now) const;
    // Bytes per second over the last window of the sending clock (over the
    // clock's time so far while it is shorter than a window), for the log.
    std::uint64_t rate(Clock::time_point now) const;
    // Why a client below the floor ends, for the log: its rate and the floor.
    std::string shortfall(Clock::time_point now) const;
    // How many slots it holds (at most limits::send_rate_slots + 1).
    std::size_t slots_held() const { return slots_.size(); }

private:
    // The bytes that left during one slot of the sending clock; they count
    // as having left at the slot's end, so a slot errs towards the client.
    struct Slot {
        std::int64_t index;
        std::uint64_t bytes;
    };
    Clock::duration sending_time(Clock::time_point now) const;
    Clock::duration slot_end(const Slot& s) const { return slot_width_ * (s.index + 1); }
    // Bytes of the slots that end after `sending - window`.
    std::uint64_t in_window(Clock::duration sending) const;
    void forget_before(Clock::duration sending);

    std::uint64_t min_rate_;
    unsigned window_seconds_;
    std::uint64_t need_;  // bytes per window
    Clock::duration window_;
    Clock::duration slot_width_;
    Clock::duration stopped_{0};  // sending time before the clock last started
    std::optional<Clock::time_point> running_since_;
    std::deque<Slot> slots_;  // oldest first, at most limits::send_rate_slots + 1
};

}  // namespace pop3d::session
