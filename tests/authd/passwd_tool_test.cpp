// The real pop3d-passwd binary on files in a temporary directory.
#include <gtest/gtest.h>
#include <sysexits.h>
#include <pwd.h>
#include <sodium.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "authd/account_files.h"
#include "authd/password_hash.h"
#include "tests/support/built_program.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_user.h"

namespace pop3d::authd {
namespace {

const std::string program = testing::built_program("pop3d-passwd");

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

class PasswdToolTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_GE(sodium_init(), 0);
        ASSERT_EQ(access(program.c_str(), X_OK), 0) << program << " is not built";
        ASSERT_TRUE(dir.ok());
        users = dir.file("users");
        apop = dir.file("apop");
        config = dir.write("pop3d.conf", "[auth]\nusers_file = " + users + "\napop_file = " + apop + "\n", 0644);
    }
    // Runs the tool with `input` on stdin; returns its exit status and keeps stderr.
    int run(const std::string& args, const std::string& input = "") {
        std::string in = dir.write("stdin", input);
        std::string err = dir.file("stderr");
        int rc = testing::run_command(program + " -f " + config + " " + args + " <" + in + " >/dev/null 2>" + err);
        error = slurp(err);
        return rc;
    }
    std::string entry_hash(const std::string& name) {
        std::string text = slurp(users);
        auto e = parse_users_file(text);
        if (!e) return "";
        auto u = find_user(*e, name);
        return u ? std::string(u->hash) : "";
    }
    testing::TempDir dir;
    std::string users, apop, config, error;
};

TEST_F(PasswdToolTest, AddVerifyChangeRemove) {
    ASSERT_EQ(run("--stdin add alice", "first pass\n"), 0) << error;
    std::string h = entry_hash("alice");
    ASSERT_EQ(h.rfind("$argon2id$", 0), 0u) << slurp(users);
    // libsodium's interactive limits by default.
    EXPECT_NE(h.find("m=65536,t=2"), std::string::npos) << h;
    EXPECT_TRUE(verify_password(h, Secret("first pass")));
    EXPECT_EQ(run("--stdin verify alice", "first pass\n"), 0) << error;
    EXPECT_EQ(run("--stdin verify alice", "wrong\n"), 1);
    EXPECT_EQ(run("--stdin add alice", "again\n"), 1);
    EXPECT_NE(error.find("already exists"), std::string::npos) << error;

    ASSERT_EQ(run("--stdin change alice", "second pass"), 0) << error;  // no final newline is fine
    EXPECT_TRUE(verify_password(entry_hash("alice"), Secret("second pass")));
    EXPECT_EQ(run("--stdin change bob", "x\n"), 1);

    ASSERT_EQ(run("--stdin add bob", "bob pass\n"), 0);
    ASSERT_EQ(run("remove alice"), 0) << error;
    EXPECT_EQ(entry_hash("alice"), "");
    EXPECT_NE(entry_hash("bob"), "");
    EXPECT_EQ(run("remove alice"), 1);
}

TEST_F(PasswdToolTest, OwnersAndLimits) {
    ASSERT_EQ(run("--stdin --owner nobody --limits moderate add alice", "pw\n"), 0) << error;
    std::string text = slurp(users);
    EXPECT_NE(text.find(":nobody\n"), std::string::npos) << text;
    EXPECT_NE(text.find("$argon2id$v=19$m=262144,t=3"), std::string::npos) << text;
    // A change without --owner keeps the owner.
    ASSERT_EQ(run("--stdin change alice", "pw2\n"), 0) << error;
    EXPECT_NE(slurp(users).find(":nobody\n"), std::string::npos);
    EXPECT_EQ(run("--stdin --owner p3a-no-such-account add carol", "pw\n"), 1);
    EXPECT_EQ(run("--stdin --limits huge add carol", "pw\n"), EX_USAGE);
}

TEST_F(PasswdToolTest, RefusesMalformedNamesAndPasswords) {
    for (const char* name : {"'a:b'", "''", "'a b'", "\"$(printf 'a\\tb')\""}) {
        EXPECT_EQ(run(std::string("--stdin add ") + name, "pw\n"), 1) << name;
        EXPECT_NE(error.find("the name"), std::string::npos) << error;
    }
    EXPECT_EQ(run("--stdin add alice", "two\nlines\n"), 1);
    EXPECT_NE(error.find("newline"), std::string::npos) << error;
    EXPECT_EQ(run("--stdin add alice", "\n"), 1);
    EXPECT_NE(error.find("empty"), std::string::npos) << error;
    EXPECT_EQ(run("--stdin add alice", "cr\r\n"), 1);
    EXPECT_EQ(access(users.c_str(), F_OK), -1);  // nothing was written
    EXPECT_EQ(run("add alice"), 1);             // no terminal here
    EXPECT_NE(error.find("--stdin"), std::string::npos) << error;
    EXPECT_EQ(run("frobnicate alice"), EX_USAGE);
    EXPECT_EQ(run("--stdin --apop --owner nobody add alice", "pw\n"), EX_USAGE);
}

// A broken configuration is EX_CONFIG, not a refusal: scripts can tell them apart.
TEST_F(PasswdToolTest, ABrokenConfigurationExitsWithExConfig) {
    dir.write("pop3d.conf", "[auth]\nno_such_key = 1\n", 0644);
    EXPECT_EQ(run("--stdin add alice", "pw\n"), EX_CONFIG);
    EXPECT_NE(error.find("unknown key"), std::string::npos) << error;
    dir.write("pop3d.conf", "[auth]\napop_file =\n", 0644);
    EXPECT_EQ(run("--stdin --apop add alice", "pw\n"), EX_CONFIG);
}

TEST_F(PasswdToolTest, RefusesToRewriteAMalformedFile) {
    dir.write("users", "alice:h\nbroken line\n", 0640);
    EXPECT_EQ(run("--stdin add bob", "pw\n"), 1);
    EXPECT_NE(error.find("line 2"), std::string::npos) << error;
    EXPECT_EQ(slurp(users), "alice:h\nbroken line\n");
}

// As root the tool puts a file that pop3d-auth would refuse right (owned by
// another account, readable by everybody): root's, no access for others.
TEST_F(PasswdToolTest, KeepsCommentsAndPutsOwnerAndModeRight) {
    dir.write("users", "# managed by hand too\nzed:$6$x$y\n", 0604);
    if (geteuid() == 0) {
        ASSERT_EQ(chown(users.c_str(), 65534, 65534), 0);
    }
    ASSERT_EQ(run("--stdin add alice", "pw\n"), 0) << error;
    std::string text = slurp(users);
    EXPECT_EQ(text.rfind("# managed by hand too\nzed:$6$x$y\nalice:$argon2id$", 0), 0u) << text;
    struct stat st {};
    ASSERT_EQ(stat(users.c_str(), &st), 0);
    if (geteuid() == 0) {
        EXPECT_EQ(st.st_uid, 0u);
        EXPECT_EQ(st.st_mode & 027, 0u) << std::oct << st.st_mode;
    } else {
        EXPECT_EQ(st.st_mode & 07777, 0604u);
    }
    // The temporary file is gone; the lock file stays next to the file.
    int entries = 0;
    for (const char* f : {"users", "users.lock", "pop3d.conf", "stdin", "stderr"}) entries += access(dir.file(f).c_str(), F_OK) == 0;
    EXPECT_EQ(entries, 5);
}

TEST_F(PasswdToolTest, NewFilesGetTheirModesAndOwners) {
    if (geteuid() != 0) GTEST_SKIP() << "needs root";
    ASSERT_EQ(testing::run_command("etc/postinst.sh"), 0);
    struct passwd* helper = getpwnam("pop3d-auth");
    ASSERT_TRUE(helper);
    ASSERT_EQ(run("--stdin add alice", "pw\n"), 0) << error;
    ASSERT_EQ(run("--stdin --apop add mrose", "tanstaaf\n"), 0) << error;
    struct stat st {};
    ASSERT_EQ(stat(users.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0640u);
    EXPECT_EQ(st.st_uid, 0u);
    EXPECT_EQ(st.st_gid, helper->pw_gid);
    // The APOP file too: root's, so that a pop3d-auth taken over cannot
    // plant secrets in it (it opens it read-only, under its filter).
    ASSERT_EQ(stat(apop.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0640u);
    EXPECT_EQ(st.st_uid, 0u);
    EXPECT_EQ(st.st_gid, helper->pw_gid);
    EXPECT_EQ(slurp(apop), "mrose:tanstaaf\n");
    EXPECT_EQ(run("--stdin --apop verify mrose", "tanstaaf\n"), 0) << error;
    EXPECT_EQ(run("--stdin --apop verify mrose", "tanstaa\n"), 1);
    EXPECT_EQ(run("--stdin --apop add bob", "a\x01secret\n"), 1);
    EXPECT_NE(error.find("control character"), std::string::npos) << error;
}

}  // namespace
}  // namespace pop3d::authd
