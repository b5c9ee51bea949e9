#include "common/pop3/transaction.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/limits.h"
#include "tests/support/memory_maildrop.h"
#include "tests/support/string_output.h"

namespace pop3d::pop3 {
namespace {

// A TRANSACTION state over an in-memory maildrop, as the session drives it.
struct Session {
    explicit Session(std::vector<std::string> messages, bool mboxrd = false, std::size_t last = 0)
        : drop(std::move(messages), mboxrd, last) {}

    // Feeds the input in one piece and returns what was written.
    std::string run(std::string_view input) {
        reader.feed(input);
        result = tx.serve(reader);
        return out.take();
    }

    test::MemoryMaildrop drop;
    test::StringOutput out;
    OutputBuffer buffer{out};
    Transaction tx{drop, buffer};
    CommandReader reader;
    Result<bool> result = false;
};

bool starts(const std::string& s, std::string_view prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

// What a client keeps of a multi-line response body: the lines after the
// first, with dot-stuffing removed, without the terminator. Fails the test
// when the terminator is missing.
std::string body_of(const std::string& reply) {
    std::size_t first = reply.find("\r\n");
    EXPECT_NE(first, std::string::npos);
    std::string rest = reply.substr(first + 2);
    EXPECT_TRUE(rest.size() >= 3 && rest.compare(rest.size() - 3, 3, ".\r\n") == 0) << reply;
    rest.resize(rest.size() - 3);
    std::string out;
    bool line_start = true;
    for (char c : rest) {
        bool stuffing = line_start && c == '.';
        line_start = c == '\n';
        if (!stuffing) out += c;
    }
    return out;
}

const std::vector<std::string> rfc_drop{std::string(118, 'a') + "\n",
                                        std::string(198, 'b') + "\n"};

TEST(Transaction, StatListUidl) {
    Session s(rfc_drop);
    EXPECT_EQ(s.run("STAT\r\n"), "+OK 2 320\r\n");
    EXPECT_EQ(s.run("LIST\r\n"), "+OK 2 messages (320 octets)\r\n1 120\r\n2 200\r\n.\r\n");
    EXPECT_EQ(s.run("LIST 2\r\n"), "+OK 2 200\r\n");
    EXPECT_EQ(s.run("UIDL\r\n"), "+OK unique-id listing follows\r\n1 uid-1\r\n2 uid-2\r\n.\r\n");
    EXPECT_EQ(s.run("UIDL 1\r\n"), "+OK 1 uid-1\r\n");
    EXPECT_TRUE(s.result.ok());
    EXPECT_FALSE(*s.result);
}

TEST(Transaction, BadNumbersNeverAnswerAboutAnotherMessage) {
    Session s(rfc_drop);
    for (const char* line : {"LIST 4294967297", "LIST -1", "LIST +1", "LIST 1x", "LIST 0",
                             "LIST 3", "LIST 4294967295", "RETR", "RETR 0", "RETR 3", "TOP 3 1",
                             "TOP 1", "TOP 1 x", "DELE 3", "DELE", "UIDL 3", "UIDL 0x1"}) {
        std::string reply = s.run(std::string(line) + "\r\n");
        EXPECT_TRUE(starts(reply, "-ERR")) << line << " -> " << reply;
        EXPECT_EQ(reply.find("\r\n"), reply.size() - 2) << line;
    }
    EXPECT_EQ(s.run("STAT\r\n"), "+OK 2 320\r\n");
}

TEST(Transaction, RetrSendsTheStuffedMessageAndItsExactSize) {
    std::vector<std::string> messages{
        "Subject: dots\n\n.hidden\n..two\n.\nend\n",
        "Subject: crlf\r\n\r\nbody\r\n",
        "Subject: mixed\r\n\nline\nno final newline",
        "",
        "Subject: empty body\n\n",
        ".",
        "bare\rcr\r\n\r\n",
    };
    Session s(messages);
    for (std::size_t i = 0; i < messages.size(); ++i) {
        std::string reply = s.run("RETR " + std::to_string(i + 1) + "\r\n");
        std::string size = std::to_string(test::stored_octets(messages[i], false));
        ASSERT_TRUE(starts(reply, "+OK " + size + " octets\r\n")) << reply;
        EXPECT_EQ(std::to_string(body_of(reply).size()), size) << i;
        std::string listed = s.run("LIST " + std::to_string(i + 1) + "\r\n");
        EXPECT_EQ(listed, "+OK " + std::to_string(i + 1) + " " + size + "\r\n");
    }
    EXPECT_EQ(s.run("RETR 4\r\n"), "+OK 0 octets\r\n.\r\n");
    EXPECT_EQ(s.run("RETR 1\r\n"),
              "+OK 41 octets\r\nSubject: dots\r\n\r\n..hidden\r\n...two\r\n..\r\nend\r\n.\r\n");
    EXPECT_EQ(s.run("RETR 3\r\n"),
              "+OK 42 octets\r\nSubject: mixed\r\n\r\nline\r\nno final newline\r\n.\r\n");
    EXPECT_EQ(s.tx.summary().retrieved, messages.size() + 3);
}

TEST(Transaction, MboxrdUnquotingCountsInTheSize) {
    std::vector<std::string> messages{"S: x\n\n>From here\n>>From there\n.From\n"};
    Session s(messages, true);
    std::string reply = s.run("RETR 1\r\n");
    EXPECT_EQ(reply, "+OK 39 octets\r\nS: x\r\n\r\nFrom here\r\n>From there\r\n..From\r\n.\r\n");
    EXPECT_EQ(body_of(reply).size(), 39u);
    EXPECT_EQ(s.run("STAT\r\n"), "+OK 1 39\r\n");
}

TEST(Transaction, Top) {
    Session s({"A: 1\nB: 2\n\n.l1\nl2\nl3\n", "no blank line\nat all"});
    EXPECT_EQ(s.run("TOP 1 0\r\n"), "+OK top of message follows\r\nA: 1\r\nB: 2\r\n\r\n.\r\n");
    EXPECT_EQ(s.run("TOP 1 2\r\n"),
              "+OK top of message follows\r\nA: 1\r\nB: 2\r\n\r\n..l1\r\nl2\r\n.\r\n");
    std::string whole = s.run("RETR 1\r\n");
    EXPECT_EQ(body_of(s.run("TOP 1 99\r\n")), body_of(whole));
    EXPECT_EQ(s.run("TOP 2 0\r\n"),
              "+OK top of message follows\r\nno blank line\r\nat all\r\n.\r\n");
    EXPECT_EQ(s.tx.summary().top, 4u);
}

TEST(Transaction, TopStopsReadingOnceItHasItsLines) {
    std::string big = "H: v\n\n";
    for (int i = 0; i < 10000; ++i) big += "body line\n";
    Session s({big});
    s.drop.chunk_size = 64;
    std::string reply = s.run("TOP 1 1\r\n");
    EXPECT_EQ(reply, "+OK top of message follows\r\nH: v\r\n\r\nbody line\r\n.\r\n");
    EXPECT_TRUE(s.result.ok());
}

TEST(Transaction, DeletedMessagesVanishAndNumbersNeverShift) {
    Session s({"one\n", "two\n", "three\n"});
    EXPECT_EQ(s.run("DELE 2\r\n"), "+OK message 2 deleted\r\n");
    EXPECT_EQ(s.run("STAT\r\n"), "+OK 2 12\r\n");
    EXPECT_EQ(s.run("LIST\r\n"), "+OK 2 messages (12 octets)\r\n1 5\r\n3 7\r\n.\r\n");
    EXPECT_EQ(s.run("UIDL\r\n"), "+OK unique-id listing follows\r\n1 uid-1\r\n3 uid-3\r\n.\r\n");
    for (const char* line : {"LIST 2", "UIDL 2", "RETR 2", "TOP 2 0", "DELE 2"}) {
        EXPECT_TRUE(starts(s.run(std::string(line) + "\r\n"), "-ERR")) << line;
    }
    EXPECT_EQ(s.run("RETR 3\r\n"), "+OK 7 octets\r\nthree\r\n.\r\n");
    EXPECT_EQ(s.run("RSET\r\n"), "+OK maildrop has 3 messages (17 octets)\r\n");
    EXPECT_EQ(s.run("LIST 2\r\n"), "+OK 2 5\r\n");
}

TEST(Transaction, Rfc1460LastAndRsetExample) {
    Session s({std::string(75, 'x') + "\n", "b\n", std::string(118, 'c') + "\n",
               std::string(118, 'd') + "\n"},
              false, 1);
    EXPECT_EQ(s.run("STAT\r\n"), "+OK 4 320\r\n");
    EXPECT_EQ(s.run("LAST\r\n"), "+OK 1\r\n");
    EXPECT_TRUE(starts(s.run("RETR 3\r\n"), "+OK 120 octets\r\n"));
    EXPECT_EQ(s.run("LAST\r\n"), "+OK 3\r\n");
    EXPECT_EQ(s.run("DELE 2\r\n"), "+OK message 2 deleted\r\n");
    EXPECT_EQ(s.run("LAST\r\n"), "+OK 3\r\n");
    EXPECT_TRUE(starts(s.run("RSET\r\n"), "+OK"));
    EXPECT_EQ(s.run("LAST\r\n"), "+OK 0\r\n");
    EXPECT_EQ(s.run("DELE 4\r\n"), "+OK message 4 deleted\r\n");
    EXPECT_EQ(s.run("LAST\r\n"), "+OK 4\r\n");
    EXPECT_TRUE(starts(s.run("TOP 1 0\r\n"), "+OK"));  // TOP is no access (RFC 1460)
    EXPECT_EQ(s.run("LAST\r\n"), "+OK 4\r\n");
}

TEST(Transaction, InitialLastBeyondTheMaildropIsClamped) {
    Session s({"a\n"}, false, 7);
    EXPECT_EQ(s.run("LAST\r\n"), "+OK 1\r\n");
}

TEST(Transaction, QuitUpdatesAndSummarises) {
    Session s({"one\n", "two\n", "three\n"}, false, 0);
    s.run("RETR 1\r\nDELE 1\r\nDELE 3\r\n");
    EXPECT_EQ(s.run("QUIT\r\n"), "+OK signing off (1 message left)\r\n");
    ASSERT_TRUE(s.result.ok());
    EXPECT_TRUE(*s.result);
    EXPECT_EQ(s.drop.update_calls, 1u);
    EXPECT_EQ(s.drop.recorded_last, 3u);
    EXPECT_EQ(s.drop.messages(), std::vector<std::string>{"two\n"});
    const SessionSummary& sum = s.tx.summary();
    EXPECT_EQ(sum.retrieved, 1u);
    EXPECT_EQ(sum.retrieved_octets, 5u);
    EXPECT_EQ(sum.deleted, 2u);
    EXPECT_EQ(sum.deleted_octets, 12u);
    EXPECT_EQ(sum.left, 1u);
    EXPECT_EQ(sum.left_octets, 5u);
    EXPECT_TRUE(sum.updated);
    EXPECT_EQ(format_summary(sum), "retr=1/5 top=0 dele=2/12 left=1/5 update=yes");
}

// A session cut off before QUIT (the client went, autologout) removes
// nothing, and its summary says the whole maildrop is left.
TEST(Transaction, WithoutQuitTheSummaryLeavesEveryMessage) {
    Session s({"one\n", "two\n", "three\n"});
    s.run("RETR 1\r\nDELE 1\r\nDELE 2\r\n");
    EXPECT_EQ(s.drop.update_calls, 0u);
    EXPECT_EQ(format_summary(s.tx.summary()), "retr=1/5 top=0 dele=0/0 left=3/17 update=no");
}

TEST(Transaction, QuitWithEverythingDeleted) {
    Session s({"one\n"});
    EXPECT_EQ(s.run("DELE 1\r\nQUIT\r\n"),
              "+OK message 1 deleted\r\n+OK signing off (maildrop empty)\r\n");
    EXPECT_TRUE(s.drop.messages().empty());
}

TEST(Transaction, FailedUpdateRemovesNothingAndSaysWhy) {
    for (auto [kind, code] : {std::pair{ErrorKind::temporary, "-ERR [SYS/TEMP] "},
                              std::pair{ErrorKind::permanent, "-ERR [SYS/PERM] "},
                              std::pair{ErrorKind::in_use, "-ERR [SYS/TEMP] "}}) {
        Session s({"one\n", "two\n"});
        s.drop.update_failure = kind;
        std::string reply = s.run("DELE 1\r\nQUIT\r\n");
        EXPECT_TRUE(starts(reply.substr(reply.find("\r\n") + 2), code)) << reply;
        ASSERT_TRUE(s.result.ok());
        EXPECT_TRUE(*s.result);  // the session is over all the same
        EXPECT_EQ(s.drop.messages().size(), 2u);
        EXPECT_FALSE(s.tx.summary().updated);
        EXPECT_EQ(s.tx.summary().left, 2u);
        EXPECT_EQ(s.tx.summary().deleted, 0u);
        ASSERT_TRUE(s.tx.update_failure().has_value());
        EXPECT_EQ(s.tx.update_failure()->kind, kind);
    }
}

TEST(Transaction, NoopCapaAndRefusedCommands) {
    Session s({"a\n"});
    EXPECT_EQ(s.run("NOOP\r\n"), "+OK\r\n");
    std::string capa = s.run("CAPA\r\n");
    EXPECT_TRUE(starts(capa, "+OK"));
    EXPECT_NE(capa.find("\r\nIMPLEMENTATION pop3d 0.1\r\n"), std::string::npos);
    EXPECT_NE(capa.find("\r\nUSER\r\n"), std::string::npos);  // RFC 2449 section 5
    EXPECT_EQ(capa.find("STLS"), std::string::npos);
    for (const char* line : {"USER a", "PASS b", "APOP a b", "AUTH", "AUTH PLAIN", "STLS",
                             "RPOP a", "HELO", ""}) {
        EXPECT_TRUE(starts(s.run(std::string(line) + "\r\n"), "-ERR")) << line;
    }
}

TEST(Transaction, LineErrorsGetOneErrEach) {
    Session s({"a\n"});
    std::string input = "NOOP\r\n" + std::string(1 << 20, 'L') + "\r\nNOOP\r\n";
    input += std::string("ST\0T\r\nNOOP\n", 11);
    EXPECT_EQ(s.run(input),
              "+OK\r\n-ERR command line too long\r\n+OK\r\n-ERR invalid character in command\r\n"
              "+OK\r\n");
}

TEST(Transaction, HundredPipelinedCommandsAnsweredInOrderInOneWrite) {
    Session s({"one\n", "two\n", "three\n"});
    std::string input, expected;
    for (int i = 0; i < 100; ++i) {
        int n = i % 3 + 1;
        input += "LIST " + std::to_string(n) + "\r\n";
        expected += "+OK " + std::to_string(n) + " " + std::to_string(n == 3 ? 7 : 5) + "\r\n";
    }
    input += "QUIT\r\n";
    expected += "+OK signing off (3 messages left)\r\n";
    EXPECT_EQ(s.run(input), expected);
    EXPECT_EQ(s.out.writes, 1u);
}

TEST(Transaction, PartialCommandWaitsForItsEnd) {
    Session s({"a\n"});
    EXPECT_EQ(s.run("NOOP\r\nSTA"), "+OK\r\n");
    EXPECT_EQ(s.run("T\r\n"), "+OK 1 3\r\n");
}

TEST(Transaction, LargeMessageStreamsThroughTheBoundedBuffer) {
    std::string line = "." + std::string(76, 'm') + "\n";
    std::string message;
    while (message.size() < 8 * 1024 * 1024) message += line;
    Session s({message});
    std::string reply = s.run("RETR 1\r\n");
    std::uint64_t size = test::stored_octets(message, false);
    EXPECT_TRUE(starts(reply, "+OK " + std::to_string(size) + " octets\r\n"));
    EXPECT_EQ(body_of(reply).size(), size);
    EXPECT_LE(s.out.largest_write, limits::output_buffer);
    EXPECT_GE(s.out.writes, reply.size() / limits::output_buffer);
}

TEST(Transaction, ReadFailureMidMessageEndsTheSessionUnterminated) {
    Session s({std::string(100000, 'x') + "\n"});
    s.drop.read_fails_after = 50000;
    std::string reply = s.run("RETR 1\r\nNOOP\r\n");
    EXPECT_FALSE(s.result.ok());
    ASSERT_TRUE(s.buffer.flush().ok());
    reply += s.out.take();
    EXPECT_NE(reply.substr(reply.size() - 5), "\r\n.\r\n");
    EXPECT_EQ(s.tx.summary().retrieved, 0u);
}

TEST(Transaction, SizeMismatchIsNeverPassedOffAsAWholeMessage) {
    Session s({"abc\n"});
    s.drop.octets_override = 4;
    s.run("RETR 1\r\n");
    ASSERT_FALSE(s.result.ok());
    EXPECT_EQ(s.result.error().kind, ErrorKind::permanent);
    ASSERT_TRUE(s.buffer.flush().ok());
    EXPECT_EQ(s.out.take().find("\r\n.\r\n"), std::string::npos);
}

TEST(Transaction, WriteFailureEndsTheSession) {
    Session s({"a\n"});
    s.out.fail_after_writes = 0;
    s.run("DELE 1\r\nQUIT\r\n");
    EXPECT_FALSE(s.result.ok());
    // UPDATE comes before its reply can fail; a client that goes away
    // before QUIT gets no UPDATE.
    EXPECT_EQ(s.drop.update_calls, 1u);
    Session t({"a\n"});
    t.out.fail_after_writes = 0;
    t.run("DELE 1\r\n");
    EXPECT_FALSE(t.result.ok());
    EXPECT_EQ(t.drop.update_calls, 0u);
}

// After QUIT the session is over: a driver that calls again (pipelined
// bytes after QUIT, a bug) must get an error, never a second UPDATE on a
// maildrop whose numbers have already shifted, and no further output.
TEST(Transaction, NothingIsAnsweredAfterQuit) {
    Session s({"one\n", "two\n", "three\n"});
    EXPECT_EQ(s.run("DELE 1\r\nQUIT\r\n"),
              "+OK message 1 deleted\r\n+OK signing off (2 messages left)\r\n");
    ASSERT_TRUE(s.result.ok());
    EXPECT_TRUE(*s.result);
    EXPECT_EQ(s.run("DELE 1\r\nQUIT\r\n"), "");
    EXPECT_FALSE(s.result.ok());
    EXPECT_FALSE(s.tx.on_line("QUIT").ok());
    EXPECT_FALSE(s.tx.on_line_error(ReadLine::Kind::too_long).ok());
    ASSERT_TRUE(s.buffer.flush().ok());
    EXPECT_EQ(s.out.take(), "");
    EXPECT_EQ(s.drop.update_calls, 1u);
    EXPECT_EQ(s.drop.messages(), (std::vector<std::string>{"two\n", "three\n"}));
}

// After an error (here a RETR cut short) the reply is left unterminated on
// purpose; nothing may follow it.
TEST(Transaction, NothingIsAnsweredAfterAnError) {
    Session s({std::string(10000, 'x') + "\n", "b\n"});
    s.drop.chunk_size = 100;
    s.drop.read_fails_after = 1000;
    s.run("RETR 1\r\n");
    ASSERT_FALSE(s.result.ok());
    s.out.take();
    EXPECT_EQ(s.run("NOOP\r\nDELE 2\r\nQUIT\r\n"), "");
    EXPECT_FALSE(s.result.ok());
    EXPECT_EQ(s.drop.update_calls, 0u);
}

TEST(Transaction, EmptyMaildrop) {
    Session s({});
    EXPECT_EQ(s.run("STAT\r\n"), "+OK 0 0\r\n");
    EXPECT_EQ(s.run("LIST\r\n"), "+OK 0 messages (0 octets)\r\n.\r\n");
    EXPECT_EQ(s.run("UIDL\r\n"), "+OK unique-id listing follows\r\n.\r\n");
    EXPECT_TRUE(starts(s.run("RETR 1\r\n"), "-ERR no such message"));
    EXPECT_EQ(s.run("LAST\r\n"), "+OK 0\r\n");
    EXPECT_EQ(s.run("QUIT\r\n"), "+OK signing off (maildrop empty)\r\n");
}

TEST(Transaction, EverySingleLineReplyFitsInALine) {
    Session s({"a\n", "b\n"});
    std::string all = s.run("STAT\r\nLIST 1\r\nUIDL 2\r\nDELE 1\r\nLAST\r\nRSET\r\nNOOP\r\n"
                            "LIST 9\r\nRETR 0\r\n" + std::string(300, 'x') + "\r\nQUIT\r\n");
    std::size_t at = 0, lines = 0;
    while (at < all.size()) {
        std::size_t end = all.find("\r\n", at);
        ASSERT_NE(end, std::string::npos);
        EXPECT_LE(end + 2 - at, limits::reply_line);
        at = end + 2;
        ++lines;
    }
    EXPECT_EQ(lines, 11u);
}

}  // namespace
}  // namespace pop3d::pop3
