// Result types for explicit error paths: no exceptions cross a module or a
// process boundary. std::expected is C++23; this is the small part we need.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace pop3d {

// What kind of failure this is decides the RFC 3206 response code a client
// sees, so it travels with the message.
enum class ErrorKind {
    invalid,    // bad input or configuration
    temporary,  // [SYS/TEMP]: try again later
    permanent,  // [SYS/PERM]: an administrator must act
    in_use,     // [IN-USE]: the maildrop is locked by someone else
};

struct Error {
    ErrorKind kind = ErrorKind::invalid;
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
    Result(Error error) : error_(std::move(error)), ok_(false) {}

    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    const Error& error() const { return error_; }

private:
    Error error_;
    bool ok_ = true;
};

using Status = Result<void>;

}  // namespace pop3d
