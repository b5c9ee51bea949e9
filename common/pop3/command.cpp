#include "common/pop3/command.h"

#include <array>
#include <charconv>
#include <limits>
#include <vector>

#include "common/pop3/apop.h"

namespace pop3d::pop3 {
namespace {

struct Keyword {
    std::string_view text;
    Verb verb;
};

constexpr std::array<Keyword, 17> keywords{{
    {"USER", Verb::user}, {"PASS", Verb::pass}, {"APOP", Verb::apop}, {"AUTH", Verb::auth},
    {"STLS", Verb::stls}, {"RPOP", Verb::rpop}, {"STAT", Verb::stat}, {"LIST", Verb::list},
    {"RETR", Verb::retr}, {"DELE", Verb::dele}, {"NOOP", Verb::noop}, {"RSET", Verb::rset},
    {"TOP", Verb::top},   {"UIDL", Verb::uidl}, {"LAST", Verb::last}, {"CAPA", Verb::capa},
    {"QUIT", Verb::quit},
}};

Error syntax(std::string_view text) { return make_error(ErrorKind::invalid, std::string(text)); }

char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

// The words of `rest`, split at runs of spaces.
std::vector<std::string_view> words(std::string_view rest) {
    std::vector<std::string_view> out;
    while (true) {
        std::size_t begin = rest.find_first_not_of(' ');
        if (begin == std::string_view::npos) return out;
        rest.remove_prefix(begin);
        std::size_t end = rest.find(' ');
        out.push_back(rest.substr(0, end));
        if (end == std::string_view::npos) return out;
        rest.remove_prefix(end);
    }
}

// Plain decimal digits, nothing else, within [min, max].
template <class T>
Result<T> number(std::string_view text, T min, T max, std::string_view what) {
    T value{};
    bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (!digits || ec != std::errc() || end != text.data() + text.size() || value < min ||
        value > max) {
        return syntax(std::string("invalid ") + std::string(what));
    }
    return value;
}

Result<std::uint32_t> message_number(std::string_view text) {
    return number<std::uint32_t>(text, 1, std::numeric_limits<std::uint32_t>::max(),
                                 "message number");
}

Result<Command> with_arguments(Command command, std::string_view rest) {
    std::vector<std::string_view> args = words(rest);
    auto count_is = [&](std::size_t low, std::size_t high) {
        return args.size() >= low && args.size() <= high;
    };
    switch (command.verb) {
    case Verb::stls: case Verb::stat: case Verb::noop: case Verb::rset:
    case Verb::last: case Verb::capa: case Verb::quit:
        if (!count_is(0, 0)) return syntax("no arguments expected");
        return command;
    case Verb::rpop:
        return command;
    case Verb::user:
        if (!count_is(1, 1)) return syntax("usage: USER name");
        command.name = args[0];
        return command;
    case Verb::pass:
        // RFC 1939: one SPACE after the keyword, then the password, which
        // may itself begin with, hold or end in spaces.
        if (rest.size() < 2) return syntax("usage: PASS password");
        command.secret.assign(rest.substr(1));
        return command;
    case Verb::apop:
        if (!count_is(2, 2)) return syntax("usage: APOP name digest");
        // Refused here, as a client's error, rather than by pop3d-auth's
        // codec, which would make it a fault of the server ([SYS/TEMP]).
        if (!is_apop_digest(args[1])) return syntax("the APOP digest is 32 hex digits");
        command.name = args[0];
        command.digest = args[1];
        return command;
    case Verb::auth:
        if (!count_is(0, 2)) return syntax("usage: AUTH [mechanism [initial-response]]");
        if (!args.empty()) command.name = args[0];
        if (args.size() == 2) {
            command.has_initial_response = true;
            // RFC 5034 section 4: "=" is an initial response of zero length.
            command.secret.assign(args[1] == "=" ? std::string_view() : args[1]);
        }
        return command;
    case Verb::list: case Verb::uidl:
        if (!count_is(0, 1)) return syntax("at most one message number expected");
        if (args.size() == 1) {
            auto n = message_number(args[0]);
            if (!n) return n.error();
            command.message = *n;
        }
        return command;
    case Verb::retr: case Verb::dele: {
        if (!count_is(1, 1)) return syntax("a message number expected");
        auto n = message_number(args[0]);
        if (!n) return n.error();
        command.message = *n;
        return command;
    }
    case Verb::top: {
        if (!count_is(2, 2)) return syntax("usage: TOP msg n");
        auto n = message_number(args[0]);
        if (!n) return n.error();
        // RFC 1939: more lines than the body has sends it all, so a count
        // past 64 bits (still plain digits) is the largest count.
        auto lines = number<std::uint64_t>(args[1], 0, std::numeric_limits<std::uint64_t>::max(),
                                           "line count");
        bool digits = args[1].find_first_not_of("0123456789") == std::string_view::npos;
        if (!lines && !digits) return lines.error();
        command.message = *n;
        command.lines = lines ? *lines : std::numeric_limits<std::uint64_t>::max();
        return command;
    }
    }
    return syntax("unknown command");
}

}  // namespace

Result<Command> parse_command(std::string_view line) {
    std::size_t end = line.find(' ');
    std::string_view word = line.substr(0, end);
    std::string_view rest = end == std::string_view::npos ? std::string_view() : line.substr(end);
    if (word.size() < 3 || word.size() > 4) return syntax("unknown command");
    std::string upper_word;
    for (char c : word) upper_word.push_back(upper(c));
    for (const Keyword& k : keywords) {
        if (k.text == upper_word) {
            Command command;
            command.verb = k.verb;
            return with_arguments(std::move(command), rest);
        }
    }
    return syntax("unknown command");
}

std::string_view keyword(Verb verb) {
    for (const Keyword& k : keywords) {
        if (k.verb == verb) return k.text;
    }
    return "?";
}

}  // namespace pop3d::pop3
