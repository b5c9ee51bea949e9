#include "sessiond/send_rate_floor.h"

#include <algorithm>

#include "common/limits.h"

namespace pop3d::session {

SendRateFloor::SendRateFloor(std::uint64_t min_bytes_per_second, unsigned window_seconds)
    : min_rate_(window_seconds > 0 ? min_bytes_per_second : 0),
      window_seconds_(window_seconds),
      need_(min_rate_ * window_seconds),
      window_(std::chrono::seconds(window_seconds)),
      slot_width_(std::max<Clock::duration>(window_ / limits::send_rate_slots, Clock::duration(1))) {}

void SendRateFloor::waiting(Clock::time_point now) {
    if (!running_since_) running_since_ = now;
}

void SendRateFloor::idle(Clock::time_point now) {
    if (!running_since_) return;
    stopped_ = sending_time(now);
    running_since_.reset();
}

SendRateFloor::Clock::duration SendRateFloor::sending_time(Clock::time_point now) const {
    if (!running_since_ || now < *running_since_) return stopped_;
    return stopped_ + (now - *running_since_);
}

void SendRateFloor::departed(Clock::time_point now, std::uint64_t bytes) {
    if (!enabled() || bytes == 0) return;
    Clock::duration sending = sending_time(now);
    std::int64_t index = sending / slot_width_;
    if (!slots_.empty() && slots_.back().index == index)
        slots_.back().bytes += bytes;
    else
        slots_.push_back(Slot{index, bytes});
    forget_before(sending);
}

void SendRateFloor::forget_before(Clock::duration sending) {
    while (!slots_.empty() && slot_end(slots_.front()) <= sending - window_) slots_.pop_front();
}

std::uint64_t SendRateFloor::in_window(Clock::duration sending) const {
    std::uint64_t sum = 0;
    for (const Slot& s : slots_)
        if (slot_end(s) > sending - window_) sum += s.bytes;
    return sum;
}

bool SendRateFloor::below(Clock::time_point now) const {
    if (!enabled()) return false;
    Clock::duration sending = sending_time(now);
    return sending >= window_ && in_window(sending) < need_;
}

SendRateFloor::Clock::duration SendRateFloor::time_left(Clock::time_point now) const {
    if (!enabled() || !running_since_) return Clock::duration::max();
    Clock::duration sending = sending_time(now);
    // Nothing is judged before the clock ran a whole window.
    Clock::duration judged = std::max(sending, window_);
    std::uint64_t left = in_window(judged);
    if (left < need_) return judged - sending;
    // With no new byte the window only loses slots, oldest first: the
    // client falls below when the slot that takes it under need_ leaves.
    for (const Slot& s : slots_) {
        if (slot_end(s) <= judged - window_) continue;
        left -= s.bytes;
        if (left < need_) return slot_end(s) + window_ - sending;
    }
    return Clock::duration::max();  // not reached: an empty window is below need_ > 0
}

std::uint64_t SendRateFloor::rate(Clock::time_point now) const {
    Clock::duration sending = sending_time(now);
    double seconds = std::chrono::duration<double>(std::min(sending, window_)).count();
    if (seconds <= 0) return 0;
    return static_cast<std::uint64_t>(static_cast<double>(in_window(sending)) / seconds);
}

std::string SendRateFloor::shortfall(Clock::time_point now) const {
    return "the client took " + std::to_string(rate(now)) + " bytes/s over the last " +
           std::to_string(window_seconds_) + " s of a reply, under min_send_rate " + std::to_string(min_rate_);
}

}  // namespace pop3d::session
