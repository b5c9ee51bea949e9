#include "authd/shadow_account.h"

#include <shadow.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "common/account_database.h"

namespace pop3d::authd {

const char* refusal_name(Refusal r) {
    switch (r) {
        case Refusal::none: return "none";
        case Refusal::root: return "uid 0";
        case Refusal::below_min_uid: return "uid below min_uid";
        case Refusal::empty_password: return "empty password";
        case Refusal::locked: return "locked";
        case Refusal::account_expired: return "account expired";
        case Refusal::password_expired: return "password expired";
        case Refusal::policy: return "the monitor's account rule";
    }
    return "unknown";
}

Refusal owner_refusal(const privileges::Account& a, unsigned min_uid) {
    if (a.uid == 0) return Refusal::root;
    if (a.uid < min_uid) return Refusal::below_min_uid;
    return Refusal::none;
}

Refusal shadow_refusal(const ShadowAccount& a, long today, unsigned min_uid) {
    if (auto r = owner_refusal(a.account, min_uid); r != Refusal::none) return r;
    if (a.hash.empty()) return Refusal::empty_password;
    if (a.hash.front() == '!' || a.hash.front() == '*') return Refusal::locked;
    if (a.expire >= 0 && today >= a.expire) return Refusal::account_expired;
    if (a.last_change == 0) return Refusal::password_expired;
    if (a.last_change > 0 && a.max_days >= 0 && today > a.last_change + a.max_days) return Refusal::password_expired;
    return Refusal::none;
}

long days_since_epoch() { return static_cast<long>(std::time(nullptr) / 86400); }

Result<std::optional<ShadowAccount>> lookup_shadow_account(const std::string& name) {
    auto pw = privileges::lookup_user(name);
    if (!pw) return pw.error();
    if (!*pw) return std::optional<ShadowAccount>();
    ShadowAccount a;
    a.account = **pw;
    bool has_entry = false;
    const int rc = with_account_buffer([&](char* buffer, std::size_t size) {
        struct spwd sp {};
        struct spwd* found = nullptr;
        const int r = getspnam_r(name.c_str(), &sp, buffer, size, &found);
        if (r == 0 && found) {
            has_entry = true;
            a.hash = sp.sp_pwdp ? sp.sp_pwdp : "";
            a.last_change = sp.sp_lstchg;
            a.max_days = sp.sp_max;
            a.expire = sp.sp_expire;
        }
        return r;
    });
    if (rc == ERANGE) return make_error(ErrorKind::temporary, "getspnam " + name + ": entry too large");
    if (rc != 0 && rc != ENOENT)
        return make_error(rc == EACCES ? ErrorKind::permanent : ErrorKind::temporary,
                          "getspnam " + name + ": " + std::strerror(rc));
    // An account without a shadow entry is treated as locked: hashes in
    // /etc/passwd belong to another era.
    if (!has_entry) a.hash = "*";
    return std::optional<ShadowAccount>(std::move(a));
}

}  // namespace pop3d::authd
