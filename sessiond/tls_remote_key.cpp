// Why RSA_METHOD and EC_KEY_METHOD, deprecated in OpenSSL 3, rather than a
// provider: a key whose RSA or EC_KEY carries a method of its own is
// "foreign" to OpenSSL 3, which then signs through the legacy path and calls
// the method for the private operation only (OpenSMTPD's privsep "ca" does
// the same). A provider would need a key manager and a signature
// implementation for each algorithm, with every parameter libssl asks for
// (sizes, security bits, digests, PSS salt and MGF1, key matching), several
// hundred lines of a far larger interface for the same one call. The
// deprecated API is confined to this file; the monitor's side uses EVP only.
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "sessiond/tls_remote_key.h"

#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cstring>
#include <string>

#include "common/frame.h"
#include "sessiond/tls_frames.h"

namespace pop3d::session {
namespace {

// One front serves one connection, so one monitor socket per process.
int remote_monitor_fd = -1;

// Asks the monitor; the signature, or empty on any failure (the handshake
// then fails and the session ends).
std::string ask_monitor(SignScheme scheme, std::uint32_t hash_nid, const unsigned char* input, std::size_t length) {
    SignRequestFrame request{scheme, hash_nid, std::string(reinterpret_cast<const char*>(input), length)};
    auto frame = encode_sign_request(request);
    if (!frame || !send_frame(remote_monitor_fd, frame->view())) return {};
    auto reply = recv_frame(remote_monitor_fd);
    if (!reply) return {};
    auto signature = decode_signature(*reply);
    if (!signature || !signature->ok) return {};
    return signature->signature;
}

// RSA PKCS#1 v1.5: libssl hands over the digest and its hash; the monitor
// builds the DigestInfo itself.
int rsa_sign(int type, const unsigned char* m, unsigned int m_length, unsigned char* sigret, unsigned int* siglen,
             const RSA* rsa) {
    std::string s = ask_monitor(SignScheme::rsa_pkcs1, static_cast<std::uint32_t>(type), m, m_length);
    if (s.empty() || s.size() > static_cast<std::size_t>(RSA_size(rsa))) return 0;
    std::memcpy(sigret, s.data(), s.size());
    *siglen = static_cast<unsigned int>(s.size());
    return 1;
}

// RSA-PSS: OpenSSL pads in the legacy path and asks for the raw operation
// on the encoded block; the monitor checks that it is a PSS block.
int rsa_priv_enc(int flen, const unsigned char* from, unsigned char* to, RSA* rsa, int padding) {
    if (padding != RSA_NO_PADDING || flen != RSA_size(rsa)) return -1;
    std::string s = ask_monitor(SignScheme::rsa_pss_block, 0, from, static_cast<std::size_t>(flen));
    if (s.size() != static_cast<std::size_t>(RSA_size(rsa))) return -1;
    std::memcpy(to, s.data(), s.size());
    return static_cast<int>(s.size());
}

int ec_sign(int, const unsigned char* dgst, int dlen, unsigned char* sig, unsigned int* siglen, const BIGNUM*,
            const BIGNUM*, EC_KEY* eckey) {
    std::string s = ask_monitor(SignScheme::ecdsa, 0, dgst, static_cast<std::size_t>(dlen));
    if (s.empty() || s.size() > static_cast<std::size_t>(ECDSA_size(eckey))) return 0;
    std::memcpy(sig, s.data(), s.size());
    *siglen = static_cast<unsigned int>(s.size());
    return 1;
}

ECDSA_SIG* ec_sign_sig(const unsigned char* dgst, int dlen, const BIGNUM*, const BIGNUM*, EC_KEY*) {
    std::string s = ask_monitor(SignScheme::ecdsa, 0, dgst, static_cast<std::size_t>(dlen));
    const unsigned char* p = reinterpret_cast<const unsigned char*>(s.data());
    return s.empty() ? nullptr : d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(s.size()));
}

// No private key is there to set up a nonce with.
int ec_sign_setup(EC_KEY*, BN_CTX*, BIGNUM**, BIGNUM**) { return 0; }

Result<EVP_PKEY*> fail(const char* why) { return make_error(ErrorKind::temporary, std::string("remote key: ") + why); }

Result<EVP_PKEY*> remote_rsa(EVP_PKEY* pub) {
    // One method per process: it lives as long as the front.
    static RSA_METHOD* method = nullptr;
    if (!method) {
        method = RSA_meth_dup(RSA_PKCS1_OpenSSL());
        if (!method || RSA_meth_set1_name(method, "pop3d monitor key") != 1 ||
            RSA_meth_set_sign(method, rsa_sign) != 1 || RSA_meth_set_priv_enc(method, rsa_priv_enc) != 1 ||
            RSA_meth_set_priv_dec(method, nullptr) != 1)
            return fail("RSA_METHOD");
    }
    RSA* rsa = EVP_PKEY_get1_RSA(pub);
    if (!rsa) return fail("no RSA key in the certificate");
    EVP_PKEY* key = EVP_PKEY_new();
    // The method is set before the key is wrapped, so that OpenSSL sees a
    // foreign key and never exports it to a provider.
    bool ok = key && RSA_set_method(rsa, method) == 1 && EVP_PKEY_assign_RSA(key, rsa) == 1;
    if (!ok) {
        RSA_free(rsa);
        EVP_PKEY_free(key);
        return fail("cannot wrap the RSA key");
    }
    return key;
}

Result<EVP_PKEY*> remote_ec(EVP_PKEY* pub) {
    static EC_KEY_METHOD* method = nullptr;
    if (!method) {
        method = EC_KEY_METHOD_new(EC_KEY_get_default_method());
        if (!method) return fail("EC_KEY_METHOD");
        EC_KEY_METHOD_set_sign(method, ec_sign, ec_sign_setup, ec_sign_sig);
    }
    EC_KEY* ec = EVP_PKEY_get1_EC_KEY(pub);
    if (!ec) return fail("no EC key in the certificate");
    EVP_PKEY* key = EVP_PKEY_new();
    bool ok = key && EC_KEY_set_method(ec, method) == 1 && EVP_PKEY_assign_EC_KEY(key, ec) == 1;
    if (!ok) {
        EC_KEY_free(ec);
        EVP_PKEY_free(key);
        return fail("cannot wrap the EC key");
    }
    return key;
}

}  // namespace

Result<EVP_PKEY*> make_remote_key(X509* leaf, int monitor_fd) {
    remote_monitor_fd = monitor_fd;
    EVP_PKEY* pub = X509_get0_pubkey(leaf);
    if (!pub) return fail("no public key in the certificate");
    if (EVP_PKEY_is_a(pub, "RSA")) return remote_rsa(pub);
    if (EVP_PKEY_is_a(pub, "EC")) return remote_ec(pub);
    return fail("the certificate's key is neither RSA nor EC");
}

}  // namespace pop3d::session
