// The man pages: groff finds nothing to warn about in any of them, and the
// key reference of pop3d.conf(5) names exactly the keys of the table the
// parser is made from, with their defaults and ranges, so that the page
// cannot drift from the code; every option a program's usage text names is
// in its page. Run from the repository root, as the other unit tests are.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "common/config_keys.h"
#include "tests/support/built_program.h"

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

// A line of the page as the reader sees it: font macros (.B, .BR, ...)
// dropped, their arguments joined as groff joins them (.B and .I with
// spaces, the alternating ones without), and the escapes \- \~ \& undone.
std::string plain_line(const std::string& line) {
    std::string text = line;
    bool alternating = false;
    if (line.rfind(".B ", 0) == 0 || line.rfind(".I ", 0) == 0) {
        text = line.substr(3);
    } else if (line.size() > 4 && line[0] == '.' && line[3] == ' ' && std::string("BIR").find(line[1]) != std::string::npos &&
               std::string("BIR").find(line[2]) != std::string::npos) {
        text = line.substr(4);
        alternating = true;
    }
    std::string out;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '"') {
            quoted = !quoted;
        } else if (c == '\\' && i + 1 < text.size()) {
            const char e = text[++i];
            if (e == '-') out += '-';
            else if (e == '~') out += ' ';
            else if (e != '&') out += std::string("\\") + e;
        } else if (c == ' ' && !quoted && alternating) {
            continue;
        } else {
            out += c;
        }
    }
    return out;
}

// "section.key" -> the key's entry as plain text on one line (lines joined
// by spaces), for every key under .SS [section] as ".TP" then ".B key".
std::map<std::string, std::string> entries_in_page(const std::string& text) {
    std::map<std::string, std::string> entries;
    const std::size_t keys = text.find(".SH KEYS");
    std::istringstream in(text.substr(keys, text.find(".SH", keys + 1) - keys));
    std::string line, section, current;
    bool after_tp = false;
    while (std::getline(in, line)) {
        if (line.rfind(".SS [", 0) == 0) section = line.substr(5, line.find(']') - 5);
        if (line == ".TP" || line.rfind(".SS", 0) == 0) current.clear();
        if (after_tp && line.rfind(".B ", 0) == 0) {
            current = section + "." + plain_line(line);
            entries[current];
        } else if (!current.empty()) {
            std::string& entry = entries[current];
            entry += (entry.empty() ? "" : " ") + plain_line(line);
        }
        after_tp = line == ".TP";
    }
    return entries;
}

std::set<std::string> keys_in_page(const std::string& text) {
    std::set<std::string> keys;
    for (const auto& [key, entry] : entries_in_page(text)) keys.insert(key);
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

// Each entry ends "Default: VALUE." with the value the table prints from
// Config{} ("none" when that is empty; a default found at start, such as
// the host's name, is described in words beginning "the"), and a number's
// entry states its bounds as "MIN to MAX".
TEST(ManPages, ConfigurationPageStatesTheDefaultAndRangeOfEveryKey) {
    const std::map<std::string, std::string> entries = entries_in_page(slurp("man/pop3d.conf.5"));
    const Config defaults;
    for (const auto& row : config_keys()) {
        const std::string name = std::string(row.section) + "." + std::string(row.key);
        const auto entry = entries.find(name);
        if (entry == entries.end()) continue;  // the test above names it
        const std::string& text = entry->second;
        const std::size_t at = text.rfind("Default: ");
        ASSERT_NE(at, std::string::npos) << name << ": no \"Default:\" in \"" << text << "\"";
        std::string stated = text.substr(at + 9);
        ASSERT_TRUE(stated.ends_with(".")) << name << ": \"" << text << "\" does not end with its default";
        stated.pop_back();
        const std::string value = row.print(defaults);
        if (value.empty())
            EXPECT_TRUE(stated == "none" || stated.rfind("the ", 0) == 0) << name << ": the page says " << stated;
        else
            EXPECT_EQ(stated, value) << name;
        if (row.range) {
            const std::string bounds = std::to_string(row.range->first) + " to " + std::to_string(row.range->second);
            EXPECT_NE(text.substr(0, at).find(bounds), std::string::npos)
                << name << ": the page does not say \"" << bounds << "\" in \"" << text << "\"";
        }
    }
}

// The text between ".SH NAME_OF_SECTION" and the next ".SH", made plain
// line by line and joined by spaces.
std::string plain_section(const std::string& text, const std::string& name) {
    const std::size_t at = text.find(".SH " + name + "\n");
    if (at == std::string::npos) return "";
    std::istringstream in(text.substr(at, text.find("\n.SH", at + 1) - at));
    std::string line, out;
    std::getline(in, line);
    while (std::getline(in, line)) out += plain_line(line) + " ";
    return out;
}

bool is_option_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; }

// Every "-x" and "--word" of a usage text that begins a word ("[-T]",
// "-h, --help"; not the dash inside "pop3d-session").
std::set<std::string> options_in(const std::string& text) {
    std::set<std::string> options;
    for (std::size_t i = 0; i + 1 < text.size(); ++i) {
        if (text[i] != '-' || (i > 0 && std::string(" \t\n[|(").find(text[i - 1]) == std::string::npos)) continue;
        std::size_t end = i + 1;
        while (end < text.size() && is_option_char(text[end])) ++end;
        const std::string option = text.substr(i, end - i);
        if (option.size() >= 2 && option != "--" && std::isalpha(static_cast<unsigned char>(option.back())))
            options.insert(option);
        i = end - 1;
    }
    return options;
}

bool names_option(const std::string& text, const std::string& option) {
    for (std::size_t at = text.find(option); at != std::string::npos; at = text.find(option, at + 1)) {
        const bool starts = at == 0 || !is_option_char(text[at - 1]);
        const std::size_t after = at + option.size();
        if (starts && (after == text.size() || !is_option_char(text[after]))) return true;
    }
    return false;
}

// The tags of the OPTIONS section (the line after each .TP), made plain.
std::string option_tags(const std::string& text) {
    const std::size_t at = text.find(".SH OPTIONS\n");
    if (at == std::string::npos) return "";
    std::istringstream in(text.substr(at, text.find("\n.SH", at + 1) - at));
    std::string line, tags;
    bool after_tp = false;
    while (std::getline(in, line)) {
        if (after_tp) tags += plain_line(line) + "\n";
        after_tp = line == ".TP";
    }
    return tags;
}

// Each program's usage text, as it prints it for --help or a bad option:
// the options of its "usage:" line are in the page's SYNOPSIS, and every
// option the text names has an entry under OPTIONS.
TEST(ManPages, EveryOptionOfAProgramsUsageIsInItsPage) {
    for (const char* program : {"pop3d", "pop3d-session", "pop3d-auth", "pop3d-passwd"}) {
        int status = -1;
        const std::string usage = run(testing::built_program(program) + " --help", &status);
        const std::size_t line_at = usage.find("usage: ");
        ASSERT_NE(line_at, std::string::npos) << program << " printed no usage: " << usage;
        const std::string usage_line = usage.substr(line_at, usage.find('\n', line_at) - line_at);
        const std::string page = slurp(std::string("man/") + program + ".8");
        const std::string synopsis = plain_section(page, "SYNOPSIS");
        const std::string tags = option_tags(page);
        for (const auto& option : options_in(usage_line))
            EXPECT_TRUE(names_option(synopsis, option)) << program << " " << option << " is not in the SYNOPSIS of its page";
        const std::set<std::string> options = options_in(usage);
        for (const auto& option : options)
            EXPECT_TRUE(names_option(tags, option)) << program << " " << option << " has no entry under OPTIONS";
        EXPECT_FALSE(options.empty()) << program << ": no option found in " << usage;
    }
}

}  // namespace
}  // namespace pop3d
