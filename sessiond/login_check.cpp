#include "sessiond/login_check.h"

#include "common/auth/account_policy.h"
#include "common/config.h"

namespace pop3d::session {
namespace {

Error refuse(const std::string& why) { return make_error(ErrorKind::permanent, "verdict refused: " + why); }

}  // namespace

Result<Login> check_login(const auth::AuthVerdict& verdict, const LoginPolicy& policy, const AccountLookup& lookup) {
    if (!verdict.accepted()) return refuse("not accepted");
    // Checked on the verdict first, so that a name that is no account name
    // never reaches the lookup.
    if (!auth::safe_path_name(verdict.owner)) return refuse("unsafe owner name");
    auto found = lookup(verdict.owner);
    if (!found) return refuse("owner " + verdict.owner + ": " + found.error().message);
    if (!*found) return refuse("owner " + verdict.owner + ": no such user");
    const privileges::Account& account = **found;
    if (account.name != verdict.owner) return refuse("owner " + verdict.owner + " is named " + account.name);
    if (account.uid != verdict.uid)
        return refuse("uid " + std::to_string(verdict.uid) + " is not " + verdict.owner + "'s (" +
                      std::to_string(account.uid) + ")");
    if (account.gid != verdict.gid)
        return refuse("gid " + std::to_string(verdict.gid) + " is not " + verdict.owner + "'s (" +
                      std::to_string(account.gid) + ")");
    if (account.home != verdict.home) return refuse("home " + verdict.home + " is not " + verdict.owner + "'s");
    auth::AccountPolicy rule{policy.min_uid, policy.single_user, policy.self_uid};
    if (const char* why = auth::account_refusal(verdict.user, account, rule)) return refuse(why);
    auto maildrop = expand_path_template(policy.maildrop_template, verdict.user, account.home);
    if (!maildrop) return refuse("maildrop: " + maildrop.error().message);
    std::string state_dir;
    if (!policy.state_dir_template.empty()) {
        auto expanded = expand_path_template(policy.state_dir_template, verdict.user, account.home);
        if (!expanded) return refuse("state_dir: " + expanded.error().message);
        state_dir = *expanded;
    }
    return Login{verdict.user, account.name, account.uid, account.gid, account.home, *maildrop, state_dir};
}

}  // namespace pop3d::session
