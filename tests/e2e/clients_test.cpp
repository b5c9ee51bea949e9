// Real POP3 clients (python3 poplib, curl, fetchmail, mpop, getmail6)
// retrieve and delete mail through the whole server.
#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/e2e/accounts.h"
#include "tests/e2e/harness.h"
#include "tests/e2e/served_suite.h"

namespace pop3d::e2e {
namespace {

class Clients : public ServedSuite<Clients> {
protected:
    static void SetUpTestSuite() { start_server(); }
    void SetUp() override {
        ServedSuite::SetUp();
        if (HasFatalFailure() || IsSkipped()) return;
        ASSERT_TRUE(accounts_->alice().write_maildrop(sample_mbox(2)));
    }
    static std::string p() { return std::to_string(port()); }
};

TEST_F(Clients, PythonPoplib) {
    std::string script =
        "import poplib\n"
        "p = poplib.POP3('127.0.0.1', " + p() + ", timeout=10)\n"
        "p.user('" + accounts_->alice().name() + "'); p.pass_('" + alice_password + "')\n"
        "for i in range(1, len(p.list()[1]) + 1):\n"
        "    print(b'\\n'.join(p.retr(i)[1]).decode()); p.dele(i)\n"
        "p.quit()\n";
    accounts_->dir().write("client.py", script);
    int status = 0;
    std::string out = shell("python3 " + dir() + "/client.py", &status);
    ASSERT_EQ(status, 0) << out;
    expect_retrieved_and_deleted(out, out);
}

TEST_F(Clients, Curl) {
    std::string url = "pop3://127.0.0.1:" + p();
    std::string auth = " -u " + accounts_->alice().name() + ":" + alice_password;
    int status = 0;
    std::string out = shell("curl -sS --max-time 10 " + url + "/1" + auth + " && curl -sS --max-time 10 " + url +
                                "/2" + auth + " && curl -sS --max-time 10 -X DELE -I " + url + "/1" + auth +
                                // After the first UPDATE the second message is number 1.
                                " && curl -sS --max-time 10 -X DELE -I " + url + "/1" + auth,
                            &status);
    ASSERT_EQ(status, 0) << out;
    expect_retrieved_and_deleted(out, out);
}

TEST_F(Clients, Fetchmail) {
    std::string rc = accounts_->dir().write(
        "fetchmailrc",
        "poll 127.0.0.1 service " + p() + " protocol pop3 auth password\n"
        "  user \"" + accounts_->alice().name() + "\" there with password \"" + alice_password + "\" is \"root\" here\n"
        "  sslproto '' no sslcertck nokeep fetchall\n"
        "  mda \"/bin/sh -c 'cat >> " + dir() + "/fetchmail.out'\"\n",
        0600);
    int status = 0;
    std::string out = shell("HOME=" + dir() + " timeout 30 fetchmail -f " + rc + " --nodetach --pidfile " + dir() +
                                "/fetchmail.pid --idfile " + dir() + "/fetchmail.ids",
                            &status);
    ASSERT_EQ(status, 0) << out;
    expect_retrieved_and_deleted(read_file(dir() + "/fetchmail.out"), out);
}

TEST_F(Clients, Mpop) {
    std::string delivered = accounts_->dir().write("mpop.mbox", "", 0600);
    std::string rc = accounts_->dir().write("mpoprc",
                                            "account default\nhost 127.0.0.1\nport " + p() +
                                                "\ntls off\nauth user\nuser " + accounts_->alice().name() + "\npassword " + alice_password +
                                                "\nkeep off\ndelivery mbox " + delivered + "\nuidls_file " + dir() +
                                                "/mpop.uidls\n",
                                            0600);
    int status = 0;
    std::string out = shell("timeout 30 mpop -q -C " + rc, &status);
    ASSERT_EQ(status, 0) << out;
    expect_retrieved_and_deleted(read_file(delivered), out);
}

TEST_F(Clients, Getmail6) {
    std::string rc = accounts_->dir().write(
        "getmailrc",
        "[retriever]\ntype = SimplePOP3Retriever\nserver = 127.0.0.1\nport = " + p() +
            "\nusername = " + accounts_->alice().name() + "\npassword = " + alice_password +
            "\n[destination]\ntype = MDA_external\npath = /bin/sh\narguments = (\"-c\", \"cat >> " + dir() +
            "/getmail.out\")\nallow_root_commands = true\n[options]\ndelete = true\nread_all = true\n",
        0600);
    int status = 0;
    std::string out = shell("timeout 30 getmail --rcfile " + rc + " --getmaildir " + dir(), &status);
    ASSERT_EQ(status, 0) << out;
    expect_retrieved_and_deleted(read_file(dir() + "/getmail.out"), out);
}

}  // namespace
}  // namespace pop3d::e2e
