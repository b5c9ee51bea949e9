// The TRANSACTION and UPDATE states (RFC 1939 sections 5 and 6, RFC 1460
// LAST) over a Maildrop, writing to an OutputBuffer.
//
// Message numbers never shift: a deleted message vanishes from STAT, LIST,
// UIDL and every command naming it until RSET. RETR and TOP stream the
// message through MultilineEncoder into the bounded OutputBuffer; nothing is
// allocated in proportion to a message. After RETR the octets produced are
// checked against Maildrop::octets() before the terminating line goes out: a
// mismatch (the mbox changed under us) ends the session with the reply left
// unterminated, so a client never takes a wrong message for a whole one.
//
// Driver loop (the session): construct, then
//     reader.feed(bytes read); auto r = tx.serve(reader);
//     !r.ok() -> close without UPDATE (the client went away, or the maildrop
//                failed mid-reply); *r == true -> QUIT was answered: close.
// Autologout (no input for the configured time) is the driver's: it closes
// without calling anything here, so no UPDATE happens.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "common/maildrop.h"
#include "common/pop3/command.h"
#include "common/pop3/command_reader.h"
#include "common/pop3/output.h"
#include "common/pop3/session_summary.h"
#include "common/result.h"

namespace pop3d::pop3 {

class Transaction {
public:
    // The maildrop and the buffer must outlive this object.
    Transaction(Maildrop& maildrop, OutputBuffer& out);

    // PIPELINING: answers every complete line the reader holds, in order,
    // then flushes. Returns true once QUIT has been answered (and flushed):
    // the session is over. An error means the session must end at once
    // without UPDATE.
    Result<bool> serve(CommandReader& reader);

    // One line or line error, answered into the buffer (not flushed). The
    // same results as serve(). Once one of them returned true or an error
    // the session is over: every later call fails at once and writes
    // nothing (no second UPDATE, nothing after an unterminated reply).
    Result<bool> on_line(std::string_view line);
    Result<bool> on_line_error(ReadLine::Kind kind);

    const SessionSummary& summary() const { return summary_; }
    // Why UPDATE failed, for the session's log (the client was sent a fixed
    // -ERR); empty unless QUIT reached UPDATE and it failed.
    const std::optional<Error>& update_failure() const { return update_failure_; }

private:
    Result<bool> answer(const ReadLine& line);
    Result<bool> handle(const Command& command);
    Status stat();
    Status list(const Command& command);
    Status uidl(const Command& command);
    Status retrieve(const Command& command);
    Status dele(const Command& command);
    Status rset();
    Status last();
    Status quit();
    // The 0-based index of a message a command may name, or the -ERR reply.
    Result<std::size_t> existing(std::uint32_t number) const;
    void accessed(std::size_t index);
    std::uint64_t remaining_octets() const;
    std::size_t remaining_count() const;

    Maildrop& maildrop_;
    OutputBuffer& out_;
    std::vector<bool> deleted_;
    std::size_t highest_accessed_ = 0;  // RFC 1460 LAST, a message number
    bool over_ = false;                 // QUIT was answered or an error ended it
    SessionSummary summary_;
    std::optional<Error> update_failure_;
};

}  // namespace pop3d::pop3
