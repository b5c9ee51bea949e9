#include "authd/password_input.h"

#include <fcntl.h>
#include <sodium.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "common/fd_io.h"
#include "common/limits.h"
#include "common/unique_fd.h"

namespace pop3d::authd {
namespace {

Error refuse(const char* why) { return make_error(ErrorKind::invalid, why); }

// Room for the longest password, its newline, and one byte to notice more.
constexpr std::size_t input_cap = limits::auth_password + 3;

// Reads until EOF or a newline (when stop_at_newline), at most input_cap bytes.
Result<Secret> read_bounded(int fd, bool stop_at_newline) {
    std::unique_ptr<char[]> buf(new char[input_cap]);
    std::size_t got = 0;
    while (got < input_cap) {
        ssize_t n = read(fd, buf.get() + got, stop_at_newline ? 1 : input_cap - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int err = errno;
            sodium_memzero(buf.get(), input_cap);
            return make_error(ErrorKind::temporary, std::string("reading the password: ") + std::strerror(err));
        }
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
        if (stop_at_newline && buf[got - 1] == '\n') break;
    }
    Secret s{std::string_view(buf.get(), got)};
    sodium_memzero(buf.get(), input_cap);
    return s;
}

// Echo off on the terminal for as long as this lives.
class NoEcho {
public:
    explicit NoEcho(int fd) : fd_(fd) {
        if (tcgetattr(fd_, &saved_) != 0) return;
        struct termios quiet = saved_;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ok_ = tcsetattr(fd_, TCSAFLUSH, &quiet) == 0;
    }
    ~NoEcho() {
        if (ok_) tcsetattr(fd_, TCSAFLUSH, &saved_);
    }
    bool ok() const { return ok_; }

private:
    int fd_;
    struct termios saved_ {};
    bool ok_ = false;
};

// A prompt that cannot be shown does not stop the tool.
void say(int fd, std::string_view text) { (void)write_all(fd, text); }

Result<Secret> ask(int tty, const char* prompt) {
    say(tty, prompt);
    Result<Secret> line = refuse("the terminal does not turn echo off");
    {
        NoEcho quiet(tty);
        if (quiet.ok()) line = read_bounded(tty, true);
    }
    say(tty, "\n");
    if (!line) return line.error();
    return password_from_input(line->view());
}

}  // namespace

Result<Secret> password_from_input(std::string_view input) {
    if (!input.empty() && input.back() == '\n') input.remove_suffix(1);
    if (input.empty()) return refuse("the password is empty");
    if (input.find('\n') != std::string_view::npos) return refuse("the password contains a newline");
    if (input.find('\r') != std::string_view::npos) return refuse("the password contains a carriage return");
    if (input.find('\0') != std::string_view::npos) return refuse("the password contains a NUL byte");
    if (input.size() > limits::auth_password) return refuse("the password is too long");
    return Secret(input);
}

Result<Secret> read_password_stdin() {
    auto all = read_bounded(STDIN_FILENO, false);
    if (!all) return all.error();
    if (all->size() >= input_cap) return refuse("the password is too long");
    return password_from_input(all->view());
}

Result<Secret> read_password_tty(const char* prompt, bool confirm) {
    UniqueFd tty(open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!tty.valid()) return refuse("no terminal to ask for the password on; use --stdin");
    auto first = ask(tty.get(), prompt);
    if (!first || !confirm) return first;
    auto again = ask(tty.get(), "Retype password: ");
    if (!again) return again.error();
    if (first->size() != again->size() || sodium_memcmp(first->view().data(), again->view().data(), first->size()) != 0)
        return refuse("the passwords do not match");
    return first;
}

}  // namespace pop3d::authd
