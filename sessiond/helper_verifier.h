// pop3d-auth behind the monitor's Verifier seam, started at the first
// credential frame rather than at connect: a client that connects and never
// tries a password costs no pop3d-auth (issue 11, item 3). Its start falls
// inside the first attempt, whose answer leaves at the attempt's deadline
// either way (attempt_deadline.h). A helper that fails to start answers
// that attempt and every later one with a temporary failure.
#pragma once

#include <memory>
#include <string>

#include "sessiond/auth_helper.h"
#include "sessiond/monitor.h"

namespace pop3d::session {

class HelperVerifier : public Verifier {
public:
    // program and config_fd (its sealed configuration) as
    // auth::AuthHelper::start takes them; config_fd must stay open while
    // this verifier may start pop3d-auth. config_fd < 0: it cannot start.
    HelperVerifier(std::string program, int config_fd) : program_(std::move(program)), config_fd_(config_fd) {}
    Result<auth::AuthVerdict> verify(const auth::AuthRequest& request) override;
    // Closes the socket and reaps pop3d-auth, if it was started.
    void stop() { helper_.reset(); }

private:
    std::string program_;
    int config_fd_;
    bool started_ = false;
    std::unique_ptr<auth::AuthHelper> helper_;
};

}  // namespace pop3d::session
