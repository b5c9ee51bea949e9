#include "common/pop3/transaction.h"

#include <algorithm>
#include <optional>
#include <string>

#include "common/pop3/capa.h"
#include "common/pop3/multiline_encoder.h"
#include "common/pop3/replies.h"

namespace pop3d::pop3 {
namespace {

std::string listing(std::size_t number, std::string_view value) {
    std::string line = std::to_string(number);
    line += ' ';
    line += value;
    line += "\r\n";
    return line;
}

std::string plural(std::uint64_t n, std::string_view word) {
    return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

Error session_over() {
    return make_error(ErrorKind::permanent, "the session is over: nothing more is answered");
}

}  // namespace

Transaction::Transaction(Maildrop& maildrop, OutputBuffer& out)
    : maildrop_(maildrop),
      out_(out),
      deleted_(maildrop.count(), false),
      highest_accessed_(std::min(maildrop.initial_last(), maildrop.count())) {
    // Until an UPDATE succeeds every message is still there: a session cut
    // off before QUIT leaves the whole maildrop, and its summary says so.
    summary_.left = maildrop.count();
    summary_.left_octets = remaining_octets();
}

Result<bool> Transaction::serve(CommandReader& reader) {
    if (over_) return session_over();
    while (auto line = reader.next()) {
        auto done = answer(*line);
        if (!done) return done;
        if (*done) return true;
    }
    if (Status s = out_.flush(); !s) {
        over_ = true;
        return s.error();
    }
    return false;
}

Result<bool> Transaction::on_line(std::string_view line) {
    return answer(ReadLine{ReadLine::Kind::command, line});
}

Result<bool> Transaction::on_line_error(ReadLine::Kind kind) { return answer(ReadLine{kind, {}}); }

Result<bool> Transaction::answer(const ReadLine& line) {
    if (over_) return session_over();
    Result<bool> done = false;
    if (line.kind == ReadLine::Kind::command) {
        auto command = parse_command(line.text);
        if (command) {
            done = handle(*command);
        } else if (Status s = out_.append(err(command.error().message)); !s) {
            done = s.error();
        }
    } else if (Status s = out_.append(err(line.kind == ReadLine::Kind::too_long
                                              ? "command line too long"
                                              : "invalid character in command"));
               !s) {
        done = s.error();
    }
    if (!done || *done) over_ = true;
    return done;
}

Result<bool> Transaction::handle(const Command& command) {
    Status s;
    switch (command.verb) {
    case Verb::stat: s = stat(); break;
    case Verb::list: s = list(command); break;
    case Verb::uidl: s = uidl(command); break;
    case Verb::retr: case Verb::top: s = retrieve(command); break;
    case Verb::dele: s = dele(command); break;
    case Verb::noop: s = out_.append(ok()); break;
    case Verb::rset: s = rset(); break;
    case Verb::last: s = out_.append(ok(std::to_string(highest_accessed_))); break;
    case Verb::capa: s = out_.append(capa_reply({.authorization = false})); break;
    case Verb::quit:
        if (s = quit(); !s) return s.error();
        if (s = out_.flush(); !s) return s.error();
        return true;
    case Verb::rpop:
        s = out_.append(err("RPOP is not supported (removed by RFC 1460)"));
        break;
    case Verb::user: case Verb::pass: case Verb::apop: case Verb::auth: case Verb::stls:
        s = out_.append(err("already logged in"));
        break;
    }
    if (!s) return s.error();
    return false;
}

Result<std::size_t> Transaction::existing(std::uint32_t number) const {
    if (number == 0 || number > maildrop_.count()) {
        return make_error(ErrorKind::invalid, "no such message, only " +
                                                  plural(maildrop_.count(), "message") +
                                                  " in maildrop");
    }
    std::size_t index = number - 1;
    if (deleted_[index]) {
        return make_error(ErrorKind::invalid, "message " + std::to_string(number) + " is deleted");
    }
    return index;
}

void Transaction::accessed(std::size_t index) {
    highest_accessed_ = std::max(highest_accessed_, index + 1);
}

std::size_t Transaction::remaining_count() const {
    return static_cast<std::size_t>(std::count(deleted_.begin(), deleted_.end(), false));
}

std::uint64_t Transaction::remaining_octets() const {
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < deleted_.size(); ++i) {
        if (!deleted_[i]) total += maildrop_.octets(i);
    }
    return total;
}

Status Transaction::stat() {
    return out_.append(ok(std::to_string(remaining_count()) + " " +
                          std::to_string(remaining_octets())));
}

Status Transaction::list(const Command& command) {
    if (command.message) {
        auto index = existing(*command.message);
        if (!index) return out_.append(err(index.error().message));
        return out_.append(ok(std::to_string(*command.message) + " " +
                              std::to_string(maildrop_.octets(*index))));
    }
    std::string head = plural(remaining_count(), "message") + " (" +
                       std::to_string(remaining_octets()) + " octets)";
    if (Status s = out_.append(ok(head)); !s) return s;
    for (std::size_t i = 0; i < deleted_.size(); ++i) {
        if (deleted_[i]) continue;
        if (Status s = out_.append(listing(i + 1, std::to_string(maildrop_.octets(i)))); !s) {
            return s;
        }
    }
    return out_.append(multiline_end);
}

Status Transaction::uidl(const Command& command) {
    if (command.message) {
        auto index = existing(*command.message);
        if (!index) return out_.append(err(index.error().message));
        return out_.append(ok(std::to_string(*command.message) + " " +
                              std::string(maildrop_.unique_id(*index))));
    }
    if (Status s = out_.append(ok("unique-id listing follows")); !s) return s;
    for (std::size_t i = 0; i < deleted_.size(); ++i) {
        if (deleted_[i]) continue;
        if (Status s = out_.append(listing(i + 1, maildrop_.unique_id(i))); !s) return s;
    }
    return out_.append(multiline_end);
}

// RETR and TOP: the message streams from the maildrop through the encoder
// into the output buffer, one bounded chunk at a time.
Status Transaction::retrieve(const Command& command) {
    auto index = existing(*command.message);
    if (!index) return out_.append(err(index.error().message));
    bool whole = command.verb == Verb::retr;
    std::uint64_t expected = maildrop_.octets(*index);
    Status s = out_.append(whole ? ok(std::to_string(expected) + " octets")
                                 : ok("top of message follows"));
    if (!s) return s;

    MultilineEncoder encoder(maildrop_.unquotes_from(),
                             whole ? std::nullopt : std::optional<std::uint64_t>(command.lines));
    WireSink wire = [this](std::string_view bytes) { return out_.append(bytes); };
    s = maildrop_.read(*index, [&](std::string_view chunk) -> Result<Reading> {
        if (Status e = encoder.feed(chunk, wire); !e) return e.error();
        return encoder.done() ? Reading::enough : Reading::more;
    });
    if (!s) return s;
    if (s = encoder.finish(wire); !s) return s;
    if (whole && encoder.octets() != expected) {
        // The reply stays unterminated: the client must not take it for a
        // whole message. The session ends here, without UPDATE.
        return make_error(ErrorKind::permanent,
                          "message " + std::to_string(*command.message) + " produced " +
                              std::to_string(encoder.octets()) + " octets, the maildrop said " +
                              std::to_string(expected));
    }
    if (s = out_.append(multiline_end); !s) return s;
    if (whole) {
        accessed(*index);
        ++summary_.retrieved;
        summary_.retrieved_octets += encoder.octets();
    } else {
        ++summary_.top;
    }
    return {};
}

Status Transaction::dele(const Command& command) {
    auto index = existing(*command.message);
    if (!index) return out_.append(err(index.error().message));
    deleted_[*index] = true;
    accessed(*index);
    return out_.append(ok("message " + std::to_string(*command.message) + " deleted"));
}

// RFC 1460: RSET unmarks every deleted message and sets "highest number
// accessed" to 0.
Status Transaction::rset() {
    std::fill(deleted_.begin(), deleted_.end(), false);
    highest_accessed_ = 0;
    return out_.append(ok("maildrop has " + plural(remaining_count(), "message") + " (" +
                          std::to_string(remaining_octets()) + " octets)"));
}

Status Transaction::quit() {
    std::uint64_t deleted_octets = 0;
    std::uint64_t deleted_count = 0;
    for (std::size_t i = 0; i < deleted_.size(); ++i) {
        if (!deleted_[i]) continue;
        ++deleted_count;
        deleted_octets += maildrop_.octets(i);
    }
    std::uint64_t left = remaining_count();
    std::uint64_t left_octets = remaining_octets();
    Status updated = maildrop_.update(deleted_, highest_accessed_);
    if (!updated) {
        update_failure_ = updated.error();
        summary_.left = deleted_.size();
        summary_.left_octets = left_octets + deleted_octets;
        ResponseCode code = updated.error().kind == ErrorKind::permanent ? ResponseCode::sys_perm
                                                                         : ResponseCode::sys_temp;
        return out_.append(err(code, "the maildrop could not be updated, no message was removed"));
    }
    summary_.updated = true;
    summary_.deleted = deleted_count;
    summary_.deleted_octets = deleted_octets;
    summary_.left = left;
    summary_.left_octets = left_octets;
    return out_.append(ok(left == 0 ? std::string("signing off (maildrop empty)")
                                    : "signing off (" + plural(left, "message") + " left)"));
}

}  // namespace pop3d::pop3
