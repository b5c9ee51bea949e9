#include "sessiond/transaction_driver.h"

#include "common/log.h"
#include "common/pop3/command_reader.h"
#include "common/pop3/output.h"
#include "common/pop3/transaction.h"
#include "sessiond/client_io.h"

namespace pop3d::session {

TransactionOutcome run_transaction(int in_fd, int out_fd, Maildrop& maildrop, std::string_view login_reply,
                                   std::string_view unconsumed, unsigned autologout, SendRateFloor floor) {
    ClientOutput client(out_fd, autologout, floor);
    pop3::OutputBuffer out(client);
    pop3::Transaction tx(maildrop, out);
    pop3::CommandReader reader(unconsumed);
    TransactionOutcome outcome;
    auto slow_or = [&](Ended otherwise) {
        outcome.too_slow = client.too_slow();
        outcome.ended = outcome.too_slow.empty() ? otherwise : Ended::too_slow;
    };
    if (!out.append(login_reply)) {
        slow_or(Ended::disconnected);
        return outcome;
    }
    char buffer[4096];
    // Each pass answers what is buffered, then reads at least one byte or
    // ends; the autologout bounds the wait.
    for (;;) {
        auto served = tx.serve(reader);
        if (!served || *served) {
            if (const auto& failure = tx.update_failure())
                log::error("UPDATE failed: %s", failure->message.c_str());
            outcome.summary = tx.summary();
            if (served)
                outcome.ended = Ended::quit;
            else
                slow_or(Ended::error);
            return outcome;
        }
        ClientRead got = read_client(in_fd, buffer, sizeof buffer, autologout);
        if (got.kind == ClientRead::Kind::data) {
            reader.feed(std::string_view(buffer, got.size));
            continue;
        }
        outcome.summary = tx.summary();
        outcome.ended = got.kind == ClientRead::Kind::autologout ? Ended::autologout : Ended::disconnected;
        return outcome;
    }
}

}  // namespace pop3d::session
