#include "sessiond/tls_key_holder.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/limits.h"
#include "common/secret.h"
#include "common/unique_fd.h"
#include "sessiond/tls_library.h"
#include "sessiond/tls_sign_policy.h"

namespace pop3d::session {
namespace {

std::string openssl_reason() {
    unsigned long e = ERR_get_error();
    ERR_clear_error();
    if (e == 0) return "unknown OpenSSL error";
    load_tls_error_strings();
    char text[256];
    ERR_error_string_n(e, text, sizeof text);
    return text;
}

// The whole file, into a buffer that is wiped when it goes (the key's PEM).
Result<Secret> read_small_file(const std::string& path, std::size_t max) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
    if (!fd.valid()) return make_error(ErrorKind::temporary, path + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return make_error(ErrorKind::temporary, path + ": " + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) return make_error(ErrorKind::temporary, path + ": not a regular file");
    if (static_cast<std::size_t>(st.st_size) > max) return make_error(ErrorKind::temporary, path + ": too large");
    auto buffer = std::make_unique<char[]>(max);
    std::size_t got = 0;
    while (got < max) {
        ssize_t n = ::read(fd.get(), buffer.get() + got, max - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            sodium_memzero(buffer.get(), max);
            return make_error(ErrorKind::temporary, path + ": " + std::strerror(errno));
        }
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    Secret text(std::string_view(buffer.get(), got));
    sodium_memzero(buffer.get(), max);
    return text;
}

struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
    void operator()(X509* x) const { X509_free(x); }
};
struct CtxFree {
    void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
struct DecoderFree {
    void operator()(OSSL_DECODER_CTX* d) const { OSSL_DECODER_CTX_free(d); }
};

// "RSA" or "EC", the key types the remote key serves (tls_remote_key.h);
// null for any other.
const char* key_type_of(X509* leaf) {
    EVP_PKEY* pub = X509_get0_pubkey(leaf);
    if (pub && EVP_PKEY_is_a(pub, "RSA")) return "RSA";
    if (pub && EVP_PKEY_is_a(pub, "EC")) return "EC";
    return nullptr;
}

// A PEM private key of one type (PKCS#8 or the type's own structure). A
// decoder asked for that type and PEM only is built from a handful of
// OpenSSL's decoders; PEM_read_bio_PrivateKey tries every one it has, which
// costs more than a millisecond per connection. No passphrase: an encrypted
// key cannot be used unattended.
EVP_PKEY* decode_private_key(std::string_view pem, const char* type) {
    EVP_PKEY* key = nullptr;
    std::unique_ptr<OSSL_DECODER_CTX, DecoderFree> decoder(
        OSSL_DECODER_CTX_new_for_pkey(&key, "PEM", nullptr, type, OSSL_KEYMGMT_SELECT_KEYPAIR, nullptr, nullptr));
    if (!decoder || OSSL_DECODER_CTX_get_num_decoders(decoder.get()) == 0 ||
        OSSL_DECODER_CTX_set_pem_password_cb(decoder.get(), [](char*, int, int, void*) { return 0; }, nullptr) != 1)
        return nullptr;
    auto data = reinterpret_cast<const unsigned char*>(pem.data());
    std::size_t left = pem.size();
    if (OSSL_DECODER_from_data(decoder.get(), &data, &left) != 1) {
        EVP_PKEY_free(key);
        return nullptr;
    }
    return key;
}

}  // namespace

Result<std::unique_ptr<TlsKeyHolder>> TlsKeyHolder::load(const std::string& cert_path, const std::string& key_path) {
    std::unique_ptr<TlsKeyHolder> holder(new TlsKeyHolder());
    auto chain_text = read_small_file(cert_path, limits::tls_chain);
    if (!chain_text) return chain_text.error();
    std::unique_ptr<BIO, BioFree> in(BIO_new_mem_buf(chain_text->view().data(), static_cast<int>(chain_text->size())));
    std::unique_ptr<BIO, BioFree> out(BIO_new(BIO_s_mem()));
    if (!in || !out) return make_error(ErrorKind::temporary, "OpenSSL: " + openssl_reason());
    std::unique_ptr<X509, X509Free> leaf;
    for (int i = 0; i < 16; ++i) {
        std::unique_ptr<X509, X509Free> cert(PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr));
        if (!cert) break;
        if (PEM_write_bio_X509(out.get(), cert.get()) != 1)
            return make_error(ErrorKind::temporary, "OpenSSL: " + openssl_reason());
        if (!leaf) leaf = std::move(cert);
    }
    ERR_clear_error();  // the end of the file reads as "no start line"
    if (!leaf) return make_error(ErrorKind::temporary, cert_path + ": no certificate");
    char* pem = nullptr;
    long pem_len = BIO_get_mem_data(out.get(), &pem);
    holder->chain_pem_.assign(pem, static_cast<std::size_t>(pem_len));

    // The key must match the certificate, so it has the certificate's type.
    const char* type = key_type_of(leaf.get());
    if (!type) return make_error(ErrorKind::temporary, cert_path + ": neither an RSA nor an EC key");
    auto key_text = read_small_file(key_path, limits::tls_chain);
    if (!key_text) return key_text.error();
    holder->key_ = decode_private_key(key_text->view(), type);
    if (!holder->key_)
        return make_error(ErrorKind::temporary, key_path + ": does not match the certificate in " + cert_path +
                                                    " (no unencrypted " + type + " private key in it: " +
                                                    openssl_reason() + ")");
    if (X509_check_private_key(leaf.get(), holder->key_) != 1) {
        ERR_clear_error();
        return make_error(ErrorKind::temporary, key_path + ": does not match the certificate in " + cert_path);
    }
    return holder;
}

TlsKeyHolder::~TlsKeyHolder() { wipe(); }

void TlsKeyHolder::wipe() {
    EVP_PKEY_free(key_);
    key_ = nullptr;
}

Result<std::string> TlsKeyHolder::sign_once(const SignRequestFrame& request) {
    if (!key_) return make_error(ErrorKind::invalid, "a second signature, or no key");
    struct WipeAfter {
        TlsKeyHolder* h;
        ~WipeAfter() { h->wipe(); }
    } wipe_after{this};
    bool rsa = EVP_PKEY_is_a(key_, "RSA");
    std::unique_ptr<EVP_PKEY_CTX, CtxFree> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key_, nullptr));
    if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1) return make_error(ErrorKind::temporary, openssl_reason());
    switch (request.scheme) {
        case SignScheme::ecdsa:
            if (rsa || !acceptable_digest_length(request.input.size()))
                return make_error(ErrorKind::invalid, "ECDSA request refused");
            break;
        case SignScheme::rsa_pkcs1: {
            if (!rsa || !acceptable_pkcs1_digest(request.hash_nid, request.input))
                return make_error(ErrorKind::invalid, "PKCS#1 request refused");
            const EVP_MD* md = EVP_get_digestbynid(static_cast<int>(request.hash_nid));
            if (!md || EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
                EVP_PKEY_CTX_set_signature_md(ctx.get(), md) != 1)
                return make_error(ErrorKind::temporary, openssl_reason());
            break;
        }
        case SignScheme::rsa_pss_block:
            if (!rsa || !is_pss_block(request.input, static_cast<unsigned>(EVP_PKEY_get_bits(key_))))
                return make_error(ErrorKind::invalid, "PSS request refused: not an EMSA-PSS block");
            if (EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) != 1)
                return make_error(ErrorKind::temporary, openssl_reason());
            break;
    }
    auto in = reinterpret_cast<const unsigned char*>(request.input.data());
    std::size_t len = 0;
    if (EVP_PKEY_sign(ctx.get(), nullptr, &len, in, request.input.size()) != 1 || len > limits::tls_sign_input)
        return make_error(ErrorKind::temporary, openssl_reason());
    std::string signature(len, '\0');
    if (EVP_PKEY_sign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &len, in, request.input.size()) != 1)
        return make_error(ErrorKind::temporary, openssl_reason());
    signature.resize(len);
    return signature;
}

}  // namespace pop3d::session
