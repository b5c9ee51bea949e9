// Result types for explicit error paths: no exceptions cross a module or a
// process boundary. std::expected is C++23; this is the small part we need.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace pop3d {

// What kind of failure this is decides what a client sees (the RFC 3206
// code: pop3::response_code), what an administrator sees (the exit status:
// exit_status::of) and what pop3d-auth answers; so each kind means one thing,
// and a kind is added only where some caller must act differently on it.
enum class ErrorKind {
    // The input is wrong: a client's bytes, a frame from another process, a
    // configuration or account file, a command line. Trying again with the
    // same input fails again. A client sees a plain -ERR.
    invalid,
    // The system failed (a system call, I/O, memory, a child, a deadline of
    // our own): trying again later may work. [SYS/TEMP].
    temporary,
    // The server cannot do this until an administrator acts (a damaged
    // mbox, a refused permission, a missing account the configuration names,
    // an inconsistency that is a bug). [SYS/PERM].
    permanent,
    // The maildrop is locked by someone else. [IN-USE].
    in_use,
};

// No default kind: an error made without one would answer a client, an
// init system and pop3d-auth with whatever the default happened to be
// (once `invalid`: a failed write taken for a client's mistake). Every
// error says what it is where it is made.
struct Error {
    Error(ErrorKind k, std::string m) : kind(k), message(std::move(m)) {}

    ErrorKind kind;
    std::string message;
};

inline Error make_error(ErrorKind kind, std::string message) {
    return Error{kind, std::move(message)};
}

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const { return std::get<1>(v_); }

private:
    std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)) {}

    bool ok() const { return !error_.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error& error() const { return *error_; }

private:
    std::optional<Error> error_;
};

using Status = Result<void>;

}  // namespace pop3d
