// The man pages: groff finds nothing to warn about in any of them, and the
// key reference of pop3d.conf(5) names exactly the keys of the table the
// parser is made from, so that the page cannot drift from the code. Run from the repository root, as the other unit tests are.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "common/config_keys.h"

namespace pop3d {
namespace {

const char* const pages[] = {"man/pop3d.8", "man/pop3d-session.8", "man/pop3d-auth.8", "man/pop3d-passwd.8",
                             "man/pop3d.conf.5"};

std::string run(const std::string& command, int* status) {
    std::string out;
    FILE* p = popen((command + " 2>&1").c_str(), "r");
    if (!p) return "popen failed";
    char buf[512];
    while (std::size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    int rc = pclose(p);
    *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    return out;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(ManPages, GroffWarnsAboutNothing) {
    for (const char* page : pages) {
        int status = -1;
        std::string out = run(std::string("groff -ww -man -z ") + page, &status);
        EXPECT_EQ(status, 0) << page << "\n" << out;
        EXPECT_EQ(out, "") << page;
    }
}

TEST(ManPages, EveryPageHasTheSectionsAnAdministratorLooksFor) {
    for (const char* page : pages) {
        std::string text = slurp(page);
        ASSERT_FALSE(text.empty()) << page;
        for (const char* section : {".SH NAME", ".SH SYNOPSIS", ".SH DESCRIPTION", ".SH FILES", ".SH SEE ALSO"})
            EXPECT_NE(text.find(section), std::string::npos) << page << " has no " << section;
        if (std::string(page).ends_with(".8")) {
            EXPECT_NE(text.find(".SH EXIT STATUS"), std::string::npos) << page;
            EXPECT_NE(text.find(".SH SECURITY MODEL"), std::string::npos) << page;
        }
    }
}

// "section.key" for every key under .SS [section] as ".TP" then ".B key".
std::set<std::string> keys_in_page(const std::string& text) {
    std::set<std::string> keys;
    std::istringstream in(text.substr(text.find(".SH KEYS"), text.find(".SH", text.find(".SH KEYS") + 1) - text.find(".SH KEYS")));
    std::string line, section;
    bool after_tp = false;
    while (std::getline(in, line)) {
        if (line.rfind(".SS [", 0) == 0) section = line.substr(5, line.find(']') - 5);
        if (after_tp && line.rfind(".B ", 0) == 0) {
            std::string key = line.substr(3);
            std::string plain;
            for (char c : key)
                if (c != '\\') plain += c;
            keys.insert(section + "." + plain);
        }
        after_tp = line == ".TP";
    }
    return keys;
}

// The table every key of the code is a row of (common/config_keys.h).
std::set<std::string> keys_in_code() {
    std::set<std::string> keys;
    for (const auto& k : config_keys()) keys.insert(std::string(k.section) + "." + std::string(k.key));
    return keys;
}

TEST(ManPages, ConfigurationPageNamesExactlyTheKeysOfTheCode) {
    std::set<std::string> page = keys_in_page(slurp("man/pop3d.conf.5"));
    std::set<std::string> code = keys_in_code();
    ASSERT_GT(code.size(), 30u);
    for (const auto& k : code) EXPECT_TRUE(page.count(k)) << k << " is not in pop3d.conf(5)";
    for (const auto& k : page) EXPECT_TRUE(code.count(k)) << k << " is in pop3d.conf(5) but not in the code";
}

}  // namespace
}  // namespace pop3d
