#include "tests/e2e/accounts.h"

#include <crypt.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

namespace pop3d::e2e {

std::string sample_mbox(int count) {
    std::string mbox;
    for (int i = 1; i <= count; ++i) {
        mbox += "From sender" + std::to_string(i) + "@example.org Mon Nov 23 10:00:0" + std::to_string(i % 10) +
                " 2026\n";
        mbox += "From: Sender " + std::to_string(i) + " <sender" + std::to_string(i) + "@example.org>\n";
        mbox += "To: p3s@example.org\nSubject: message number " + std::to_string(i) + "\n\n";
        mbox += "Body of message " + std::to_string(i) + ".\n.a line starting with a dot\n\n";
    }
    return mbox;
}

namespace {

// useradd fails while another process (a parallel test run) holds the lock
// on /etc/passwd, so a few bounded retries.
std::unique_ptr<testing::TestUser> make_user(const std::string& name, const std::string& password,
                                             std::string* why) {
    for (int attempt = 0; attempt < 10; ++attempt) {
        auto user = testing::TestUser::create(name, password, why);
        if (user || geteuid() != 0) return user;
        usleep(200 * 1000);
    }
    return nullptr;
}

}  // namespace

std::unique_ptr<Accounts> Accounts::create(std::string* why) {
    if (!run_postinst()) {
        *why = "etc/postinst.sh failed (not root?)";
        return nullptr;
    }
    std::unique_ptr<Accounts> a(new Accounts());
    a->alice_ = make_user("p3s-alice", alice_password, why);
    if (!a->alice_) return nullptr;
    a->bob_ = make_user("p3s-bob", "bob-unused-pw", why);
    if (!a->bob_) return nullptr;
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    struct crypt_data data = {};
    if (!crypt_gensalt_rn("$6$", 5000, nullptr, 0, salt, sizeof salt)) return nullptr;
    std::string hash = crypt_r(virt_password, salt, &data);
    // As pop3d-passwd leaves them: root's, pop3d-auth's group, 0640.
    std::string users = a->dir_.write("users", a->virt_name_ + ":" + hash + ":" + a->alice_->name() + "\n", 0640);
    std::string apop = a->dir_.write("apop", a->bob_->name() + ":" + bob_apop_secret + "\n", 0640);
    if (testing::run_command("chown root:pop3d-auth '" + users + "' '" + apop + "'") != 0) {
        *why = "chown of the account files failed";
        return nullptr;
    }
    return a;
}

Accounts::~Accounts() { unlink(("/var/mail/" + virt_name_).c_str()); }

bool Accounts::write_virt_maildrop(const std::string& contents) const {
    const std::string path = "/var/mail/" + virt_name_;
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << contents;
        if (!out) return false;
    }
    return chown(path.c_str(), alice_->uid(), alice_->gid()) == 0 && chmod(path.c_str(), 0600) == 0;
}

std::string Accounts::read_virt_maildrop() const { return read_file("/var/mail/" + virt_name_); }

Served serve(const std::string& server_keys, const std::string& more_sections) {
    Served s;
    std::string why;
    s.accounts = Accounts::create(&why);
    if (!s.accounts) {
        ADD_FAILURE() << why;
        return s;
    }
    const TempDir& dir = s.accounts->dir();
    s.daemon = std::make_unique<Daemon>(write_base_config(dir, "[server]\n" + server_keys + more_sections),
                                        dir.file("pop3d.log"));
    return s;
}

std::string apop_digest(const std::string& timestamp, const std::string& secret) {
    std::string input = timestamp + secret;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(input.data(), input.size(), md, &len, EVP_md5(), nullptr);
    static const char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
        out += hex[md[i] >> 4];
        out += hex[md[i] & 15];
    }
    return out;
}

std::string greeting_timestamp(const std::string& greeting) {
    auto open = greeting.find('<');
    auto close = greeting.find('>', open);
    if (open == std::string::npos || close == std::string::npos) return "";
    return greeting.substr(open, close - open + 1);
}

std::string sasl_plain(const std::string& user, const std::string& password) {
    std::string raw = std::string(1, '\0') + user + std::string(1, '\0') + password;
    std::string out(sodium_base64_encoded_len(raw.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    out.resize(out.find('\0'));
    return out;
}

}  // namespace pop3d::e2e
