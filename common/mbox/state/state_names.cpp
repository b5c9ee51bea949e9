#include "common/mbox/state/state_names.h"

#include <sodium.h>

namespace pop3d::mbox {

StateNames state_names(const std::string& state_dir, const std::string& mbox_path) {
    if (state_dir.empty()) return {};
    unsigned char digest[8];
    crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(mbox_path.data()),
                       mbox_path.size(), nullptr, 0);
    char hex[2 * sizeof digest + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    const std::string tag(hex);
    return StateNames{state_dir + "/session-" + tag + ".lock", state_dir + "/mbox-" + tag + ".state",
                      state_dir + "/rewrite-" + tag + ".journal"};
}

}  // namespace pop3d::mbox
