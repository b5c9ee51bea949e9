// Unique ids (RFC 1939 section 7, UIDL) for mbox messages: derived from the
// message's own bytes so that they survive other programs rewriting the
// file, made unique deterministically, optionally taken from X-UIDL.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pop3d::mbox {

// What is derived from a message's From_ line (without the line end) and
// content (the separator excluded): the id, 22 characters of base64url,
// which never contain '.', so a collision suffix ".N" cannot make another
// base id; and a fingerprint of the same samples, kept in the index so
// UPDATE can tell whether another program changed the message.
struct Derived {
    std::string uid;
    std::uint64_t fingerprint = 0;
};
Derived derive(std::string_view from_line, std::string_view content);

// The value of an X-UIDL header in the message's header block (the lines up
// to the first empty one, looked at within limits::x_uidl_header_scan), when
// there is exactly one and it is a valid id.
std::optional<std::string> find_x_uidl(std::string_view content);

// A valid POP3 unique id: 1 to 70 characters in 0x21..0x7E.
bool valid_uid(std::string_view id);

struct UidCandidate {
    std::string_view pinned;  // an id this message already had (state file); may be empty
    std::string derived;  // derive().uid
    std::optional<std::string> x_uidl;
};

// Calls its argument with each id already assigned to a message that stays.
using TakenIds = std::function<void(const std::function<void(std::string_view)>&)>;

// The ids of new messages, in order, distinct from each other and from the
// taken ones (which count as pinned). Pinned ids are kept. Then an
// X-UIDL value that no other message has (as X-UIDL or as an id) is used.
// Otherwise the derived id, or, when it is taken, derived.N with the
// smallest N >= 2 not taken: the first of several byte-identical messages
// in file order gets the plain id.
// The ids are views of the candidates' strings or of strings added to
// *storage, which must outlive them.
std::vector<std::string_view> assign_uids(const TakenIds& taken_ids,
                                          const std::vector<UidCandidate>& candidates,
                                          std::deque<std::string>& storage);

}  // namespace pop3d::mbox
