#include "tests/support/test_user.h"

#include <crypt.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

namespace pop3d::testing {

int run_command(const std::string& command) {
    int rc = std::system(command.c_str());
    if (rc == -1 || !WIFEXITED(rc)) return -1;
    return WEXITSTATUS(rc);
}

std::string unique_name(const std::string& prefix) {
    static const std::string suffix = [] {
        const char letters[] = "abcdefghijklmnopqrstuvwxyz0123456789";
        std::random_device random;
        std::string s;
        for (int i = 0; i < 6; ++i) s += letters[random() % (sizeof letters - 1)];
        return s;
    }();
    return prefix + "-" + suffix;
}

std::unique_ptr<TestUser> TestUser::create(const std::string& prefix, const std::string& password,
                                           std::string* why) {
    if (geteuid() != 0) {
        *why = "needs root to create Unix test users";
        return nullptr;
    }
    const std::string name = unique_name(prefix);
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    if (!crypt_gensalt_rn("$6$", 5000, nullptr, 0, salt, sizeof salt)) {
        *why = "crypt_gensalt failed";
        return nullptr;
    }
    struct crypt_data data = {};
    const char* hash = crypt_r(password.c_str(), salt, &data);
    if (!hash || hash[0] == '*') {
        *why = "crypt_r failed";
        return nullptr;
    }
    if (run_command("useradd -m -s /usr/sbin/nologin -p '" + std::string(hash) + "' " + name) != 0) {
        *why = "useradd " + name + " failed";
        return nullptr;
    }
    struct passwd* pw = getpwnam(name.c_str());
    if (!pw) {
        *why = "getpwnam " + name + " failed after useradd";
        return nullptr;
    }
    std::unique_ptr<TestUser> u(new TestUser());
    u->name_ = name;
    u->password_ = password;
    u->uid_ = pw->pw_uid;
    u->gid_ = pw->pw_gid;
    u->home_ = pw->pw_dir;
    return u;
}

TestUser::~TestUser() {
    run_command("userdel -r " + name_ + " >/dev/null 2>&1");
    unlink(maildrop().c_str());
    unlink((maildrop() + ".lock").c_str());
}

bool TestUser::write_maildrop(const std::string& contents) const {
    std::string path = maildrop();
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << contents;
        if (!out) return false;
    }
    return chown(path.c_str(), uid_, gid_) == 0 && chmod(path.c_str(), 0600) == 0;
}

std::string TestUser::read_maildrop() const {
    std::ifstream in(maildrop(), std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace pop3d::testing
