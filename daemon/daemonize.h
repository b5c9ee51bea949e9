// Going into the background the classic way, with one refinement: the
// parent (what init or a shell waits for) exits only when the daemon reports
// that it is ready, and exits non-zero if the daemon failed before that. So
// "pop3d && echo started" means it is serving.
#pragma once

#include <string>

#include "common/result.h"
#include "common/unique_fd.h"

namespace pop3d::daemon {

// Forks, detaches (setsid, chdir /, stdin/stdout/stderr to /dev/null) and
// returns in the daemon the descriptor to report readiness on. The parent
// never returns.
Result<UniqueFd> daemonize();

// Tells the waiting parent to exit 0.
void report_ready(UniqueFd ready);

// The pid file: written at creation, removed when the object goes away.
class PidFile {
public:
    static Result<PidFile> create(const std::string& path);
    PidFile(PidFile&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
    PidFile& operator=(PidFile&&) = delete;
    PidFile(const PidFile&) = delete;
    ~PidFile();

private:
    explicit PidFile(std::string path) : path_(std::move(path)) {}
    std::string path_;
};

}  // namespace pop3d::daemon
