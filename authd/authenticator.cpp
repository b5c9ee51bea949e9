#include "authd/authenticator.h"

#include <sodium.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "authd/account_files.h"
#include "authd/password_hash.h"
#include "authd/read_file.h"
#include "authd/shadow_account.h"
#include "common/log.h"
#include "common/pop3/apop.h"
#include "common/privileges.h"

namespace pop3d::authd {
namespace {

using auth::AuthRequest;
using auth::AuthVerdict;
using auth::Outcome;

AuthVerdict rejected() { return AuthVerdict{}; }

// An internal error: logged here (the monitor only logs the failed login),
// answered as [SYS/PERM] when an administrator must act, else [SYS/TEMP].
// Bad input here is an account file, which only an administrator can mend.
AuthVerdict failure(const Error& e) {
    log::error("%s", e.message.c_str());
    AuthVerdict v;
    v.outcome = e.kind == ErrorKind::permanent || e.kind == ErrorKind::invalid ? Outcome::permanent
                                                                                : Outcome::temporary;
    return v;
}

AuthVerdict accept(std::string user, const privileges::Account& owner) {
    AuthVerdict v;
    v.outcome = Outcome::accepted;
    v.user = std::move(user);
    v.owner = owner.name;
    v.uid = owner.uid;
    v.gid = owner.gid;
    v.home = owner.home;
    return v;
}

void log_refusal(const char* backend, const std::string& user, const char* why) {
    log::debug("%s: %s refused: %s", backend, log::sanitize(user).c_str(), why);
}

bool enabled(const AuthConfig& c, AuthBackend b) {
    return std::find(c.backends.begin(), c.backends.end(), b) != c.backends.end();
}

// A parsed account file, with the text its entries point into.
template <class Entry>
struct Parsed {
    Secret text;
    std::vector<Entry> entries;
    bool exists = false;
};

template <class Entry, class Parse>
Result<Parsed<Entry>> load(const std::string& path, const AccountFileRule& rule, Parse parse) {
    Parsed<Entry> out;
    auto text = read_account_file(path, rule);
    if (!text) return text.error();
    out.exists = text->has_value();
    if (out.exists) out.text = std::move(**text);
    auto entries = parse(out.text.view());
    if (!entries) return make_error(ErrorKind::permanent, path + ": " + entries.error().message);
    out.entries = std::move(*entries);
    return out;
}

}  // namespace

Authenticator::Authenticator(const AuthConfig& config, bool started_as_root, uid_t self_uid)
    : config_(config),
      policy_{config.min_uid, !started_as_root, self_uid},
      file_rule_{true, started_as_root ? 0 : self_uid} {
    unsigned char raw[16];
    char hex[2 * sizeof raw + 1];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
    dummy_apop_secret_.assign(std::string_view(hex, 2 * sizeof raw));
    sodium_memzero(raw, sizeof raw);
    sodium_memzero(hex, sizeof hex);
}

const char* Authenticator::policy_refusal(std::string_view user, const privileges::Account& owner) const {
    return auth::account_refusal(user, owner, policy_);
}

AuthVerdict Authenticator::verify(const AuthRequest& r) const {
    // An empty apop_file disables APOP: no user has a secret.
    Parsed<ApopEntry> apop;
    if (!config_.apop_file.empty()) {
        auto loaded = load<ApopEntry>(config_.apop_file, file_rule_, parse_apop_file);
        if (!loaded) return failure(loaded.error());
        apop = std::move(*loaded);
    }
    Parsed<UserEntry> users;
    if (enabled(config_, AuthBackend::passwd_file)) {
        auto loaded = load<UserEntry>(config_.users_file, file_rule_, parse_users_file);
        if (!loaded) return failure(loaded.error());
        users = std::move(*loaded);
    }
    std::optional<ApopEntry> apop_entry = find_apop(apop.entries, r.user);

    if (r.mechanism == auth::Mechanism::apop) {
        std::string_view secret = apop_entry ? apop_entry->secret : dummy_apop_secret_.view();
        auto match = pop3::apop_digest_matches(r.apop_timestamp, secret, r.apop_digest);
        if (!match) return failure(match.error());
        if (!apop_entry || !*match) return rejected();
        auto user_entry = find_user(users.entries, r.user);
        std::string owner_name(user_entry ? user_entry->owner : std::string_view(r.user));
        auto found = privileges::lookup_user(owner_name);
        if (!found) return failure(found.error());
        const std::optional<privileges::Account>& owner = *found;
        if (!owner) {
            log::warning("apop: %s has no Unix account %s", log::sanitize(r.user).c_str(),
                         log::sanitize(owner_name).c_str());
            return rejected();
        }
        if (auto ref = owner_refusal(*owner, config_.min_uid); ref != Refusal::none) {
            log_refusal("apop", r.user, refusal_name(ref));
            return rejected();
        }
        if (const char* why = policy_refusal(r.user, *owner)) {
            log_refusal("apop", r.user, why);
            return rejected();
        }
        return accept(r.user, *owner);
    }

    std::optional<AuthVerdict> accepted;
    for (AuthBackend backend : config_.backends) {
        if (accepted) break;
        if (backend == AuthBackend::shadow) {
            auto found = lookup_shadow_account(r.user);
            if (!found) return failure(found.error());
            const std::optional<ShadowAccount>& acct = *found;
            Refusal ref = acct ? shadow_refusal(*acct, days_since_epoch(), config_.min_uid) : Refusal::none;
            const char* why = acct && ref == Refusal::none ? policy_refusal(acct->account.name, acct->account) : nullptr;
            bool usable = acct && ref == Refusal::none && !why;
            bool match = verify_password(usable ? std::string_view(acct->hash) : dummy_crypt_hash, r.password);
            if (acct && ref != Refusal::none) log_refusal("shadow", r.user, refusal_name(ref));
            if (why) log_refusal("shadow", r.user, why);
            if (usable && match) accepted = accept(acct->account.name, acct->account);
        } else {
            // No users_file: the backend has nobody to check, and a dummy
            // hash for nobody would only cost time.
            if (!users.exists) continue;
            auto entry = find_user(users.entries, r.user);
            std::optional<privileges::Account> owner;
            Refusal ref = Refusal::none;
            if (entry) {
                auto found = privileges::lookup_user(std::string(entry->owner));
                if (!found) return failure(found.error());
                if (const std::optional<privileges::Account>& o = *found) {
                    owner = *o;
                    ref = owner_refusal(*o, config_.min_uid);
                    if (ref != Refusal::none) log_refusal("passwd-file", r.user, refusal_name(ref));
                    if (const char* why = ref == Refusal::none ? policy_refusal(entry->name, *o) : nullptr) {
                        log_refusal("passwd-file", r.user, why);
                        ref = Refusal::policy;
                    }
                } else {
                    log::warning("passwd-file: the owner %s of %s is not a Unix account",
                                 log::sanitize(entry->owner).c_str(), log::sanitize(r.user).c_str());
                }
            }
            bool usable = entry && owner && ref == Refusal::none;
            bool match = verify_password(usable ? entry->hash : dummy_argon2_hash, r.password);
            if (usable && match) accepted = accept(std::string(entry->name), *owner);
        }
    }
    if (accepted && apop_entry) {
        log_refusal("pass", r.user, "has an APOP secret (RFC 1939 section 13)");
        return rejected();
    }
    return accepted ? *accepted : rejected();
}

}  // namespace pop3d::authd
