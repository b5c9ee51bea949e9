#include "common/privileges.h"

#include <grp.h>
#include <pwd.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/account_database.h"

namespace pop3d::privileges {
namespace {

Error sys_error(const std::string& what, int err) {
    return make_error(ErrorKind::permanent, what + ": " + std::strerror(err));
}

// An error of the account database: its answer rc (ERANGE: even the
// largest buffer was too small).
Error database_error(const char* call, const std::string& name, int rc) {
    return make_error(ErrorKind::temporary,
                      std::string(call) + " " + name + ": " + (rc == ERANGE ? "entry too large" : std::strerror(rc)));
}

}  // namespace

Result<std::optional<Account>> lookup_user(const std::string& name) {
    std::optional<Account> account;
    const int rc = with_account_buffer([&](char* buffer, std::size_t size) {
        struct passwd pw {};
        struct passwd* found = nullptr;
        const int r = getpwnam_r(name.c_str(), &pw, buffer, size, &found);
        if (r == 0 && found) account = Account{pw.pw_name, pw.pw_uid, pw.pw_gid, pw.pw_dir};
        return r;
    });
    if (rc != 0) return database_error("getpwnam", name, rc);
    return account;
}

Result<std::optional<gid_t>> lookup_group(const std::string& name) {
    std::optional<gid_t> gid;
    const int rc = with_account_buffer([&](char* buffer, std::size_t size) {
        struct group gr {};
        struct group* found = nullptr;
        const int r = getgrnam_r(name.c_str(), &gr, buffer, size, &found);
        if (r == 0 && found) gid = gr.gr_gid;
        return r;
    });
    if (rc != 0) return database_error("getgrnam", name, rc);
    return gid;
}

Status switch_to(uid_t uid, gid_t gid, const std::vector<gid_t>& groups) {
    if (setgroups(groups.size(), groups.data()) != 0) return sys_error("setgroups", errno);
    if (setresgid(gid, gid, gid) != 0) return sys_error("setresgid", errno);
    if (setresuid(uid, uid, uid) != 0) return sys_error("setresuid", errno);

    uid_t ru, eu, su;
    gid_t rg, eg, sg;
    if (getresuid(&ru, &eu, &su) != 0 || getresgid(&rg, &eg, &sg) != 0)
        return sys_error("getresuid", errno);
    if (ru != uid || eu != uid || su != uid || rg != gid || eg != gid || sg != gid)
        return make_error(ErrorKind::permanent, "uid or gid did not change as asked");

    int n = getgroups(0, nullptr);
    if (n < 0) return sys_error("getgroups", errno);
    std::vector<gid_t> now(static_cast<std::size_t>(n));
    if (n > 0 && getgroups(n, now.data()) != n) return sys_error("getgroups", errno);
    std::vector<gid_t> want = groups;
    std::sort(now.begin(), now.end());
    std::sort(want.begin(), want.end());
    if (now != want) return make_error(ErrorKind::permanent, "supplementary groups did not change as asked");

    if (uid != 0) {
        if (setuid(0) == 0 || seteuid(0) == 0)
            return make_error(ErrorKind::permanent, "setuid(0) still succeeds after dropping root");
        if (gid != 0 && (setgid(0) == 0 || setegid(0) == 0))
            return make_error(ErrorKind::permanent, "setgid(0) still succeeds after dropping root");
    }
    return {};
}

Status drop_all_capabilities() {
    cap_t empty = cap_init();  // every set cleared
    if (!empty) return sys_error("cap_init", errno);
    int rc = cap_set_proc(empty);
    int err = errno;
    cap_free(empty);
    if (rc != 0) return sys_error("cap_set_proc", err);

    cap_t now = cap_get_proc();
    if (!now) return sys_error("cap_get_proc", errno);
    bool any = false;
    for (cap_value_t c = 0; c <= CAP_LAST_CAP && !any; ++c) {
        for (cap_flag_t f : {CAP_PERMITTED, CAP_EFFECTIVE, CAP_INHERITABLE}) {
            cap_flag_value_t v = CAP_CLEAR;
            if (cap_get_flag(now, c, f, &v) == 0 && v == CAP_SET) any = true;
        }
    }
    cap_free(now);
    if (any) return make_error(ErrorKind::permanent, "capabilities still held after dropping them");
    return {};
}

Status clear_bounding_set() {
    // cap_max_bits(): what the running kernel knows, which may exceed what
    // libcap was built with.
    const int bits = static_cast<int>(cap_max_bits());
    for (int cap = 0; cap < bits; ++cap) {
        if (cap_get_bound(static_cast<cap_value_t>(cap)) != 1) continue;
        if (cap_drop_bound(static_cast<cap_value_t>(cap)) != 0)
            return sys_error("dropping capability " + std::to_string(cap) + " from the bounding set", errno);
    }
    for (int cap = 0; cap < bits; ++cap)
        if (cap_get_bound(static_cast<cap_value_t>(cap)) == 1)
            return make_error(ErrorKind::permanent, "the bounding set still holds capability " + std::to_string(cap));
    return {};
}

Status set_no_new_privs() {
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return sys_error("PR_SET_NO_NEW_PRIVS", errno);
    if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
        return make_error(ErrorKind::permanent, "no_new_privs did not stick");
    return {};
}

Status disable_core_dumps() {
    struct rlimit none {0, 0};
    if (setrlimit(RLIMIT_CORE, &none) != 0) return sys_error("RLIMIT_CORE", errno);
    struct rlimit now {};
    if (getrlimit(RLIMIT_CORE, &now) != 0) return sys_error("RLIMIT_CORE", errno);
    if (now.rlim_cur != 0 || now.rlim_max != 0) return make_error(ErrorKind::permanent, "RLIMIT_CORE did not drop to 0");
    return {};
}

Status set_not_dumpable() {
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) return sys_error("PR_SET_DUMPABLE", errno);
    return {};
}

Status limit_processes(rlim_t max) {
    struct rlimit lim {max, max};
    if (setrlimit(RLIMIT_NPROC, &lim) != 0) return sys_error("RLIMIT_NPROC", errno);
    return {};
}

Status enter_chroot(const std::string& dir) {
    if (chroot(dir.c_str()) != 0) return sys_error("chroot " + dir, errno);
    if (chdir("/") != 0) return sys_error("chdir / in " + dir, errno);
    return {};
}

}  // namespace pop3d::privileges
