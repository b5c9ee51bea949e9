// In the `make test-asan` build: a sanitizer report written under each
// seccomp allow-list (the front's, pop3d-auth's) reaches its report file
// whole, and the process ends with the runtime's status instead of being
// killed by the filter mid-report. The child runs with the options
// `make test-asan` gives (symbolize=0 and color=never, as the programs have). Other builds
// have no sanitizer runtime and skip.
#include "common/sanitizer_report.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <tuple>

#include "authd/syscall_filter.h"
#include "sessiond/front_filter.h"
#include "tests/support/child_exit.h"
#include "tests/support/temp_dir.h"

#ifdef POP3D_SANITIZED
extern "C" void __sanitizer_set_report_fd(void* fd);
#endif

namespace pop3d::sanitizer {
namespace {

enum class Fault { heap_overflow, signed_overflow };

// volatile, so that the compiler neither sees nor removes the fault.
void provoke(Fault fault) {
    if (fault == Fault::heap_overflow) {
        volatile char* bytes = new char[4];
        volatile int at = 4;
        bytes[at] = 1;
        delete[] bytes;
    } else {
        volatile int big = INT_MAX;
        volatile int sum = big + 1;
        (void)sum;
    }
}

struct Outcome {
    int status = 0;
    std::string report;
};

Outcome fault_under_filter(const std::function<bool()>& enter_filter, Fault fault) {
    Outcome out;
    testing::TempDir dir;
    if (!dir.ok()) return out;
    const std::string path = dir.file("report");
    pid_t pid = fork();
    if (pid == 0) {
#ifdef POP3D_SANITIZED
        const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (fd < 0) _exit(91);
        __sanitizer_set_report_fd(reinterpret_cast<void*>(static_cast<std::intptr_t>(fd)));
#endif
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || !enter_filter()) _exit(90);
        provoke(fault);
        testing::exit_child(0);
    }
    while (waitpid(pid, &out.status, 0) < 0 && errno == EINTR) {
    }
    std::ostringstream text;
    text << std::ifstream(path).rdbuf();
    out.report = text.str();
    return out;
}

bool front_filter() { return static_cast<bool>(session::enter_front_sandbox()); }
bool auth_filter() { return static_cast<bool>(authd::install_syscall_filter()); }

struct Filter {
    const char* name;
    bool (*enter)();
};

// The fault, and the first and last lines its report must contain.
struct Expected {
    Fault fault;
    const char* error;
    const char* summary;
};

class SanitizerReportUnderFilter : public ::testing::TestWithParam<std::tuple<Filter, Expected>> {
protected:
    void SetUp() override {
#ifndef POP3D_SANITIZED
        GTEST_SKIP() << "only in the make test-asan build, which has a sanitizer runtime";
#endif
    }
};

TEST_P(SanitizerReportUnderFilter, ReportIsWholeAndEndsTheProcess) {
    const auto& [filter, expected] = GetParam();
    Outcome out = fault_under_filter(filter.enter, expected.fault);
    ASSERT_TRUE(WIFEXITED(out.status)) << "status " << out.status << " (SIGSYS is " << SIGSYS << ")\n"
                                       << out.report;
    EXPECT_EQ(WEXITSTATUS(out.status), 1) << out.report;
    EXPECT_NE(out.report.find(expected.error), std::string::npos) << out.report;
    EXPECT_NE(out.report.find(expected.summary), std::string::npos) << out.report;
}

INSTANTIATE_TEST_SUITE_P(
    Filters, SanitizerReportUnderFilter,
    ::testing::Combine(::testing::Values(Filter{"Front", &front_filter}, Filter{"Auth", &auth_filter}),
                       ::testing::Values(Expected{Fault::heap_overflow, "ERROR: AddressSanitizer: heap-buffer-overflow",
                                                  "SUMMARY: AddressSanitizer: heap-buffer-overflow"},
                                         Expected{Fault::signed_overflow, "runtime error: signed integer overflow",
                                                  "SUMMARY: UndefinedBehaviorSanitizer"})),
    [](const auto& info) {
        // std::get, not a structured binding: its comma would split the macro's arguments.
        const bool heap = std::get<1>(info.param).fault == Fault::heap_overflow;
        return std::string(std::get<0>(info.param).name) + (heap ? "HeapOverflow" : "SignedOverflow");
    });

TEST(SanitizerReport, ProductionFiltersGainNothing) {
#ifdef POP3D_SANITIZED
    GTEST_SKIP() << "the sanitized build adds the runtime's calls";
#else
    EXPECT_EQ(allow_runtime_calls(nullptr), 0);  // touches no filter
    EXPECT_EQ(file_size_limit(), 0UL);
#endif
}

}  // namespace
}  // namespace pop3d::sanitizer
