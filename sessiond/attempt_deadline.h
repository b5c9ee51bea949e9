// When the answer to a credential attempt may leave (issue 11, item 2).
// Every answer that is not a granted login leaves at one moment: the start
// of the attempt (the monitor reading its frame) plus [auth] failure_delay,
// whatever happened in between: an unknown user, a wrong password, a locked
// account, a right password for an account the monitor then refuses, a
// pop3d-auth that had to start first. Time then tells a client nothing but
// "not granted", provided the work stays within failure_delay.
#pragma once

#include <time.h>

#include <chrono>

namespace pop3d::session {

class AttemptDeadline {
public:
    // Starts now (CLOCK_MONOTONIC).
    explicit AttemptDeadline(std::chrono::milliseconds delay);
    // Sleeps until the deadline; returns at once when it has passed.
    void wait() const;

private:
    timespec at_{};
};

}  // namespace pop3d::session
