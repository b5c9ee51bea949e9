// The accounts the end-to-end tests log in with, each named
// testing::unique_name(PREFIX) so that runs cannot collide:
//   p3s-alice  a Unix account (shadow), password "alice-pw-1"
//   p3s-bob    a Unix account with an APOP secret, the RFC 1939 example
//              "tanstaaf" (so bob may not use USER/PASS)
//   p3s-virt   a passwd-file entry whose mailbox alice owns,
//              password "virt-pw-2"
#pragma once

#include <memory>
#include <string>

#include "tests/e2e/harness.h"
#include "tests/support/test_user.h"

namespace pop3d::e2e {

inline constexpr const char* alice_password = "alice-pw-1";
inline constexpr const char* virt_password = "virt-pw-2";
inline constexpr const char* bob_apop_secret = "tanstaaf";

// An mbox of `count` small messages with distinct subjects.
std::string sample_mbox(int count);

class Accounts {
public:
    // Null (with *why) when the accounts cannot be made (not root).
    static std::unique_ptr<Accounts> create(std::string* why);
    ~Accounts();

    const TempDir& dir() const { return dir_; }
    testing::TestUser& alice() { return *alice_; }
    testing::TestUser& bob() { return *bob_; }
    const std::string& virt_name() const { return virt_name_; }
    // /var/mail/VIRT, owned by alice.
    bool write_virt_maildrop(const std::string& contents) const;
    std::string read_virt_maildrop() const;

private:
    Accounts() = default;
    TempDir dir_{0755};  // pop3d-auth reads the account files after dropping root
    std::unique_ptr<testing::TestUser> alice_, bob_;
    std::string virt_name_ = testing::unique_name("p3s-virt");
};

// Fresh accounts and a listener of their own, for a test with its own
// configuration: base_config, then server_keys in a [server] section, then
// more_sections. Null members (and a test failure) when the accounts
// cannot be made.
struct Served {
    std::unique_ptr<Accounts> accounts;
    std::unique_ptr<Daemon> daemon;
    // Whether the listener was started and listens; its log, for a failure.
    bool ready() const { return daemon && daemon->ready(); }
    std::string log() const { return daemon ? daemon->log() : ""; }
};
Served serve(const std::string& server_keys, const std::string& more_sections = "");

// MD5(timestamp + secret) in lower-case hex (RFC 1939 APOP), with OpenSSL.
std::string apop_digest(const std::string& timestamp, const std::string& secret);
// The "<...>" timestamp in a greeting line; empty when there is none.
std::string greeting_timestamp(const std::string& greeting);
// base64("\0user\0password") for AUTH PLAIN.
std::string sasl_plain(const std::string& user, const std::string& password);

}  // namespace pop3d::e2e
