// A scratch directory with an mbox and a state directory, and helpers to
// open it as a session would (tests of the mbox engine).
#pragma once

#include <memory>
#include <string>

#include "common/config.h"
#include "common/maildrop.h"
#include "common/result.h"

namespace pop3d::mbox::testing {

class MboxDir {
public:
    MboxDir();
    ~MboxDir();
    MboxDir(const MboxDir&) = delete;
    MboxDir& operator=(const MboxDir&) = delete;

    const std::string& dir() const { return dir_; }
    std::string mbox() const { return dir_ + "/mbox"; }
    std::string state_dir() const { return dir_ + "/state"; }

    void write(const std::string& contents) const;
    void append(const std::string& contents) const;
    std::string read() const;

    // Opens the mbox; state_dir "" for none.
    Result<std::unique_ptr<Maildrop>> open(const MailConfig& mail) const;
    Result<std::unique_ptr<Maildrop>> open_without_state(const MailConfig& mail) const;

private:
    std::string dir_;
};

// Opens the mbox of d with any state directory.
Result<std::unique_ptr<Maildrop>> open_with_state_dir(const MboxDir& d, const std::string& state_dir,
                                                      const MailConfig& mail);

// A MailConfig for tests: short lock timeout, the default locks (dotlock, fcntl).
MailConfig test_mail_config();

// All of a message's stored bytes through Maildrop::read.
std::string read_all(Maildrop& m, std::size_t index, std::size_t* largest_chunk = nullptr);

}  // namespace pop3d::mbox::testing
