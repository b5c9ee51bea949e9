#!/bin/bash
# The side-by-side benchmark (README, section Benchmark): Dovecot, popa3d and pop3d serve the
# same Unix test users (p3b-*) and the same mbox files in /var/mail on
# 127.0.0.1:12110-12112; the scenarios run alternating between the servers
# (A B C A B C ...) for $REPS repetitions; bench/report.py writes the medians
# to bench/results/latest.md and a dated copy.
#
# Needs root. Environment: REPS (default 3), M1_SECONDS (default 4), POP3D
# (another build of the listener), POP3D_LOCKING (pop3d's [mail] locking,
# instead of its default; the table says so), SCENARIOS (only these, e.g.
# "m4" or "m2 m4": a quick before/after of one change; the table then goes to
# bench/results/selected-*.md, latest.md is left alone).
# TLS (t1, t2): a second Dovecot (:12120) and a second pop3d (:12122), each
# serving only POP3S with one ECDSA P-256 certificate made here with the
# openssl CLI, so that the plain scenarios' servers stay exactly as they
# were; popa3d has no TLS.
# Every process it starts is recorded by pid and stopped on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
LOADGEN=$ROOT/build/bench/loadgen
POP3D_SET=${POP3D:+1}
POP3D=${POP3D:-$ROOT/build/bin/pop3d}  # the listener; pop3d-session and pop3d-auth beside it
DATA=$ROOT/build/bench/data          # pristine maildrops and manifests
POPA3D_ROOT=$ROOT/build/bench/popa3d # the unpacked Debian package
RESULTS=$ROOT/bench/results
COMMAND="make bench"
[ -n "${REPS:-}" ] && COMMAND+=" REPS=$REPS"
[ -n "${M1_SECONDS:-}" ] && COMMAND+=" M1_SECONDS=$M1_SECONDS"
[ -n "${POP3D_LOCKING:-}" ] && COMMAND+=" POP3D_LOCKING='$POP3D_LOCKING'"
[ -n "$POP3D_SET" ] && COMMAND+=" POP3D='$POP3D'"
[ -n "${SCENARIOS:-}" ] && COMMAND+=" SCENARIOS='$SCENARIOS'"
REPS=${REPS:-3}
M1_SECONDS=${M1_SECONDS:-4}
PASSWORD=p3b-bench-password
PORT_DOVECOT=12110
PORT_POPA3D=12111
PORT_POP3D=12112
PORT_LOOPBACK=12199
PORT_DOVECOT_TLS=12120
PORT_POP3D_TLS=12122
SERVERS=(dovecot popa3d pop3d)

want() {  # scenario: whether SCENARIOS (empty: all) names it
    [ -z "${SCENARIOS:-}" ] || [[ " $SCENARIOS " == *" $1 "* ]]
}
die() { echo "bench: $*" >&2; exit 1; }
say() { echo "bench: $*" >&2; }
[ "$(id -u)" = 0 ] || die "needs root (test users, /var/mail, the servers)"
[ -x "$LOADGEN" ] || die "$LOADGEN is missing; run 'make bench'"

RUN=$(mktemp -d /tmp/p3b-bench.XXXXXX)
chmod 0755 "$RUN"
RAW=$RUN/results.raw
: >"$RAW"
declare -A PID=() AVAILABLE=() WHY=()

# ---- stopping what we started, by pid ---------------------------------------
stop_pid() {  # pid: TERM, wait up to 5 s, then KILL
    local pid=$1 i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
}
descendants() {  # pid: every live descendant's pid
    local p
    for p in $(ps -o pid= --ppid "$1" 2>/dev/null); do echo "$p"; descendants "$p"; done
}
cleanup() {
    local name pid children c
    for name in "${!PID[@]}"; do
        pid=${PID[$name]}
        children=$(descendants "$pid")
        stop_pid "$pid"
        wait "$pid" 2>/dev/null || true
        for c in $children; do stop_pid "$c"; done
    done
    for u in p3b-big p3b-huge p3b-dd; do rm -f "/var/mail/$u"; done
    rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- what the servers need ----------------------------------------------------
install_missing() {
    export DEBIAN_FRONTEND=noninteractive
    local need=()
    command -v dovecot >/dev/null || need+=(dovecot-pop3d)
    command -v socat >/dev/null || need+=(socat)
    if [ ${#need[@]} -gt 0 ]; then
        say "installing ${need[*]}"
        apt-get update -q >/dev/null
        apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
    fi
    if [ ! -x "$POPA3D_ROOT/usr/sbin/popa3d" ]; then
        # popa3d conflicts with dovecot-pop3d as a package: unpack it aside.
        say "unpacking popa3d into $POPA3D_ROOT"
        local dl
        dl=$(mktemp -d)
        (cd "$dl" && apt-get download popa3d >/dev/null 2>&1) || { apt-get update -q >/dev/null;
            (cd "$dl" && apt-get download popa3d >/dev/null 2>&1); } || die "apt-get download popa3d failed"
        mkdir -p "$POPA3D_ROOT"
        dpkg -x "$dl"/popa3d_*.deb "$POPA3D_ROOT"
        rm -rf "$dl"
    fi
    # What popa3d's own postinst would create: its user, its empty chroot, its PAM service.
    getent passwd popa3d >/dev/null ||
        useradd --system --no-create-home --home-dir /var/lib/popa3d --shell /usr/sbin/nologin popa3d
    install -d -o root -g root -m 0755 /var/lib/popa3d
    [ -e /etc/pam.d/popa3d ] || install -m 0644 "$POPA3D_ROOT/etc/pam.d/popa3d" /etc/pam.d/popa3d
    "$ROOT/etc/postinst.sh"
}

# ---- users and maildrops ---------------------------------------------------
SMALL_USERS_SHA=(p3b-s0 p3b-s1 p3b-s2 p3b-s3 p3b-s4 p3b-s5 p3b-s6 p3b-s7)
SMALL_USERS_YES=(p3b-y0 p3b-y1 p3b-y2 p3b-y3 p3b-y4 p3b-y5 p3b-y6 p3b-y7)
make_user() {  # name method(SHA512|YESCRYPT)
    local name=$1 method=$2
    getent passwd "$name" >/dev/null || useradd --create-home --shell /usr/sbin/nologin "$name"
    if [ "$method" = SHA512 ]; then
        echo "$name:$PASSWORD" | chpasswd -c SHA512 -s 5000
    else
        echo "$name:$PASSWORD" | chpasswd -c YESCRYPT
    fi
}
check_hash() {  # name prefix
    local hash
    hash=$(getent shadow "$1" | cut -d: -f2)
    [[ "$hash" == "$2"* ]] || die "$1: password hash is not $2..."
}
generate() {  # name seed count bytes
    # Kept across runs, remade whenever the generator is rebuilt.
    [ -s "$DATA/$1.mbox" ] && [ "$DATA/$1.manifest" -nt "$LOADGEN" ] && return 0
    say "generating maildrop $1 ($3 messages, ~$(($4 >> 20)) MiB)"
    "$LOADGEN" gen --seed "$2" --count "$3" --bytes "$4" --mbox "$DATA/$1.mbox.new" \
        --manifest "$DATA/$1.manifest" >/dev/null
    mv "$DATA/$1.mbox.new" "$DATA/$1.mbox"
}
count_of() { wc -l <"$DATA/$1.manifest"; }
restore() {  # user maildrop: the pristine copy as a new file, as delivery would leave it
    install -o "$1" -g mail -m 0600 "$DATA/$2.mbox" "/var/mail/$1"
    sync "/var/mail/$1"  # no server should pay for writing back the copy
}
drop_caches_of() {  # user: every server's own index or state for that user
    local home
    home=$(getent passwd "$1" | cut -d: -f6)
    rm -rf "$home/.dovecot-index" "$home/mail" "$home/.pop3d"
    install -d -o "$1" -g "$1" -m 0700 "$home/mail"
}
setup_users() {
    local u
    for u in "${SMALL_USERS_SHA[@]}" p3b-big p3b-huge p3b-dd; do make_user "$u" SHA512; done
    for u in "${SMALL_USERS_YES[@]}"; do make_user "$u" YESCRYPT; done
    check_hash p3b-s0 '$6$'
    check_hash p3b-y0 '$y$'
    mkdir -p "$DATA"
    generate small 1 20 $((256 << 10))
    if want m2 || want m4 || want t2; then generate big 2 4000 $(((256 - 3) << 20)); fi
    if want m3; then generate huge 3 50000 $(((512 - 26) << 20)); fi
    if want m5; then generate dd 4 2000 $((32 << 20)); fi
    for u in "${SMALL_USERS_SHA[@]}" "${SMALL_USERS_YES[@]}"; do
        restore "$u" small
        drop_caches_of "$u"
    done
    for u in p3b-big p3b-huge p3b-dd; do drop_caches_of "$u"; done
}

# ---- the three servers -----------------------------------------------------
wait_port() {  # port pid
    local i
    for i in $(seq 100); do
        kill -0 "$2" 2>/dev/null || return 1
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}
# Dovecot with Debian's defaults (PAM passdb, passwd userdb, mbox with its
# index, one login process per connection); only the paths, the listeners
# and TLS differ.
dovecot_conf() {  # dir instance ssl-line...: all but the services
    cat <<EOF
base_dir = $1/base
state_dir = $1/state
instance_name = $2
protocols = pop3
listen = 127.0.0.1
EOF
    printf '%s\n' "${@:3}"
    cat <<EOF
disable_plaintext_auth = no
auth_mechanisms = plain
log_path = $1/dovecot.log
mail_location = mbox:~/mail:INBOX=/var/mail/%u:INDEX=~/.dovecot-index
mail_privileged_group = mail
first_valid_uid = 1000
passdb {
  driver = pam
}
userdb {
  driver = passwd
}
EOF
}
run_dovecot() {  # name port: dovecot -F on $RUN/NAME/dovecot.conf until it listens on port
    local d=$RUN/$1
    dovecot -F -c "$d/dovecot.conf" >"$d/stdout" 2>&1 &
    PID[$1]=$!
    wait_port "$2" "${PID[$1]}" ||
        { WHY[$1]="did not listen: $(tail -c 300 "$d/stdout" "$d/dovecot.log" 2>/dev/null)"; return 1; }
}
start_dovecot() {
    local d=$RUN/dovecot
    mkdir -p "$d/base" "$d/state"
    { dovecot_conf "$d" p3b-dovecot "ssl = no"
      cat <<EOF
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = $PORT_DOVECOT
  }
}
service imap-login {
  inet_listener imap {
    port = 0
  }
}
EOF
    } >"$d/dovecot.conf"
    run_dovecot dovecot "$PORT_DOVECOT"
}
start_popa3d() {
    # inetd-style: socat accepts and runs one popa3d per connection. With
    # TCP_NODELAY, or the relay's small last write of each reply waits for a
    # delayed ACK (~25 ms per RETR) and the wrapper, not popa3d, is measured.
    socat "TCP-LISTEN:$PORT_POPA3D,bind=127.0.0.1,fork,reuseaddr,backlog=128,nodelay" \
        "EXEC:$POPA3D_ROOT/usr/sbin/popa3d" >"$RUN/popa3d.log" 2>&1 &
    PID[popa3d]=$!
    wait_port "$PORT_POPA3D" "${PID[popa3d]}"
}
pop3d_conf() {  # dir server-line...: [server] with these lines, then what every pop3d here shares
    echo "[server]"
    printf '%s\n' "${@:2}"
    cat <<EOF
max_sessions = 500
max_sessions_per_ip = 100
pid_file = $1/pop3d.pid
[auth]
backends = shadow
[mail]
maildrop = /var/mail/%u
state_dir = %h/.pop3d
${POP3D_LOCKING:+locking = $POP3D_LOCKING}
EOF
}
run_pop3d() {  # name port: pop3d -t, then pop3d -F, on $RUN/NAME/pop3d.conf until it listens on port
    local d=$RUN/$1
    [ -x "$POP3D" ] || { WHY[$1]="build/bin/pop3d was not built"; return 1; }
    "$POP3D" -t -f "$d/pop3d.conf" >/dev/null 2>"$d/check" ||
        { WHY[$1]="configuration refused: $(tail -c 300 "$d/check")"; return 1; }
    "$POP3D" -F -f "$d/pop3d.conf" >"$d/stdout" 2>&1 &
    PID[$1]=$!
    wait_port "$2" "${PID[$1]}" || { WHY[$1]="pop3d did not listen: $(tail -c 300 "$d/stdout")"; return 1; }
}
start_pop3d() {
    local d=$RUN/pop3d
    mkdir -p "$d"
    pop3d_conf "$d" "listen = 127.0.0.1:$PORT_POP3D" >"$d/pop3d.conf"
    run_pop3d pop3d "$PORT_POP3D"
}
# ---- the same two servers again, serving only POP3S ----------------------------
want_tls() { want t1 || want t2; }
make_certificate() {  # an ECDSA P-256 key and its self-signed certificate
    local d=$RUN/tls
    install -d -m 0700 "$d"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
        -subj /CN=127.0.0.1 -keyout "$d/key.pem" -out "$d/cert.pem" 2>"$d/openssl.log" ||
        die "openssl could not make the certificate: $(cat "$d/openssl.log")"
    chmod 0600 "$d/key.pem"
    chmod 0644 "$d/cert.pem"
}
start_dovecot_tls() {
    local d=$RUN/dovecot-tls
    mkdir -p "$d/base" "$d/state"
    # As start_dovecot, plus TLS: ssl = required, one pop3s listener; the
    # Debian default ssl_dh only for DHE, which an ECDSA handshake never uses.
    { dovecot_conf "$d" p3b-dovecot-tls "ssl = required" "ssl_cert = <$RUN/tls/cert.pem" \
          "ssl_key = <$RUN/tls/key.pem" \
          "$([ -r /usr/share/dovecot/dh.pem ] && echo "ssl_dh = </usr/share/dovecot/dh.pem")"
      cat <<EOF
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
  inet_listener pop3s {
    address = 127.0.0.1
    port = $PORT_DOVECOT_TLS
    ssl = yes
  }
}
service imap-login {
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    port = 0
  }
}
EOF
    } >"$d/dovecot.conf"
    run_dovecot dovecot-tls "$PORT_DOVECOT_TLS"
}
start_pop3d_tls() {
    local d=$RUN/pop3d-tls
    mkdir -p "$d"
    # listen is emptied: its default is port 110 on every address.
    { pop3d_conf "$d" "listen =" "tls_listen = 127.0.0.1:$PORT_POP3D_TLS"
      cat <<EOF
[tls]
cert = $RUN/tls/cert.pem
key = $RUN/tls/key.pem
EOF
    } >"$d/pop3d.conf"
    run_pop3d pop3d-tls "$PORT_POP3D_TLS"
}
probe_tls() {  # server (dovecot or pop3d): one POP3S login and STAT
    local out
    if out=$("$LOADGEN" open --tls --port "$(port_of "$1-tls")" --users p3b-s0 --password "$PASSWORD" \
            --expect "$(count_of small)" 2>&1); then
        AVAILABLE[$1-tls]=1
    else
        AVAILABLE[$1-tls]=0
        WHY[$1-tls]="does not serve mail over TLS: ${out//$'\n'/ }"
    fi
}
start_tls_servers() {
    local s
    make_certificate
    for s in dovecot pop3d; do
        AVAILABLE[$s-tls]=0
        if "start_${s}_tls"; then probe_tls "$s"; fi
        [ "${AVAILABLE[$s-tls]}" = 1 ] ||
            { say "$s TLS: not available (${WHY[$s-tls]})"; echo "0 $s tls na ${WHY[$s-tls]}" >>"$RAW"; }
    done
    echo "0 popa3d tls na popa3d has no TLS" >>"$RAW"
}
port_of() { case $1 in dovecot) echo $PORT_DOVECOT;; popa3d) echo $PORT_POPA3D;; pop3d) echo $PORT_POP3D;;
    dovecot-tls) echo $PORT_DOVECOT_TLS;; pop3d-tls) echo $PORT_POP3D_TLS;; esac; }

probe() {  # server: one login and STAT decide whether it serves mail
    local out
    if out=$("$LOADGEN" open --port "$(port_of "$1")" --users p3b-s0 --password "$PASSWORD" \
            --expect "$(count_of small)" 2>&1); then
        AVAILABLE[$1]=1
    else
        AVAILABLE[$1]=0
        WHY[$1]="does not serve mail: ${out//$'\n'/ }"
    fi
}

# ---- scenarios ---------------------------------------------------------------
# One scenario's run appends "REP SERVER SCENARIO ok key=value..." or
# "REP SERVER SCENARIO na|fail REASON" to the raw results.
record() {  # rep server scenario -- loadgen args...
    local rep=$1 server=$2 scenario=$3 out rc
    want "${scenario%%-*}" || return 0
    shift 4
    set +e
    out=$(timeout 300 "$LOADGEN" "$@" 2>&1)
    rc=$?
    set -e
    out=${out//$'\n'/ }
    case $rc in
        0) echo "$rep $server $scenario ok $out" >>"$RAW" ;;
        3) echo "$rep $server $scenario na $out" >>"$RAW"; say "$server $scenario: not available: $out" ;;
        *) echo "$rep $server $scenario fail $out" >>"$RAW"; say "$server $scenario FAILED: $out" ;;
    esac
}
csv() { local IFS=,; echo "$*"; }

run_server() {  # rep server
    local rep=$1 s=$2 port
    port=$(port_of "$s")
    local common=(--port "$port" --password "$PASSWORD")
    say "rep $rep: $s"
    record "$rep" "$s" m1-sha-c1 -- login "${common[@]}" --users "$(csv "${SMALL_USERS_SHA[@]}")" \
        --concurrency 1 --seconds "$M1_SECONDS" --expect "$(count_of small)"
    record "$rep" "$s" m1-sha-c8 -- login "${common[@]}" --users "$(csv "${SMALL_USERS_SHA[@]}")" \
        --concurrency 8 --seconds "$M1_SECONDS" --expect "$(count_of small)" --cpu-root "${PID[$s]}"
    record "$rep" "$s" m1-yes-c1 -- login "${common[@]}" --users "$(csv "${SMALL_USERS_YES[@]}")" \
        --concurrency 1 --seconds "$M1_SECONDS" --expect "$(count_of small)"
    record "$rep" "$s" m1-yes-c8 -- login "${common[@]}" --users "$(csv "${SMALL_USERS_YES[@]}")" \
        --concurrency 8 --seconds "$M1_SECONDS" --expect "$(count_of small)"

    # M2: a fresh copy and no cache, as in every repetition; the open it
    # costs is outside the measured RETR time.
    if want m2; then restore p3b-big big
    drop_caches_of p3b-big
    record "$rep" "$s" m2 -- retr "${common[@]}" --users p3b-big \
        --manifest "$DATA/big.manifest" --mbox "$DATA/big.mbox"
    fi

    # M4: a fresh copy, opened once so that every server has its cache.
    if want m4; then
    restore p3b-big big
    drop_caches_of p3b-big
    "$LOADGEN" open "${common[@]}" --users p3b-big --expect "$(count_of big)" >/dev/null 2>&1 || true
    record "$rep" "$s" m4 -- dele1 "${common[@]}" --users p3b-big --expect "$(count_of big)"
    fi

    # M3: first open of a changed file with no cache, then the second open.
    if want m3; then restore p3b-huge huge
    drop_caches_of p3b-huge
    record "$rep" "$s" m3-first -- open "${common[@]}" --users p3b-huge --expect "$(count_of huge)"
    # Whether the first open wrote to the mbox (Dovecot stores its UIDs there).
    echo "$rep $s m3-grew ok bytes=$(( $(stat -c %s /var/mail/p3b-huge) - $(stat -c %s "$DATA/huge.mbox") ))" >>"$RAW"
    record "$rep" "$s" m3-second -- open "${common[@]}" --users p3b-huge --expect "$(count_of huge)"
    fi

    # M5: a fresh copy, opened once (cache built), then download-and-delete.
    if want m5; then
    restore p3b-dd dd
    drop_caches_of p3b-dd
    "$LOADGEN" open "${common[@]}" --users p3b-dd --expect "$(count_of dd)" >/dev/null 2>&1 || true
    record "$rep" "$s" m5 -- retr "${common[@]}" --users p3b-dd --delete \
        --manifest "$DATA/dd.manifest" --mbox "$DATA/dd.mbox"
    fi

    record "$rep" "$s" m6 -- pss "${common[@]}" --users "$(csv "${SMALL_USERS_SHA[@]}")" \
        --root-pid "${PID[$s]}"
}

# T1: M1's SHA-512 logins over POP3S, a full handshake each; T2: M2 over
# POP3S, with the CPU the server spent, in all and in its TLS relay (pop3d:
# the front, user pop3d; Dovecot: the pop3-login proxy, user dovenull).
run_tls_server() {  # rep server (dovecot or pop3d)
    local rep=$1 s=$2 relay
    local common=(--tls --port "$(port_of "$s-tls")" --password "$PASSWORD")
    case $s in dovecot) relay=dovenull;; pop3d) relay=pop3d;; esac
    say "rep $rep: $s over TLS"
    record "$rep" "$s" t1-c1 -- login "${common[@]}" --users "$(csv "${SMALL_USERS_SHA[@]}")" \
        --concurrency 1 --seconds "$M1_SECONDS" --expect "$(count_of small)"
    record "$rep" "$s" t1-c8 -- login "${common[@]}" --users "$(csv "${SMALL_USERS_SHA[@]}")" \
        --concurrency 8 --seconds "$M1_SECONDS" --expect "$(count_of small)" --cpu-root "${PID[$s-tls]}"
    if want t2; then restore p3b-big big
    drop_caches_of p3b-big
    record "$rep" "$s" t2 -- retr "${common[@]}" --users p3b-big \
        --manifest "$DATA/big.manifest" --mbox "$DATA/big.mbox" \
        --cpu-root "${PID[$s-tls]}" --relay-user "$relay"
    fi
}

# ---- main ----------------------------------------------------------------------
START=$(date +%s)
for port in $PORT_DOVECOT $PORT_POPA3D $PORT_POP3D $PORT_LOOPBACK $PORT_DOVECOT_TLS $PORT_POP3D_TLS; do
    ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || die "127.0.0.1:$port is in use"
done
install_missing
setup_users
start_dovecot || die "dovecot did not start: $(tail -c 500 "$RUN/dovecot/stdout" "$RUN/dovecot/dovecot.log" 2>/dev/null)"
start_popa3d || die "socat/popa3d did not start: $(cat "$RUN/popa3d.log")"
AVAILABLE[pop3d]=0
start_pop3d || say "pop3d: ${WHY[pop3d]}"
for s in "${SERVERS[@]}"; do
    [ -n "${WHY[$s]:-}" ] || probe "$s"
    [ "${AVAILABLE[$s]}" = 1 ] || { say "$s: not available (${WHY[$s]})"; echo "0 $s all na ${WHY[$s]}" >>"$RAW"; }
done
[ "${AVAILABLE[dovecot]}" = 1 ] || die "Dovecot must serve mail: ${WHY[dovecot]}"
if want_tls; then
    start_tls_servers
    [ "${AVAILABLE[dovecot-tls]}" = 1 ] || die "Dovecot must serve mail over TLS: ${WHY[dovecot-tls]}"
fi

for rep in $(seq "$REPS"); do
    record "$rep" loopback m2 -- loopback --port "$PORT_LOOPBACK" \
        --manifest "$DATA/big.manifest" --mbox "$DATA/big.mbox"
    for s in "${SERVERS[@]}"; do
        [ "${AVAILABLE[$s]}" = 1 ] && run_server "$rep" "$s"
    done
    if want_tls; then
        for s in dovecot pop3d; do
            [ "${AVAILABLE[$s-tls]}" = 1 ] && run_tls_server "$rep" "$s"
        done
    fi
done

ELAPSED=$(( $(date +%s) - START ))
mkdir -p "$RESULTS"
STAMP=$(date -u +%Y-%m-%dT%H%MZ)
OUT=latest.md
[ -z "${SCENARIOS:-}" ] || OUT=selected-$STAMP.md
python3 "$ROOT/bench/report.py" --raw "$RAW" --out "$RESULTS/$OUT" \
    --command "$COMMAND" --nproc "$(nproc)" --reps "$REPS" --elapsed "$ELAPSED" \
    --dovecot-version "$(dovecot --version)" \
    --popa3d-version "$(zcat "$POPA3D_ROOT/usr/share/doc/popa3d/changelog.Debian.gz" | sed -n '1s/.*(\(.*\)).*/\1/p')" \
    --pop3d-locking "${POP3D_LOCKING:-default (dotlock fcntl)}" \
    --pop3d-version "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)${POP3D_SET:+ (the build at $POP3D)}" \
    --data "$DATA"
if [ "$OUT" = latest.md ]; then
    cp "$RESULTS/latest.md" "$RESULTS/$STAMP.md"
    cp "$RAW" "$RESULTS/$STAMP.raw"
else
    cp "$RAW" "$RESULTS/selected-$STAMP.raw"
fi
say "wrote $RESULTS/$OUT in ${ELAPSED}s"
cat "$RESULTS/$OUT"
! grep -q '^[0-9]* [a-z0-9]* [a-z0-9-]* fail ' "$RAW" || die "some runs FAILED (see the table)"
