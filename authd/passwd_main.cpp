// pop3d-passwd: adds, changes, removes and verifies entries of users_file
// and apop_file. `pop3d-passwd --help` tells how.
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "authd/account_files.h"
#include "authd/file_rewrite.h"
#include "authd/passwd_options.h"
#include "authd/password_hash.h"
#include "authd/password_input.h"
#include "authd/read_file.h"
#include "common/config.h"
#include "common/exit_status.h"
#include "common/privileges.h"

namespace {

using namespace pop3d;
using namespace pop3d::authd;

// Exit status 1 is a refusal (no such entry, no match, an entry that
// exists already); the others come from sysexits.h.
int fail(const std::string& why, int status = 1) {
    std::fprintf(stderr, "pop3d-passwd: %s\n", why.c_str());
    return status;
}

Result<Config> configuration(const PasswdOptions& o) {
    if (o.config_path) return load_config(*o.config_path);
    if (file_is_readable(default_config_path)) return load_config(default_config_path);
    return default_config();
}

// Both files are made readable by pop3d-auth after it drops root, through
// its group, and writable by root only (root:AUTH-USER's-group 0640):
// pop3d-auth opens them read-only and refuses any other owner, a group- or
// world-writable file, or a world-readable one (authd/read_file.h). Not
// root, the files belong to whoever runs the tool, 0600.
NewFileOwner fresh_owner(const Config& c) {
    NewFileOwner f{geteuid(), getegid(), 0600};
    if (geteuid() != 0) return f;
    auto helper = privileges::lookup_user(c.privsep.auth_user);
    if (!helper || !*helper) return f;
    return NewFileOwner{0, (*helper)->gid, 0640};
}

Result<std::string> hash_password(const Secret& pw, HashLimits l) {
    unsigned long long ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
    std::size_t mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
    if (l == HashLimits::moderate) {
        ops = crypto_pwhash_OPSLIMIT_MODERATE;
        mem = crypto_pwhash_MEMLIMIT_MODERATE;
    } else if (l == HashLimits::sensitive) {
        ops = crypto_pwhash_OPSLIMIT_SENSITIVE;
        mem = crypto_pwhash_MEMLIMIT_SENSITIVE;
    }
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, pw.view().data(), pw.size(), ops, mem) != 0)
        return make_error(ErrorKind::temporary, "hashing the password ran out of memory");
    return std::string(out);
}

Result<Secret> read_password(const PasswdOptions& o, bool confirm) {
    if (o.from_stdin) return read_password_stdin();
    return read_password_tty(o.apop ? "APOP secret: " : "Password: ", confirm);
}

// The owner of name's entry in the old file (the APOP file names none: the
// name itself), std::nullopt when it has no entry; an error for a file that
// is already malformed: rewriting it would carry the damage along.
Result<std::optional<std::string>> find_entry(std::string_view text, bool apop, const std::string& path,
                                              std::string_view name) {
    auto malformed = [&](const Error& e) {
        return make_error(ErrorKind::invalid, path + ": " + e.message + " (fix it by hand first)");
    };
    if (apop) {
        auto e = parse_apop_file(text);
        if (!e) return malformed(e.error());
        if (!find_apop(*e, name)) return std::optional<std::string>();
        return std::optional<std::string>(name);
    }
    auto e = parse_users_file(text);
    if (!e) return malformed(e.error());
    auto found = find_user(*e, name);
    if (!found) return std::optional<std::string>();
    return std::optional<std::string>(found->owner);
}

std::string_view text_of(const std::optional<Secret>& file) { return file ? file->view() : std::string_view(); }

Result<Secret> finish_edit(std::string_view old_text, std::string_view name, const Secret& line, bool apop) {
    bool found = false;
    std::string out = replace_entry(old_text, name, line.view(), &found);
    Secret s(out);
    sodium_memzero(out.data(), out.size());
    bool valid = apop ? parse_apop_file(s.view()).ok() : parse_users_file(s.view()).ok();
    if (!valid) return make_error(ErrorKind::invalid, "the new entry would make the file malformed");
    return s;
}

int verify(const PasswdOptions& o, const std::string& path) {
    auto file = read_account_file(path);
    if (!file) return fail(file.error().message);
    std::string_view text = text_of(*file);
    auto entry = find_entry(text, o.apop, path, o.name);
    if (!entry) return fail(entry.error().message);
    if (!*entry) return fail(o.name + ": no such entry in " + path);
    auto pw = read_password(o, false);
    if (!pw) return fail(pw.error().message);
    bool match = false;
    if (o.apop) {
        auto secret = find_apop(*parse_apop_file(text), o.name)->secret;
        match = secret.size() == pw->size() && sodium_memcmp(secret.data(), pw->view().data(), pw->size()) == 0;
    } else {
        match = verify_password(find_user(*parse_users_file(text), o.name)->hash, *pw);
    }
    if (!match) return fail(o.name + ": the password does not match");
    std::printf("%s: the password matches\n", o.name.c_str());
    return 0;
}

int edit(const PasswdOptions& o, const Config& config, const std::string& path) {
    Secret secret_or_hash;
    if (o.command != PasswdCommand::remove) {
        auto pw = read_password(o, true);
        if (!pw) return fail(pw.error().message);
        if (o.apop) {
            auto v = pw->view();
            if (std::any_of(v.begin(), v.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
                return fail("the APOP secret contains a control character");
            secret_or_hash = std::move(*pw);
        } else {
            auto h = hash_password(*pw, o.limits);
            if (!h) return fail(h.error().message, exit_status::temporary);
            secret_or_hash.assign(*h);
        }
    }
    if (o.owner) {
        if (auto ok = check_account_name(*o.owner); !ok) return fail("--owner " + *o.owner + ": " + ok.error().message);
        auto acct = privileges::lookup_user(*o.owner);
        if (!acct) return fail("--owner " + *o.owner + ": " + acct.error().message);
        if (!*acct) return fail("--owner " + *o.owner + ": no such user");
    }

    auto status = rewrite_file(path, fresh_owner(config), [&](std::string_view old_text) -> Result<Secret> {
        auto entry = find_entry(old_text, o.apop, path, o.name);
        if (!entry) return entry.error();
        if (o.command == PasswdCommand::add && *entry)
            return make_error(ErrorKind::invalid, o.name + " already exists in " + path + "; use change");
        if (o.command != PasswdCommand::add && !*entry)
            return make_error(ErrorKind::invalid, o.name + ": no such entry in " + path);
        if (o.command == PasswdCommand::remove) return finish_edit(old_text, o.name, Secret(), o.apop);
        std::string owner = o.owner ? *o.owner : entry->value_or(o.name);
        std::string line = o.name + ":" + std::string(secret_or_hash.view());
        if (!o.apop && owner != o.name) line += ":" + owner;
        Secret wiped(line);
        sodium_memzero(line.data(), line.size());
        return finish_edit(old_text, o.name, wiped, o.apop);
    });
    if (!status) return fail(status.error().message);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (sodium_init() < 0) return fail("sodium_init failed", exit_status::software);
    std::vector<std::string> args(argv + 1, argv + argc);
    auto opts = parse_passwd_options(args);
    if (!opts) {
        std::fprintf(stderr, "pop3d-passwd: %s\ntry 'pop3d-passwd --help'\n", opts.error().message.c_str());
        return exit_status::usage;
    }
    if (opts->help) {
        std::fputs(passwd_usage, stdout);
        return 0;
    }
    if (auto ok = check_account_name(opts->name); !ok) return fail("'" + opts->name + "': " + ok.error().message);
    auto config = configuration(*opts);
    if (!config) return fail(config.error().message, exit_status::config);
    std::string path = opts->file ? *opts->file : opts->apop ? config->auth.apop_file : config->auth.users_file;
    if (path.empty()) return fail("APOP is disabled: [auth] apop_file is empty", exit_status::config);
    if (opts->command == PasswdCommand::verify) return verify(*opts, path);
    return edit(*opts, *config, path);
}
