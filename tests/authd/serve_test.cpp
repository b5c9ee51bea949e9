#include "authd/serve.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "common/auth/codec.h"
#include "common/frame.h"
#include "tests/support/temp_dir.h"

namespace pop3d::authd {
namespace {

struct Pair {
    int fd[2] = {-1, -1};
    Pair() { socketpair(AF_UNIX, SOCK_SEQPACKET, 0, fd); }
    ~Pair() {
        for (int f : fd)
            if (f >= 0) close(f);
    }
};

class ServeTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_GE(sodium_init(), 0);
        config.backends = {AuthBackend::passwd_file};
        config.users_file = dir.file("users");
        config.apop_file = dir.file("apop");
        authenticator = std::make_unique<Authenticator>(config, true, 0);
    }
    // Runs serve() on one end while `talk` uses the other; returns serve's status.
    template <class Talk>
    int run(Talk talk) {
        Pair p;
        int status = -1;
        // Bounded: a test that waits for a reply that never comes fails.
        struct timeval limit {5, 0};
        setsockopt(p.fd[0], SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
        std::thread server([&] {
            status = serve(p.fd[1], *authenticator, HashSlots());
            shutdown(p.fd[1], SHUT_RDWR);  // as the helper's exit would
        });
        talk(p.fd[0]);
        shutdown(p.fd[0], SHUT_RDWR);
        server.join();
        return status;
    }
    testing::TempDir dir;
    AuthConfig config;
    std::unique_ptr<Authenticator> authenticator;
};

TEST_F(ServeTest, AnswersUntilEof) {
    int status = run([](int fd) {
        auth::AuthRequest r;
        r.user = "p3a-nobody";
        r.password.assign("pw");
        auto frame = auth::encode_request(r);
        ASSERT_TRUE(frame.ok());
        for (int i = 0; i < 2; ++i) {
            ASSERT_TRUE(send_frame(fd, frame->view()).ok());
            auto reply = recv_frame(fd);
            ASSERT_TRUE(reply.ok());
            auto v = auth::decode_verdict(*reply);
            ASSERT_TRUE(v.ok());
            EXPECT_EQ(v->outcome, auth::Outcome::rejected);
        }
    });
    EXPECT_EQ(status, 0);
}

TEST_F(ServeTest, StopsAtAFrameItCannotParse) {
    int status = run([](int fd) {
        ASSERT_TRUE(send_frame(fd, std::string("\xa1\x01garbage", 9)).ok());
        EXPECT_FALSE(recv_frame(fd).ok());  // no verdict: the helper is gone
    });
    EXPECT_EQ(status, 1);
    status = run([](int fd) {
        FrameBuilder b(auth::frame_verdict);  // a verdict is not a request
        b.u8(0);
        ASSERT_TRUE(send_frame(fd, *b.finish()).ok());
        EXPECT_FALSE(recv_frame(fd).ok());
    });
    EXPECT_EQ(status, 1);
}

}  // namespace
}  // namespace pop3d::authd
