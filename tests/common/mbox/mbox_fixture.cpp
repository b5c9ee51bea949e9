#include "tests/common/mbox/mbox_fixture.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "common/mbox/open.h"
#include "tests/support/test_user.h"

namespace pop3d::mbox::testing {

MboxDir::MboxDir() {
    char tmpl[] = "/tmp/p3m-mbox-XXXXXX";
    const char* d = ::mkdtemp(tmpl);
    EXPECT_NE(d, nullptr);
    dir_ = d ? d : "/nonexistent";
}

MboxDir::~MboxDir() { pop3d::testing::run_command("rm -rf '" + dir_ + "'"); }

void MboxDir::write(const std::string& contents) const {
    std::ofstream f(mbox(), std::ios::binary | std::ios::trunc);
    f << contents;
    ASSERT_TRUE(f.good());
}

void MboxDir::append(const std::string& contents) const {
    std::ofstream f(mbox(), std::ios::binary | std::ios::app);
    f << contents;
    ASSERT_TRUE(f.good());
}

std::string MboxDir::read() const {
    std::ifstream f(mbox(), std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

Result<std::unique_ptr<Maildrop>> MboxDir::open(const MailConfig& mail) const {
    return open_maildrop(OpenRequest{mbox(), state_dir(), &mail});
}

Result<std::unique_ptr<Maildrop>> MboxDir::open_without_state(const MailConfig& mail) const {
    return open_maildrop(OpenRequest{mbox(), "", &mail});
}

Result<std::unique_ptr<Maildrop>> open_with_state_dir(const MboxDir& d, const std::string& state_dir,
                                                      const MailConfig& mail) {
    return open_maildrop(OpenRequest{d.mbox(), state_dir, &mail});
}

MailConfig test_mail_config() {
    MailConfig mail;
    mail.lock_timeout = 1;
    return mail;
}

std::string read_all(Maildrop& m, std::size_t index, std::size_t* largest_chunk) {
    std::string out;
    std::size_t largest = 0;
    const Status st = m.read(index, [&](std::string_view chunk) -> Result<Reading> {
        largest = std::max(largest, chunk.size());
        out.append(chunk);
        return Reading::more;
    });
    EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
    if (largest_chunk) *largest_chunk = largest;
    return out;
}

}  // namespace pop3d::mbox::testing
