// A temporary directory for one test, removed with its contents afterwards.
#pragma once

#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace pop3d::testing {

class TempDir {
public:
    // mode: pop3d-auth must be able to enter the directory after it drops root.
    explicit TempDir(mode_t mode = 0700) {
        char tmpl[] = "/tmp/p3a-test-XXXXXX";
        if (mkdtemp(tmpl)) {
            path_ = tmpl;
            chmod(path_.c_str(), mode);
        }
    }
    ~TempDir() {
        std::error_code ec;
        if (!path_.empty()) std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    bool ok() const { return !path_.empty(); }
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

    std::string write(const std::string& name, const std::string& contents, mode_t mode = 0600) const {
        std::string p = file(name);
        std::ofstream(p, std::ios::binary | std::ios::trunc) << contents;
        chmod(p.c_str(), mode);
        return p;
    }

private:
    std::string path_;
};

}  // namespace pop3d::testing
