#include "sessiond/login_check.h"

#include "common/config.h"

namespace pop3d::session {
namespace {

Error refuse(const std::string& why) { return make_error(ErrorKind::permanent, "verdict refused: " + why); }

bool safe_name(const std::string& name) {
    if (name.empty() || name == "." || name == "..") return false;
    for (unsigned char c : name)
        if (c == '/' || c < 0x20 || c == 0x7f) return false;
    return true;
}

}  // namespace

Result<Login> check_login(const auth::AuthVerdict& verdict, const LoginPolicy& policy) {
    if (!verdict.accepted()) return refuse("not accepted");
    if (verdict.uid == 0) return refuse("uid 0");
    if (policy.single_user) {
        if (verdict.uid != policy.self_uid)
            return refuse("uid " + std::to_string(verdict.uid) + " is not ours (single-user mode)");
    } else if (verdict.uid < policy.min_uid) {
        return refuse("uid " + std::to_string(verdict.uid) + " below min_uid");
    }
    if (!safe_name(verdict.user)) return refuse("unsafe user name");
    if (!safe_name(verdict.owner)) return refuse("unsafe owner name");
    if (verdict.home.empty() || verdict.home.front() != '/') return refuse("home is not an absolute path");
    auto maildrop = expand_path_template(policy.maildrop_template, verdict.user, verdict.home);
    if (!maildrop) return refuse("maildrop: " + maildrop.error().message);
    std::string state_dir;
    if (!policy.state_dir_template.empty()) {
        auto expanded = expand_path_template(policy.state_dir_template, verdict.user, verdict.home);
        if (!expanded) return refuse("state_dir: " + expanded.error().message);
        state_dir = *expanded;
    }
    return Login{verdict.user, verdict.owner, verdict.uid, verdict.gid, verdict.home, *maildrop, state_dir};
}

}  // namespace pop3d::session
