#include "tests/e2e/accounts.h"

#include <crypt.h>
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

std::unique_ptr<Accounts> Accounts::create(std::string* why) {
    if (!run_postinst()) {
        *why = "etc/postinst.sh failed (not root?)";
        return nullptr;
    }
    std::unique_ptr<Accounts> a(new Accounts());
    a->alice_ = testing::TestUser::create("p3s-alice", alice_password, why);
    if (!a->alice_) return nullptr;
    a->bob_ = testing::TestUser::create("p3s-bob", "bob-unused-pw", why);
    if (!a->bob_) return nullptr;
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    struct crypt_data data = {};
    if (!crypt_gensalt_rn("$6$", 5000, nullptr, 0, salt, sizeof salt)) return nullptr;
    std::string hash = crypt_r(virt_password, salt, &data);
    a->dir_.write("users", "p3s-virt:" + hash + ":p3s-alice\n", 0640, "root:pop3d-auth");
    a->dir_.write("apop", std::string("p3s-bob:") + bob_apop_secret + "\n", 0640, "root:pop3d-auth");
    return a;
}

Accounts::~Accounts() { unlink("/var/mail/p3s-virt"); }

bool Accounts::write_virt_maildrop(const std::string& contents) const {
    const char* path = "/var/mail/p3s-virt";
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << contents;
        if (!out) return false;
    }
    return chown(path, alice_->uid(), alice_->gid()) == 0 && chmod(path, 0600) == 0;
}

std::string Accounts::read_virt_maildrop() const { return read_file("/var/mail/p3s-virt"); }

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
