// Why: every connection has its own pop3d-auth, and every attempt, even for
// an unknown user, computes a password hash (argon2id takes 64 MiB with
// pop3d-passwd's default). Unbounded, max_sessions clients trying at once
// would make the host allocate max_sessions times that. The slots bound how
// many pop3d-auth processes hash at the same moment, host-wide; the others
// wait their turn, which costs them time, not memory.
//
// A slot is an flock on one of `count` files in a root-owned directory,
// opened while pop3d-auth is still root; a process that dies frees its slot.
//
// One client address may use only half of them (slots_for_client): clients
// from one address, trying passwords on many connections at once, cannot
// hold every slot and make everybody else's login wait.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/unique_fd.h"

namespace pop3d::authd {

// Where the slot files are: a root-owned directory HashSlots::open makes.
inline constexpr const char* hash_slot_dir = "/run/pop3d";

class HashSlots {
public:
    // No slots: hashing is not bounded (single-user mode, where nobody else
    // shares the host's pop3d).
    HashSlots() = default;
    // Creates dir (0755, root) and its slot files if missing and opens them.
    static Result<HashSlots> open(const std::string& dir, unsigned count);

    // Releases its slot when it goes away.
    class Held {
    public:
        Held() = default;
        explicit Held(int fd) : fd_(fd) {}
        Held(Held&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
        Held& operator=(Held&&) = delete;
        ~Held();
        bool held() const { return fd_ >= 0; }

    private:
        int fd_ = -1;
    };

    // A free slot of those `client` may use, or an empty Held when all of
    // them are taken (or there are none).
    Held try_acquire(std::string_view client) const;
    // A slot of those `client` may use, waiting for one when all are taken;
    // an empty Held only when there are no slots or locking fails.
    Held acquire(std::string_view client) const;

private:
    std::vector<UniqueFd> fds_;
};

// The slots (indexes below count) a client address may use: count/2 of
// them in a row from a place its address chooses, all of them when there is
// only one. Pure.
std::vector<std::size_t> slots_for_client(std::string_view client, std::size_t count);

}  // namespace pop3d::authd
