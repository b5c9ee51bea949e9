// The kinds of value a configuration key takes. Each kind parses the text
// after "key =" (pure: no I/O) into a typed value or the reason it is
// refused, and prints a value back as its parse takes it, so that
// `pop3d -t` output is itself a valid file. The keys are in config_keys.cpp.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/config.h"
#include "common/result.h"

namespace pop3d::config_values {

// A whole number in [min, max]; `why`, when set, replaces every refusal.
struct Number {
    unsigned long long min;
    unsigned long long max;
    const char* why = nullptr;
    Result<unsigned long long> parse(std::string_view s) const;
    std::string print(unsigned long long v) const { return std::to_string(v); }
};

// yes/true/on/1 or no/false/off/0; printed as yes or no.
struct Bool {
    Result<bool> parse(std::string_view s) const;
    std::string print(bool v) const { return v ? "yes" : "no"; }
};

// Space-separated IPv4:port and [IPv6]:port, numeric only (no DNS at start).
struct Endpoints {
    Result<std::vector<Endpoint>> parse(std::string_view s) const;
    std::string print(const std::vector<Endpoint>& eps) const;
};

// Space-separated networks in CIDR notation (common/network.h); may be empty.
struct Networks {
    Result<std::vector<Network>> parse(std::string_view s) const;
    std::string print(const std::vector<Network>& networks) const;
};

// Names for the values of an enum.
template <class T>
using Names = std::vector<std::pair<std::string_view, T>>;

template <class T>
std::vector<std::string_view> keys(const Names<T>& names) {
    std::vector<std::string_view> out;
    for (const auto& n : names) out.push_back(n.first);
    return out;
}

template <class T>
std::string_view name_of(T value, const Names<T>& names) {
    for (const auto& [name, v] : names)
        if (v == value) return name;
    return "?";
}

// The positions in `names` of the space-separated words of s: distinct, at
// least one, and exactly one when `single`.
Result<std::vector<std::size_t>> parse_names(std::string_view s, const std::vector<std::string_view>& names,
                                             bool single);

// A non-empty list of distinct names.
template <class T>
struct Choices {
    Names<T> names;
    Result<std::vector<T>> parse(std::string_view s) const {
        auto found = parse_names(s, keys(names), false);
        if (!found) return found.error();
        std::vector<T> out;
        for (std::size_t i : *found) out.push_back(names[i].second);
        return out;
    }
    std::string print(const std::vector<T>& values) const {
        std::string out;
        for (T v : values) out += (out.empty() ? "" : " ") + std::string(name_of(v, names));
        return out;
    }
};

// Exactly one name.
template <class T>
struct Choice {
    Names<T> names;
    Result<T> parse(std::string_view s) const {
        auto found = parse_names(s, keys(names), true);
        if (!found) return found.error();
        return names[found->front()].second;
    }
    std::string print(T value) const { return std::string(name_of(value, names)); }
};

// Text taken as it stands once `check` accepts it.
struct Text {
    Status (*check)(std::string_view);
    Result<std::string> parse(std::string_view s) const;
    std::string print(const std::string& v) const { return v; }
};

// Checks for Text.
Status absolute_path(std::string_view s);
Status absolute_path_or_empty(std::string_view s);
// A path template with %u or %h (maildrop, state_dir; see expand_path_template).
Status user_path_template(std::string_view s);
Status user_path_template_or_empty(std::string_view s);
// A user or group name.
Status account_name(std::string_view s);
Status host_name(std::string_view s);
Status greeting_text(std::string_view s);
Status syslog_facility_name(std::string_view s);
Status syslog_level_name(std::string_view s);

extern const Names<AuthBackend> backend_names;
extern const Names<LockMethod> lock_names;
extern const Names<MboxFormat> format_names;
extern const Names<UidlSource> uidl_names;
extern const Names<RequireTls> require_tls_names;

}  // namespace pop3d::config_values
