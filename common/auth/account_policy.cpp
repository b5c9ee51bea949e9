#include "common/auth/account_policy.h"

namespace pop3d::auth {

bool safe_path_name(std::string_view name) {
    if (name.empty() || name == "." || name == "..") return false;
    for (unsigned char c : name)
        if (c == '/' || c < 0x20 || c == 0x7f) return false;
    return true;
}

const char* account_refusal(std::string_view user, const privileges::Account& owner, const AccountPolicy& policy) {
    // (uid_t)-1 and (gid_t)-1 mean "leave unchanged" to setresuid and
    // setresgid: switching to them would keep root's ids.
    if (owner.uid == static_cast<uid_t>(-1)) return "uid -1";
    if (owner.gid == static_cast<gid_t>(-1)) return "gid -1";
    if (owner.uid == 0) return "uid 0";
    if (owner.gid == 0) return "gid 0";
    if (policy.single_user) {
        if (owner.uid != policy.self_uid) return "not our uid (single-user mode)";
    } else if (owner.uid < policy.min_uid) {
        return "uid below min_uid";
    }
    if (!safe_path_name(user)) return "unsafe user name";
    if (!safe_path_name(owner.name)) return "unsafe owner name";
    if (owner.home.empty() || owner.home.front() != '/') return "home is not an absolute path";
    return nullptr;
}

}  // namespace pop3d::auth
