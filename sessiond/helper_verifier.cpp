#include "sessiond/helper_verifier.h"

#include "common/log.h"

namespace pop3d::session {

Result<auth::AuthVerdict> HelperVerifier::verify(const auth::AuthRequest& request) {
    if (!started_) {
        started_ = true;  // once: a helper that failed is not tried again
        auto helper = config_fd_ < 0 ? Result<std::unique_ptr<auth::AuthHelper>>(make_error(
                                           ErrorKind::temporary, "no configuration to hand pop3d-auth"))
                                     : auth::AuthHelper::start("", program_, config_fd_);
        if (helper)
            helper_ = std::move(*helper);
        else
            log::error("%s", helper.error().message.c_str());
    }
    if (!helper_) return make_error(ErrorKind::temporary, "pop3d-auth is not running");
    return helper_->verify(request);
}

}  // namespace pop3d::session
