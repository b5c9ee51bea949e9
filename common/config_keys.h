// The table of configuration keys: one row per key with its section, how
// its value is parsed and printed, and one line of documentation. Loading
// (parse_config), the `pop3d -t` output (format_config), the sample file
// etc/pop3d.conf (sample_config) and the key reference for the manual page
// (key_reference) all come from it; adding a key is one row in
// config_keys.cpp plus its field in config.h.
//
// A key's default is the initializer of its field in config.h: the table
// prints it from Config{}, so the two cannot disagree.
//
// The generated texts are printed by the hidden option `pop3d -K sample` and
// `pop3d -K reference`; `make config-sample` rewrites etc/pop3d.conf and a
// unit test fails when the file and the table drift apart.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "common/config.h"

namespace pop3d {

struct ConfigSection {
    std::string_view name;
    std::string_view doc;  // one line
};

struct ConfigKey {
    std::string_view section;
    std::string_view key;
    // Takes the value into the configuration; "" or the reason it is refused.
    std::function<std::string(std::string_view value, Config& config)> parse;
    // The key's value in config, as parse takes it back.
    std::function<std::string(const Config& config)> print;
    std::string_view doc;  // one line
    // When set, the sample shows the key commented out with this value
    // (keys whose default is empty or found at start, such as hostname).
    const char* example = nullptr;
    // The bounds of a number (both inclusive), for the manual page; unset
    // for keys that are not numbers.
    std::optional<std::pair<unsigned long long, unsigned long long>> range{};
};

// In the order of the file: sections in order, each section's keys in order.
std::span<const ConfigSection> config_sections();
std::span<const ConfigKey> config_keys();
// The row for section.key; nullptr when there is none.
const ConfigKey* find_config_key(std::string_view section, std::string_view key);

// "key = value\n" ("key =\n" when the value is empty).
std::string key_line(std::string_view key, std::string_view value);

// The text of etc/pop3d.conf: every key with its default and its line of
// documentation.
std::string sample_config();

// One line per key, four fields separated by tabs: section, key, default,
// documentation (for pop3d.conf(5)). The default field is empty when the
// default is empty or found at start (the documentation then says which).
std::string key_reference();

}  // namespace pop3d
