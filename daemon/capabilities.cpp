#include "daemon/capabilities.h"

#include <sys/capability.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

namespace pop3d::daemon {
namespace {

bool kept(int cap) {
    for (int k : kept_capabilities)
        if (k == cap) return true;
    return false;
}

Error cap_error(const std::string& what) {
    return make_error(ErrorKind::permanent, what + ": " + std::strerror(errno));
}

}  // namespace

Status keep_only_session_capabilities() {
    // cap_max_bits() is what the running kernel knows, which may exceed
    // what libcap was built with.
    for (int cap = 0; cap < static_cast<int>(cap_max_bits()); ++cap) {
        // Already gone (systemd's CapabilityBoundingSet, say): dropping it
        // again would need CAP_SETPCAP, which may be gone too.
        if (kept(cap) || cap_get_bound(static_cast<cap_value_t>(cap)) != 1) continue;
        if (cap_drop_bound(static_cast<cap_value_t>(cap)) != 0)
            return cap_error("cannot drop capability " + std::to_string(cap) + " from the bounding set");
    }
    std::unique_ptr<_cap_struct, int (*)(void*)> caps(cap_init(), cap_free);
    if (!caps) return cap_error("cap_init");
    std::vector<cap_value_t> values(kept_capabilities.begin(), kept_capabilities.end());
    if (cap_set_flag(caps.get(), CAP_PERMITTED, static_cast<int>(values.size()), values.data(), CAP_SET) != 0 ||
        cap_set_flag(caps.get(), CAP_EFFECTIVE, static_cast<int>(values.size()), values.data(), CAP_SET) != 0)
        return cap_error("cap_set_flag");
    if (cap_set_proc(caps.get()) != 0) return cap_error("cap_set_proc");
    return {};
}

}  // namespace pop3d::daemon
