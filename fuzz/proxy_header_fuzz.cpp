// The PROXY header parser fed arbitrary bytes: no crash; a header never
// longer than its bound or than the bytes given; "need more" always asks
// for more than it has and never more than the bound; and feeding the
// bytes one prefix at a time, as the readers do, reaches the same answer
// as the whole input at once.
#include <sys/socket.h>

#include <cstdlib>
#include <string_view>

#include "common/limits.h"
#include "common/proxy_header.h"

using namespace pop3d;
using namespace pop3d::proxy;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    auto whole = parse_proxy_header(bytes, limits::proxy_header);
    if (whole) {
        if (auto* h = std::get_if<ProxyHeader>(&*whole)) {
            if (h->length > size || h->length > limits::proxy_header || h->length < 15) std::abort();
            if (h->version == 1 && h->length > limits::proxy_v1_line) std::abort();
            if (h->proxied && h->source.ss_family != AF_INET && h->source.ss_family != AF_INET6) std::abort();
        } else {
            std::size_t want = std::get<NeedMore>(*whole).total_at_least;
            if (want <= size || want > limits::proxy_header) std::abort();
        }
    }
    // The way the readers go: read up to what "need more" asks, parse again.
    std::size_t have = 0;
    for (int pass = 0; pass <= static_cast<int>(limits::proxy_header); ++pass) {
        auto step = parse_proxy_header(bytes.substr(0, have), limits::proxy_header);
        if (!step) {
            // An error on a prefix is an error on the whole.
            if (whole) std::abort();
            break;
        }
        if (auto* h = std::get_if<ProxyHeader>(&*step)) {
            if (!whole || !std::holds_alternative<ProxyHeader>(*whole) ||
                std::get<ProxyHeader>(*whole).length != h->length)
                std::abort();
            break;
        }
        std::size_t want = std::get<NeedMore>(*step).total_at_least;
        if (want <= have) std::abort();
        if (want > size) {
            if (whole && !std::holds_alternative<NeedMore>(*whole)) std::abort();
            break;
        }
        have = want;
    }
    return 0;
}
