#include "daemon/tls_check.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <cstdio>
#include <ctime>
#include <memory>

#include "common/plaintext_policy.h"

namespace pop3d::daemon {
namespace {

struct FileClose {
    void operator()(FILE* f) const { std::fclose(f); }
};

constexpr long long warn_days = 14;

}  // namespace

bool reachable_from_elsewhere(const Endpoint& endpoint) { return !is_loopback_address(endpoint.host); }

TlsCheck check_tls(const Config& config, long long now) {
    TlsCheck out;
    bool plaintext_anywhere = config.tls.require_tls == RequireTls::no;
    if (plaintext_anywhere) {
        for (const auto& ep : config.server.listen)
            if (reachable_from_elsewhere(ep)) {
                out.warnings.push_back("require_tls = no: passwords may cross the network in the clear on " +
                                       ep.host + ":" + std::to_string(ep.port));
                break;
            }
    }
    if (!config.tls_configured()) {
        if (config.tls.require_tls != RequireTls::no)
            for (const auto& ep : config.server.listen)
                if (reachable_from_elsewhere(ep)) {
                    out.warnings.push_back("no [tls] cert and key: clients not on loopback cannot log in (require_tls)");
                    break;
                }
        return out;
    }
    struct stat st {};
    if (stat(config.tls.key.c_str(), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
        out.errors.push_back("key " + config.tls.key + ": readable by group or others (chmod 600)");
    std::unique_ptr<FILE, FileClose> cert_file(std::fopen(config.tls.cert.c_str(), "re"));
    std::unique_ptr<FILE, FileClose> key_file(std::fopen(config.tls.key.c_str(), "re"));
    if (!cert_file || !key_file) {
        out.errors.push_back("cannot open " + (cert_file ? config.tls.key : config.tls.cert));
        return out;
    }
    X509* cert = PEM_read_X509(cert_file.get(), nullptr, nullptr, nullptr);
    EVP_PKEY* key = PEM_read_PrivateKey(key_file.get(), nullptr, [](char*, int, int, void*) { return 0; }, nullptr);
    if (!cert) out.errors.push_back("cert " + config.tls.cert + ": no certificate");
    if (!key) out.errors.push_back("key " + config.tls.key + ": no usable private key (an encrypted key cannot be used)");
    if (cert && key && X509_check_private_key(cert, key) != 1)
        out.errors.push_back("key " + config.tls.key + " does not match the certificate in " + config.tls.cert);
    if (key && !EVP_PKEY_is_a(key, "RSA") && !EVP_PKEY_is_a(key, "EC"))
        out.errors.push_back("key " + config.tls.key + ": neither RSA nor EC");
    if (cert) {
        time_t t = static_cast<time_t>(now);
        time_t soon = static_cast<time_t>(now + warn_days * 86400);
        if (X509_cmp_time(X509_get0_notAfter(cert), &t) < 0)
            out.errors.push_back("cert " + config.tls.cert + ": expired");
        else if (X509_cmp_time(X509_get0_notAfter(cert), &soon) < 0)
            out.warnings.push_back("cert " + config.tls.cert + ": expires within " + std::to_string(warn_days) +
                                   " days");
    }
    ERR_clear_error();
    X509_free(cert);
    EVP_PKEY_free(key);
    return out;
}

}  // namespace pop3d::daemon
