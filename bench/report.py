#!/usr/bin/env python3
"""Turns bench/run.sh's raw results into the README table: medians over the
repetitions, and the ratios pop3d/Dovecot and popa3d/Dovecot against the
targets in the README (section Benchmark).

Raw line: REP SERVER SCENARIO ok|na|fail REST, REST being key=value pairs
(ok) or the reason (na, fail)."""

import argparse
import datetime
import os
import statistics
import sys

SERVERS = ["dovecot", "popa3d", "pop3d"]
NAMES = {"dovecot": "Dovecot", "popa3d": "popa3d", "pop3d": "pop3d"}

# scenario, key, label, unit, higher is better, target on pop3d/Dovecot
# (a ratio and whether it is a floor or a ceiling), extra keys shown.
ROWS = [
    ("m1-sha-c1", "sessions_per_s", "M1 logins/s, SHA-512, 1 client", "/s", True, None),
    ("m1-sha-c8", "sessions_per_s", "M1 logins/s, SHA-512, 8 clients", "/s", True, (2.0, ">=")),
    ("m1-yes-c1", "sessions_per_s", "M1 logins/s, yescrypt, 1 client", "/s", True, None),
    ("m1-yes-c8", "sessions_per_s", "M1 logins/s, yescrypt, 8 clients", "/s", True, None),
    ("m2", "mib_per_s", "M2 RETR all of 256 MiB", "MiB/s", True, (2.0, ">=")),
    ("m3-first", "stat_s", "M3 first open, 512 MiB / 50,000 msgs", "s", False, (0.1, "<=")),
    ("m3-second", "stat_s", "M3 second open", "s", False, (0.5, "<=")),
    ("m4", "quit_s", "M4 DELE 1 + QUIT, 256 MiB", "s", False, (0.5, "<=")),
    ("m5", "session_s", "M5 RETR+DELE 2,000 msgs + QUIT", "s", False, (0.6, "<=")),
    ("m6", "pss_kib_per_session", "M6 PSS per idle session", "KiB", False, (0.45, "<=")),
    ("t1-c1", "sessions_per_s", "T1 POP3S logins/s, SHA-512, 1 client", "/s", True, None),
    ("t1-c8", "sessions_per_s", "T1 POP3S logins/s, SHA-512, 8 clients", "/s", True, (2.0, ">=")),
    ("m1-sha-c8", "server_cpu_ms_per_login", "M1 server CPU per login, SHA-512, 8 clients", "ms",
     False, None),
    ("t1-c8", "server_cpu_ms_per_login", "T1 server CPU per POP3S login, SHA-512, 8 clients", "ms",
     False, None),
    ("t2", "mib_per_s", "T2 POP3S RETR all of 256 MiB", "MiB/s", True, (1.5, ">=")),
    ("t2", "relay_cpu_ms_per_mib", "T2 CPU of the TLS relay per MiB sent", "ms/MiB", False, None),
    ("t2", "server_cpu_ms_per_mib", "T2 CPU of all the server's processes per MiB sent", "ms/MiB",
     False, None),
]


def parse_raw(path):
    runs = {}  # (server, scenario) -> list of dicts
    problems = {}  # (server, scenario) -> (kind, reason)
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split(" ", 4)
            if len(parts) < 4:
                continue
            _, server, scenario, status = parts[:4]
            rest = parts[4] if len(parts) > 4 else ""
            if status == "ok":
                values = dict(kv.split("=", 1) for kv in rest.split() if "=" in kv)
                runs.setdefault((server, scenario), []).append(values)
            else:
                problems.setdefault((server, scenario), (status, rest))
    return runs, problems


def median(runs, server, scenario, key):
    values = [float(r[key]) for r in runs.get((server, scenario), []) if key in r]
    return statistics.median(values) if values else None


def fmt(value, unit):
    if value is None:
        return None
    if unit == "s":
        return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"
    if unit == "KiB":
        return f"{value:.0f} KiB"
    return f"{value:.1f} {unit}" if value < 100 else f"{value:.0f} {unit}"


def cell(runs, problems, server, scenario, key, unit):
    problem = problems.get((server, scenario)) or problems.get((server, "all"))
    if not problem and scenario.startswith("t"):
        problem = problems.get((server, "tls"))
    if problem and problem[0] == "fail":
        return "FAILED"
    value = median(runs, server, scenario, key)
    if value is None:
        return "n/a"
    text = fmt(value, unit)
    if key == "sessions_per_s":
        p50 = median(runs, server, scenario, "p50_ms")
        p99 = median(runs, server, scenario, "p99_ms")
        text += f" (p50 {p50:.1f} / p99 {p99:.1f} ms)"
    return text


def ratio(runs, server, scenario, key):
    a = median(runs, server, scenario, key)
    b = median(runs, "dovecot", scenario, key)
    if a is None or not b:
        return None
    return a / b


def verdict(r, target):
    if r is None or target is None:
        return ""
    bound, op = target
    met = r >= bound if op == ">=" else r <= bound
    return " (met)" if met else " (missed)"


def negotiated(runs):
    seen = []
    for s in ["dovecot", "pop3d"]:
        for r in runs.get((s, "t2"), []):
            if "tls" in r and f"{NAMES[s]} {r['tls']}" not in seen:
                seen.append(f"{NAMES[s]} {r['tls']}")
    return ", ".join(seen) if seen else "unknown"


def main():
    ap = argparse.ArgumentParser()
    for name in ["raw", "out", "command", "nproc", "reps", "elapsed", "dovecot-version",
                 "popa3d-version", "pop3d-version", "pop3d-locking", "data"]:
        ap.add_argument("--" + name, required=True)
    a = ap.parse_args()
    runs, problems = parse_raw(a.raw)

    out = []
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    out.append(f"Measured {now} on a machine with `nproc` = {a.nproc}, by "
               f"`{a.command}` (as root), {a.reps} repetitions alternating Dovecot, popa3d, pop3d; "
               f"medians; {a.elapsed} s in all.")
    out.append("")
    out.append("| scenario | Dovecot | popa3d | pop3d | pop3d/Dovecot (target) | popa3d/Dovecot |")
    out.append("|---|---|---|---|---|---|")
    for scenario, key, label, unit, _, target in ROWS:
        cells = [cell(runs, problems, s, scenario, key, unit) for s in SERVERS]
        r_pop3d = ratio(runs, "pop3d", scenario, key)
        r_popa3d = ratio(runs, "popa3d", scenario, key)
        tgt = f"{target[1]} {target[0]:g}x" if target else "-"
        rp = f"{r_pop3d:.2f}x" if r_pop3d is not None else "n/a"
        out.append(f"| {label} | {cells[0]} | {cells[1]} | {cells[2]} | "
                   f"{rp} ({tgt}){verdict(r_pop3d, target)} | "
                   f"{f'{r_popa3d:.2f}x' if r_popa3d is not None else 'n/a'} |")
    limit = median(runs, "loopback", "m2", "mib_per_s")
    m2 = median(runs, "pop3d", "m2", "mib_per_s")
    if limit:
        share = f"; pop3d reaches {m2 / limit:.2f} of it (target >= 0.5)" if m2 else ""
        out.append(f"| M2 loopback limit (trivial in-process sender, same bytes, same client) | "
                   f"{limit:.0f} MiB/s | | | {share[2:] if share else ''} | |")
    out.append("")
    out.append("Every retrieved message was checked byte for byte against the generated maildrop "
               "(after undoing the byte-stuffing); a wrong byte makes a run FAILED, not a figure. "
               "Servers: Dovecot " + a.dovecot_version + " (Debian defaults: PAM passdb, mbox with "
               "its index in ~/.dovecot-index, one login process per connection, no auth cache); "
               "popa3d " + a.popa3d_version + " (PAM, no cache: parses the mbox at every login) "
               "run inetd-style behind socat with TCP_NODELAY; pop3d " + a.pop3d_version +
               " (shadow, its state file in ~/.pop3d, locking " + a.pop3d_locking + ").")
    out.append("M1: greeting, USER, PASS, STAT, QUIT on a 20-message maildrop, one user per client. "
               "M2: one session, RETR of all 4,000 messages of a freshly copied 256 MiB mbox "
               "(time from the first RETR to the last byte). "
               "M3: time from connect to the +OK of STAT; first = a fresh copy of the file and no "
               "cache for any server; second = the next login. "
               "M4: time from QUIT to its +OK after DELE 1, with each server's cache built by one "
               "earlier login on the fresh copy; a new login then checks that one message went. "
               "M5: connect to the +OK of QUIT, 2,000 messages (32 MiB), cache built likewise; then "
               "checked empty. M6: Pss from /proc/PID/smaps_rollup of every process that appears "
               "for 8 idle logged-in sessions (for popa3d its socat child), per session.")
    out.append("T1, T2: M1 (SHA-512) and M2 over implicit TLS (POP3S), against a second Dovecot "
               "(ssl = required, a pop3s listener) and a second pop3d (tls_listen) serving only "
               "POP3S with the same ECDSA P-256 certificate, made by the run; a full handshake "
               "per connection (OpenSSL client, no session resumption). CPU: utime+stime from "
               "/proc/PID/stat of the server's processes across the RETRs of T2, per MiB sent; "
               "the TLS relay is pop3d's front (user pop3d) and Dovecot's pop3-login proxy "
               "(user dovenull). CPU per login: utime+stime+cutime+cstime of the server's process "
               "tree (what it reaped included) across the 8-client run, per login. Negotiated: " + negotiated(runs) + ".")
    sizes = []
    for name, label in [("big", "M2/M4"), ("huge", "M3"), ("dd", "M5")]:
        try:
            mbox = os.path.getsize(os.path.join(a.data, name + ".mbox"))
            with open(os.path.join(a.data, name + ".manifest")) as f:
                rows = [line.split() for line in f]
            wire = sum(int(r[2]) for r in rows)
            sizes.append(f"{label} {len(rows):,} messages, {mbox / 2**20:.0f} MiB file "
                         f"({wire / 2**20:.0f} MiB as sent)")
        except OSError:
            pass
    grew = [f"{NAMES[s]} {median(runs, s, 'm3-grew', 'bytes'):+,.0f} bytes"
            for s in SERVERS if median(runs, s, "m3-grew", "bytes") is not None]
    out.append("Maildrops: " + "; ".join(sizes) + ". The M3 first open changed the file by: "
               + ", ".join(grew) + ".")
    trouble = sorted(problems.items())
    if trouble:
        out.append("")
        for (server, scenario), (kind, reason) in trouble:
            word = "FAILED" if kind == "fail" else "not available"
            out.append(f"- {NAMES.get(server, server)} {scenario}: {word}: {reason}")
    text = "\n".join(out) + "\n"
    with open(a.out, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
