#include "authd/passwd_options.h"

namespace pop3d::authd {

const char* const passwd_usage =
    "usage: pop3d-passwd [options] add|change|remove|verify NAME\n"
    "\n"
    "Edits the accounts of pop3d's passwd-file backend (users_file, lines\n"
    "name:hash[:unix-owner]) or, with --apop, its APOP secrets (apop_file,\n"
    "lines name:secret).\n"
    "\n"
    "  add NAME      add NAME (an error if it exists)\n"
    "  change NAME   set a new password (and owner, with --owner)\n"
    "  remove NAME   remove NAME\n"
    "  verify NAME   check a password: exit 0 if it matches, 1 if not\n"
    "\n"
    "options:\n"
    "  -f CONFIG         take the file paths from this configuration\n"
    "                    (default /etc/pop3d/pop3d.conf if it exists)\n"
    "  --file PATH       edit PATH instead of the configured file\n"
    "  --apop            edit the APOP secrets file instead of users_file\n"
    "  --stdin           read the password from the first line of stdin\n"
    "                    (default: ask twice on the terminal, without echo)\n"
    "  --owner USER      the Unix account that owns NAME's mailbox\n"
    "                    (default: the account called NAME)\n"
    "  --limits L        argon2id cost: interactive (default), moderate, sensitive\n"
    "  -h, --help        this text\n"
    "\n"
    "The file is locked (FILE.lock), written to a temporary file, synced and\n"
    "renamed, keeping its owner and mode. A new users_file is made 0640 and a\n"
    "new APOP file 0600, owned so that pop3d-auth can read them.\n"
    "Exit status: 0 done, 1 refused or no match, 64 usage error, 78 configuration\n"
    "error, 75 temporary failure (see pop3d-passwd(8)).\n";

Result<PasswdOptions> parse_passwd_options(const std::vector<std::string>& args) {
    PasswdOptions o;
    std::vector<std::string> positional;
    auto usage = [](const std::string& why) { return make_error(ErrorKind::invalid, why); };
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&](std::string& out) -> bool {
            if (i + 1 >= args.size()) return false;
            out = args[++i];
            return true;
        };
        std::string v;
        if (a == "-h" || a == "--help") {
            o.help = true;
            return o;
        } else if (a == "-f") {
            if (!value(v)) return usage("-f needs a configuration file");
            o.config_path = v;
        } else if (a == "--file") {
            if (!value(v)) return usage("--file needs a path");
            o.file = v;
        } else if (a == "--owner") {
            if (!value(v)) return usage("--owner needs a Unix user name");
            o.owner = v;
        } else if (a == "--limits") {
            if (!value(v)) return usage("--limits needs interactive, moderate or sensitive");
            if (v == "interactive") o.limits = HashLimits::interactive;
            else if (v == "moderate") o.limits = HashLimits::moderate;
            else if (v == "sensitive") o.limits = HashLimits::sensitive;
            else return usage("--limits must be interactive, moderate or sensitive, not " + v);
        } else if (a == "--apop") {
            o.apop = true;
        } else if (a == "--stdin") {
            o.from_stdin = true;
        } else if (a.size() > 1 && a[0] == '-') {
            return usage("unknown option " + a);
        } else {
            positional.push_back(a);
        }
    }
    if (positional.size() != 2) return usage("expected a command and a name");
    const std::string& c = positional[0];
    if (c == "add") o.command = PasswdCommand::add;
    else if (c == "change") o.command = PasswdCommand::change;
    else if (c == "remove") o.command = PasswdCommand::remove;
    else if (c == "verify") o.command = PasswdCommand::verify;
    else return usage("unknown command " + c + " (add, change, remove, verify)");
    o.name = positional[1];
    if (o.owner && o.apop) return usage("--owner belongs to users_file entries, not to --apop");
    if (o.owner && o.command != PasswdCommand::add && o.command != PasswdCommand::change)
        return usage("--owner goes with add or change");
    return o;
}

}  // namespace pop3d::authd
