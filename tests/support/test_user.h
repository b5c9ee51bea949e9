// Real Unix accounts for end-to-end tests (root only): created with useradd,
// removed with userdel -r when the object goes away, maildrop included.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

namespace pop3d::testing {

class TestUser {
public:
    // prefix: a short name (e.g. "p3t-alice"); the account is named
    // unique_name(prefix), so that two runs at once or an account left over
    // by a killed run cannot collide. password: set as a SHA-512 crypt hash
    // at 5000 rounds. Returns null (with a reason in *why) when the account
    // cannot be made, e.g. when not root.
    static std::unique_ptr<TestUser> create(const std::string& prefix, const std::string& password,
                                            std::string* why);
    ~TestUser();
    TestUser(const TestUser&) = delete;
    TestUser& operator=(const TestUser&) = delete;

    const std::string& name() const { return name_; }
    const std::string& password() const { return password_; }
    uid_t uid() const { return uid_; }
    gid_t gid() const { return gid_; }
    const std::string& home() const { return home_; }
    std::string maildrop() const { return "/var/mail/" + name_; }

    // Writes the maildrop as `contents`, owned by the user, mode 0600.
    bool write_maildrop(const std::string& contents) const;
    std::string read_maildrop() const;

private:
    TestUser() = default;
    std::string name_, password_, home_;
    uid_t uid_ = 0;
    gid_t gid_ = 0;
};

// prefix + "-" + six characters drawn once per test process ("p3s-alice-k3x9qa"):
// a name no other run uses, within the 32 characters of a Unix user name.
std::string unique_name(const std::string& prefix);

// Runs a shell command; returns its exit status (or -1).
int run_command(const std::string& command);

}  // namespace pop3d::testing
