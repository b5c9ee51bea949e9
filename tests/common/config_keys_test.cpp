// The table of configuration keys and what is made from it: the sample
// file, the -t output, the key reference and pop3d-auth's sections.
#include "common/config_keys.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "common/config_handoff.h"
#include "common/limits.h"

namespace pop3d {
namespace {

// The unit tests run from the repository root (as SampleFileInEtcIsValid).
std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

TEST(ConfigKeys, SampleFileInEtcIsMadeFromTheTable) {
    EXPECT_EQ(read_text("etc/pop3d.conf"), sample_config())
        << "etc/pop3d.conf and common/config_keys.cpp drifted apart: run `make config-sample`";
}

TEST(ConfigKeys, SampleParsesToTheDefaults) {
    auto sample = parse_config(sample_config(), "sample", [](const std::string&) { return false; });
    ASSERT_TRUE(sample.ok()) << sample.error().message;
    Config defaults = default_config();
    EXPECT_EQ(format_config(*sample), format_config(defaults));
}

TEST(ConfigKeys, EveryRowIsInAKnownSectionOnceWithOneLineOfDocumentation) {
    std::set<std::string> sections;
    for (const auto& s : config_sections()) EXPECT_TRUE(sections.insert(std::string(s.name)).second) << s.name;
    std::set<std::string> seen;
    for (const auto& row : config_keys()) {
        std::string id = std::string(row.section) + "." + std::string(row.key);
        EXPECT_TRUE(sections.count(std::string(row.section))) << id;
        EXPECT_TRUE(seen.insert(id).second) << id << " twice";
        EXPECT_FALSE(row.doc.empty()) << id;
        EXPECT_EQ(row.doc.find('\n'), std::string_view::npos) << id;
        EXPECT_EQ(find_config_key(row.section, row.key), &row) << id;
    }
    EXPECT_EQ(find_config_key("server", "nosuch"), nullptr);
    EXPECT_EQ(find_config_key("nosuch", "listen"), nullptr);
}

// The sample's lines must fit what the loader takes (inih cuts long lines).
TEST(ConfigKeys, SampleLinesFitTheLoader) {
    std::istringstream in(sample_config());
    std::string line;
    while (std::getline(in, line)) EXPECT_LE(line.size(), limits::config_line) << line;
}

TEST(ConfigKeys, EveryRowReadsBackWhatItPrints) {
    Config config = default_config();
    for (const auto& row : config_keys()) {
        Config again = config;
        std::string printed = row.print(config);
        EXPECT_EQ(row.parse(printed, again), "") << row.section << "." << row.key << " = " << printed;
        EXPECT_EQ(row.print(again), printed) << row.key;
    }
}

TEST(ConfigKeys, ARowRefusesWithItsReason) {
    Config config = default_config();
    const ConfigKey* row = find_config_key("auth", "max_attempts");
    ASSERT_NE(row, nullptr);
    EXPECT_EQ(row->parse("0", config), "must be between 1 and 100");
    EXPECT_EQ(row->parse("7", config), "");
    EXPECT_EQ(config.auth.max_attempts, 7u);
}

TEST(ConfigKeys, ReferenceHasOneLineOfFourFieldsPerKey) {
    std::istringstream in(key_reference());
    std::string line;
    std::size_t lines = 0;
    while (std::getline(in, line)) {
        const ConfigKey& row = config_keys()[lines++];
        std::size_t tabs = 0;
        for (char c : line) tabs += c == '\t';
        EXPECT_EQ(tabs, 3u) << line;
        EXPECT_EQ(line.rfind(std::string(row.section) + "\t" + std::string(row.key) + "\t", 0), 0u) << line;
    }
    EXPECT_EQ(lines, config_keys().size());
    EXPECT_NE(key_reference().find("server\tmax_sessions\t500\t"), std::string::npos);
}

TEST(ConfigKeys, FormatShowsEveryKeyInTheTableOrder) {
    std::string text = format_config(default_config());
    std::size_t at = 0;
    for (const auto& row : config_keys()) {
        std::size_t found = text.find("\n" + std::string(row.key) + " =", at);
        ASSERT_NE(found, std::string::npos) << row.key;
        at = found + 1;
    }
}

// pop3d-auth is handed who it runs as, how it checks credentials and where
// it logs, and nothing of the listener, the maildrops or TLS.
TEST(ConfigKeys, AuthIsHandedOnlyItsSections) {
    auto config = parse_config("[auth]\nmax_attempts = 9\n[mail]\nmaildrop = /srv/%u\n[privsep]\nauth_user = au\n",
                               "t.conf");
    ASSERT_TRUE(config.ok()) << config.error().message;
    std::string text = format_config_sections(*config, auth_sections);
    EXPECT_NE(text.find("[privsep]\n"), std::string::npos) << text;
    EXPECT_NE(text.find("[auth]\n"), std::string::npos) << text;
    EXPECT_NE(text.find("[log]\n"), std::string::npos) << text;
    for (const char* absent : {"[server]", "[mail]", "[tls]", "maildrop", "listen"})
        EXPECT_EQ(text.find(absent), std::string::npos) << absent << " in\n" << text;
    auto sealed = seal_auth_config(*config);
    ASSERT_TRUE(sealed.ok()) << sealed.error().message;
    auto handed = load_config_from_fd(sealed->get(), "auth copy");
    ASSERT_TRUE(handed.ok()) << handed.error().message;
    EXPECT_EQ(handed->auth.max_attempts, 9u);
    EXPECT_EQ(handed->privsep.auth_user, "au");
    EXPECT_EQ(handed->mail.maildrop, MailConfig{}.maildrop);
}

}  // namespace
}  // namespace pop3d
