// A child process that takes something (a lock, an open maildrop) and keeps
// it until it is killed, for tests of what another process then meets.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

namespace pop3d::testing {

class HoldingChild {
public:
    // Runs `hold` (returning whether it took what it takes) in a child, and
    // returns once the child said so (one byte on a pipe).
    template <class F>
    explicit HoldingChild(F hold) {
        int p[2];
        if (::pipe(p) != 0) return;
        pid_ = ::fork();
        if (pid_ == 0) {
            ::close(p[0]);
            const char ok = hold() ? 'y' : 'n';
            if (::write(p[1], &ok, 1) != 1) ::_exit(1);
            for (int i = 0; i < 600; ++i) ::sleep(1);  // bounded: killed long before
            ::_exit(0);
        }
        ::close(p[1]);
        char ok = 0;
        holds_ = pid_ > 0 && ::read(p[0], &ok, 1) == 1 && ok == 'y';
        ::close(p[0]);
    }
    ~HoldingChild() { kill(); }
    HoldingChild(const HoldingChild&) = delete;
    HoldingChild& operator=(const HoldingChild&) = delete;

    // Whether the child took what it was to hold.
    bool holds() const { return holds_; }
    pid_t pid() const { return pid_; }
    // Kills the child and reaps it: what it held is let go.
    void kill() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }

private:
    pid_t pid_ = -1;
    bool holds_ = false;
};

// An fcntl write lock on the whole file at path, as a delivery agent takes
// it; the descriptor stays open, so the lock lasts as long as the process.
inline bool take_fcntl_write_lock(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDWR);
    struct flock fl {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    return fd >= 0 && ::fcntl(fd, F_SETLK, &fl) == 0;
}

}  // namespace pop3d::testing
