#include "authd/account_files.h"

#include <algorithm>
#include <string>

#include "common/limits.h"

namespace pop3d::authd {
namespace {

bool is_control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

Error line_error(std::size_t line_no, const std::string& why) {
    return make_error(ErrorKind::invalid, "line " + std::to_string(line_no) + ": " + why);
}

bool skipped(std::string_view line) { return line.empty() || line.front() == '#'; }

// Calls take(line, number) for every line that is not blank or a comment;
// stops at the first error.
template <class Take>
Status for_each_entry_line(std::string_view text, Take take) {
    std::size_t line_no = 0;
    while (!text.empty()) {
        ++line_no;
        std::size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        if (line.size() > limits::account_line) return line_error(line_no, "line too long");
        if (skipped(line)) continue;
        if (auto ok = take(line, line_no); !ok) return ok;
    }
    return {};
}

std::string_view first_field(std::string_view line) { return line.substr(0, line.find(':')); }

}  // namespace

Status check_account_name(std::string_view name) {
    if (name.empty()) return make_error(ErrorKind::invalid, "the name is empty");
    if (name.size() > limits::account_name) return make_error(ErrorKind::invalid, "the name is too long");
    if (name.front() == '#') return make_error(ErrorKind::invalid, "the name starts with '#'");
    for (char c : name) {
        if (c == ':') return make_error(ErrorKind::invalid, "the name contains ':'");
        if (c == ' ') return make_error(ErrorKind::invalid, "the name contains a space");
        if (is_control(c)) return make_error(ErrorKind::invalid, "the name contains a control character");
    }
    return {};
}

Result<std::vector<UserEntry>> parse_users_file(std::string_view text) {
    std::vector<UserEntry> out;
    auto status = for_each_entry_line(text, [&](std::string_view line, std::size_t no) -> Status {
        std::vector<std::string_view> fields;
        std::size_t start = 0;
        for (;;) {
            std::size_t colon = line.find(':', start);
            fields.push_back(line.substr(start, colon == std::string_view::npos ? colon : colon - start));
            if (colon == std::string_view::npos) break;
            start = colon + 1;
        }
        if (fields.size() < 2 || fields.size() > 3) return line_error(no, "expected name:hash[:unix-owner]");
        if (auto ok = check_account_name(fields[0]); !ok) return line_error(no, ok.error().message);
        std::string_view hash = fields[1];
        if (hash.empty()) return line_error(no, "empty hash");
        if (std::any_of(hash.begin(), hash.end(), [](char c) { return is_control(c) || c == ' '; }))
            return line_error(no, "the hash contains a space or control character");
        std::string_view owner = fields[0];
        if (fields.size() == 3) {
            if (auto ok = check_account_name(fields[2]); !ok) return line_error(no, "owner: " + ok.error().message);
            owner = fields[2];
        }
        if (find_user(out, fields[0])) return line_error(no, "a second entry for the same name");
        out.push_back(UserEntry{fields[0], hash, owner});
        return {};
    });
    if (!status) return status.error();
    return out;
}

Result<std::vector<ApopEntry>> parse_apop_file(std::string_view text) {
    std::vector<ApopEntry> out;
    auto status = for_each_entry_line(text, [&](std::string_view line, std::size_t no) -> Status {
        std::size_t colon = line.find(':');
        if (colon == std::string_view::npos) return line_error(no, "expected name:secret");
        std::string_view name = line.substr(0, colon), secret = line.substr(colon + 1);
        if (auto ok = check_account_name(name); !ok) return line_error(no, ok.error().message);
        if (secret.empty()) return line_error(no, "empty secret");
        if (std::any_of(secret.begin(), secret.end(), is_control))
            return line_error(no, "the secret contains a control character");
        if (find_apop(out, name)) return line_error(no, "a second entry for the same name");
        out.push_back(ApopEntry{name, secret});
        return {};
    });
    if (!status) return status.error();
    return out;
}

std::optional<UserEntry> find_user(const std::vector<UserEntry>& entries, std::string_view name) {
    for (const auto& e : entries)
        if (e.name == name) return e;
    return std::nullopt;
}

std::optional<ApopEntry> find_apop(const std::vector<ApopEntry>& entries, std::string_view name) {
    for (const auto& e : entries)
        if (e.name == name) return e;
    return std::nullopt;
}

std::string replace_entry(std::string_view text, std::string_view name, std::string_view line, bool* found) {
    std::string out;
    // Sized once: the APOP file holds secrets, and a reallocation would
    // leave an unwiped copy behind. The caller wipes the result.
    out.reserve(text.size() + line.size() + 2);
    *found = false;
    while (!text.empty()) {
        std::size_t nl = text.find('\n');
        std::string_view cur = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        if (!skipped(cur) && first_field(cur) == name) {
            *found = true;
            if (line.empty()) continue;
            cur = line;
        }
        out.append(cur);
        out.push_back('\n');
    }
    if (!*found && !line.empty()) {
        out.append(line);
        out.push_back('\n');
    }
    return out;
}

}  // namespace pop3d::authd
