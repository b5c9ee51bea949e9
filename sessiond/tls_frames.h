// The frames of TLS between the front and its monitor (common/frame.h
// carries them; front_frames.h has the AUTHORIZATION ones, and
// front_frame_type.h numbers both). The private key lives in the monitor
// alone: the front has the certificate chain and asks for the one signature
// a TLS handshake needs.
//
//   monitor -> front   tls_setup       once, first frame of every session:
//                                      whether TLS is offered, and the chain
//   front -> monitor   sign_request    at most once, before login
//   monitor -> front   signature       the answer (or a refusal)
//   front -> monitor   tls_started     after a good handshake: version, cipher
//   front -> monitor   tls_failed      a failed handshake, why; the session ends
//
// Encoding and decoding are pure; a decoder fails on anything unexpected.
#pragma once

#include <cstdint>
#include <string>

#include "common/frame.h"
#include "common/result.h"
#include "common/secret.h"
#include "sessiond/front_frame_type.h"

namespace pop3d::session {

struct TlsSetupFrame {
    // False: no TLS this session (not configured, or the key could not be
    // read); the front then offers no STLS.
    bool available = false;
    std::string chain_pem;  // leaf first; empty unless available
};

// What the front asks the monitor to sign. The monitor never performs an
// arbitrary private operation: each scheme says what the input must be
// (tls_sign_policy.h checks it).
enum class SignScheme : std::uint8_t {
    rsa_pkcs1 = 1,      // input: a digest; hash_nid: its algorithm (DigestInfo made by the monitor)
    rsa_pss_block = 2,  // input: a whole EMSA-PSS encoded block (RSA_NO_PADDING)
    ecdsa = 3,          // input: a digest; the answer is a DER ECDSA-Sig-Value
};

struct SignRequestFrame {
    SignScheme scheme = SignScheme::ecdsa;
    std::uint32_t hash_nid = 0;  // rsa_pkcs1 only, else 0
    std::string input;
};

struct SignatureFrame {
    bool ok = false;
    std::string signature;  // empty unless ok
};

struct TlsStartedFrame {
    std::string version;  // "TLSv1.3"
    std::string cipher;   // "TLS_AES_256_GCM_SHA384"
};

// Printable ASCII, at most limits::tls_reason bytes (the front's view of
// why the handshake failed, for the monitor's log).
struct TlsFailedFrame {
    std::string reason;
};

Result<Secret> encode_tls_setup(const TlsSetupFrame& frame);
Result<Secret> encode_sign_request(const SignRequestFrame& frame);
Result<Secret> encode_signature(const SignatureFrame& frame);
Result<Secret> encode_tls_started(const TlsStartedFrame& frame);
Result<Secret> encode_tls_failed(const TlsFailedFrame& frame);

Result<TlsSetupFrame> decode_tls_setup(const Frame& frame);
Result<SignRequestFrame> decode_sign_request(const Frame& frame);
Result<SignatureFrame> decode_signature(const Frame& frame);
Result<TlsStartedFrame> decode_tls_started(const Frame& frame);
Result<TlsFailedFrame> decode_tls_failed(const Frame& frame);

}  // namespace pop3d::session
