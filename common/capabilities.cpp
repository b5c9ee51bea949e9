#include "common/capabilities.h"

#include <sys/capability.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace pop3d::capabilities {
namespace {

Error cap_error(const std::string& what) {
    return make_error(ErrorKind::permanent, what + ": " + std::strerror(errno));
}

}  // namespace

Result<std::vector<int>> keep_only(std::initializer_list<int> kept) {
    std::unique_ptr<_cap_struct, int (*)(void*)> now(cap_get_proc(), cap_free);
    if (!now) return cap_error("cap_get_proc");
    cap_flag_value_t setpcap = CAP_CLEAR;
    if (cap_get_flag(now.get(), CAP_SETPCAP, CAP_EFFECTIVE, &setpcap) != 0) return cap_error("cap_get_flag");
    // cap_max_bits() is what the running kernel knows, which may exceed
    // what libcap was built with.
    for (int cap = 0; cap < static_cast<int>(cap_max_bits()); ++cap) {
        // Already gone (systemd's CapabilityBoundingSet, say): dropping it
        // again would need CAP_SETPCAP, which may be gone too.
        if (std::find(kept.begin(), kept.end(), cap) != kept.end() || cap_get_bound(static_cast<cap_value_t>(cap)) != 1)
            continue;
        // Without CAP_SETPCAP the set cannot shrink: that is right only when
        // the listener already cut it to its own (a session it started).
        if (setpcap != CAP_SET) {
            if (std::find(listener.begin(), listener.end(), cap) != listener.end()) continue;
            errno = EPERM;
            return cap_error("capability " + std::to_string(cap) +
                             " is in the bounding set and CAP_SETPCAP is not there to drop it");
        }
        if (cap_drop_bound(static_cast<cap_value_t>(cap)) != 0)
            return cap_error("cannot drop capability " + std::to_string(cap) + " from the bounding set");
    }
    std::unique_ptr<_cap_struct, int (*)(void*)> caps(cap_init(), cap_free);
    if (!caps) return cap_error("cap_init");
    // Of `kept`, what this process still has: a service manager may have
    // withheld one (CAP_CHOWN, say); only what needs it then fails.
    std::vector<cap_value_t> values;
    std::vector<int> withheld;
    for (int cap : kept) {
        cap_flag_value_t permitted = CAP_CLEAR;
        if (cap_get_flag(now.get(), static_cast<cap_value_t>(cap), CAP_PERMITTED, &permitted) != 0)
            return cap_error("cap_get_flag");
        if (permitted == CAP_SET)
            values.push_back(static_cast<cap_value_t>(cap));
        else
            withheld.push_back(cap);
    }
    if (!values.empty() &&
        (cap_set_flag(caps.get(), CAP_PERMITTED, static_cast<int>(values.size()), values.data(), CAP_SET) != 0 ||
         cap_set_flag(caps.get(), CAP_EFFECTIVE, static_cast<int>(values.size()), values.data(), CAP_SET) != 0))
        return cap_error("cap_set_flag");
    if (cap_set_proc(caps.get()) != 0) return cap_error("cap_set_proc");
    return withheld;
}

std::string withheld_warning(int cap) {
    return "capability " + std::to_string(cap) + " was not given to this process: what needs it will fail";
}

}  // namespace pop3d::capabilities
