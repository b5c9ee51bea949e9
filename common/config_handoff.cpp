#include "common/config_handoff.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/fd_io.h"
#include "common/limits.h"

namespace pop3d {
namespace {

// A configuration file that cannot be opened (absent, not ours to read, a
// directory) is a configuration error, as a malformed one is
// (exit_status::config); a read that fails once open, or the copy this
// process makes of it, is a failure of the system (exit_status::temporary).
Error unopenable(const std::string& what) {
    return make_error(ErrorKind::invalid, what + ": " + std::strerror(errno));
}

Error system_failed(const std::string& what) {
    return make_error(ErrorKind::temporary, what + ": " + std::strerror(errno));
}

// Reads fd from offset 0 to its end, refusing more than limits::config_file.
Result<std::string> read_all(int fd, const std::string& name) {
    std::string text;
    char buf[8192];
    off_t offset = 0;
    for (;;) {
        ssize_t n = pread(fd, buf, sizeof buf, offset);
        if (n < 0 && errno == EINTR) continue;
        // A directory opens, and only its read fails: it is the wrong input.
        if (n < 0 && errno == EISDIR) return unopenable(name + ": cannot read");
        if (n < 0) return system_failed(name + ": cannot read");
        if (n == 0) return text;
        if (text.size() + static_cast<std::size_t>(n) > limits::config_file)
            return make_error(ErrorKind::invalid, name + ": larger than " +
                                                      std::to_string(limits::config_file) + " bytes");
        text.append(buf, static_cast<std::size_t>(n));
        offset += n;
    }
}

}  // namespace

Result<std::string> read_config_text(const std::string& path) {
    UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return unopenable(path + ": cannot open");
    return read_all(fd.get(), path);
}

Result<UniqueFd> seal_config_text(std::string_view text) {
    UniqueFd fd(memfd_create("pop3d.conf", MFD_CLOEXEC | MFD_ALLOW_SEALING));
    if (!fd.valid()) return system_failed("memfd_create");
    if (auto written = write_all(fd.get(), text); !written)
        return make_error(ErrorKind::temporary, "write configuration copy: " + written.error().message);
    if (fcntl(fd.get(), F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) != 0)
        return system_failed("seal configuration copy");
    return fd;
}

Result<UniqueFd> seal_auth_config(const Config& config) {
    return seal_config_text(format_config_sections(config, auth_sections));
}

std::string descriptor_path(int fd) { return "/proc/" + std::to_string(getpid()) + "/fd/" + std::to_string(fd); }

Result<Config> load_config_from_fd(int fd, const std::string& name, const FileProbe& probe) {
    auto text = read_all(fd, name);
    if (!text) return text.error();
    return parse_config(*text, name, probe);
}

}  // namespace pop3d
