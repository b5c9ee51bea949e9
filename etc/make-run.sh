#!/bin/sh
# `make run`: prepares a demo under run/ (git-ignored) and serves it on
# 127.0.0.1:PORT (STLS offered) and POP3S on 127.0.0.1:TLS_PORT in the
# foreground (pop3d -F) until Ctrl-C, with a self-signed ECDSA certificate
# made for the demo.
#   as root:   full privilege separation; a passwd-file login "pop3demo"
#              whose mailbox the Unix account pop3demo (created, password
#              locked) owns, in /var/mail/pop3demo
#   otherwise: single-user mode; the login is your own user name, the
#              mailbox run/mail/NAME
# Usage: etc/make-run.sh BIN_DIR RUN_DIR PORT [TLS_PORT]
set -eu
bin=$(cd "$1" && pwd)
mkdir -p "$2"
run=$(cd "$2" && pwd)
port=$3
tls_port=${4:-1995}
src=$(cd "$(dirname "$0")/.." && pwd)
password=$(openssl rand -hex 6)
hash=$(openssl passwd -6 "$password")

# A self-signed certificate for the demo (clients are told not to verify it).
if [ ! -s "$run/demo.pem" ] || ! openssl x509 -checkend 86400 -noout -in "$run/demo.pem" >/dev/null 2>&1; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=localhost \
        -keyout "$run/demo.key" -out "$run/demo.pem" 2>/dev/null
fi
chmod 0600 "$run/demo.key"
tls_conf="[tls]
cert = $run/demo.pem
key = $run/demo.key"

# A few realistic messages (LF line ends, as delivery agents write mbox).
write_mbox() {
    now=$(LC_ALL=C date -u '+%a %b %e %H:%M:%S %Y')
    rfc=$(LC_ALL=C date -u '+%a, %d %b %Y %H:%M:%S +0000')
    cat > "$1" <<MBOX
From alice@example.org $now
Return-Path: <alice@example.org>
From: Alice Example <alice@example.org>
To: $2@localhost
Subject: Welcome to pop3d
Date: $rfc
Message-ID: <welcome.$$@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Hello!

This maildrop is served by pop3d. Retrieve this message, delete it,
and QUIT: the message is gone from the mbox file afterwards.

From bob@example.net $now
From: Bob <bob@example.net>
To: $2@localhost
Subject: Lunch on Friday?
Date: $rfc
Message-ID: <lunch.$$@example.net>

Are you free on Friday at noon?
>From the usual place, of course.
.A line that starts with a dot is dot-stuffed on the wire.

From reports@example.com $now
From: Build reports <reports@example.com>
To: $2@localhost
Subject: [ci] build 1234 passed
Date: $rfc
Message-ID: <ci-1234.$$@example.com>

All 97 tests passed.

MBOX
}

if [ "$(id -u)" = 0 ]; then
    sh "$src/etc/postinst.sh"
    user=pop3demo
    if ! getent passwd "$user" >/dev/null; then
        useradd --create-home --shell /usr/sbin/nologin "$user"
    fi
    # pop3d-auth reads the users file after it has given up root, so the
    # file lives where it can reach it (run/ may sit under a private home).
    data=/var/lib/pop3d/demo
    install -d -o root -g root -m 0755 "$data"
    printf '%s:%s:%s\n' "$user" "$hash" "$user" > "$data/users"
    chown root:pop3d-auth "$data/users"
    chmod 0640 "$data/users"
    : > "$data/apop"
    chown root:pop3d-auth "$data/apop"
    chmod 0640 "$data/apop"
    write_mbox "/var/mail/$user" "$user"
    chown "$user:$(id -gn "$user")" "/var/mail/$user"
    chmod 0600 "/var/mail/$user"
    cat > "$run/pop3d.conf" <<CONF
; Written by make run (as root: full privilege separation).
[server]
listen = 127.0.0.1:$port
tls_listen = 127.0.0.1:$tls_port
pid_file = $run/pop3d.pid
$tls_conf
[auth]
backends = passwd-file
users_file = $data/users
apop_file = $data/apop
failure_delay = 1
[mail]
maildrop = /var/mail/%u
CONF
    mode="full privilege separation (mail served as $user)"
else
    user=$(id -un)
    mkdir -p "$run/mail"
    printf '%s:%s:%s\n' "$user" "$hash" "$user" > "$run/users"
    chmod 0600 "$run/users"
    : > "$run/apop"
    chmod 0600 "$run/apop"
    write_mbox "$run/mail/$user" "$user"
    chmod 0600 "$run/mail/$user"
    cat > "$run/pop3d.conf" <<CONF
; Written by make run (not root: single-user mode).
[server]
listen = 127.0.0.1:$port
tls_listen = 127.0.0.1:$tls_port
pid_file = $run/pop3d.pid
$tls_conf
[auth]
backends = passwd-file
users_file = $run/users
apop_file = $run/apop
failure_delay = 1
min_uid = 1
[mail]
maildrop = $run/mail/%u
state_dir = $run/state-%u
CONF
    mode="single-user mode (everything runs as $user)"
fi

cat <<INFO

pop3d demo on 127.0.0.1:$port (STLS) and 127.0.0.1:$tls_port (POP3S), $mode
  user:     $user
  password: $password
Try it from another terminal:
  curl -s pop3://127.0.0.1:$port/1 -u '$user:$password'
  curl -s -k --ssl-reqd pop3://127.0.0.1:$port/1 -u '$user:$password'     # STLS
  curl -s -k pop3s://127.0.0.1:$tls_port/1 -u '$user:$password'            # POP3S
  openssl s_client -quiet -crlf -starttls pop3 -connect 127.0.0.1:$port     # STLS by hand
  openssl s_client -quiet -crlf -connect 127.0.0.1:$tls_port                # POP3S by hand
  python3 -c "import poplib; p = poplib.POP3('127.0.0.1', $port); p.user('$user'); p.pass_('$password'); print(p.stat()); print(b'\\n'.join(p.retr(1)[1]).decode()); p.dele(1); p.quit()"
  (the python line retrieves message 1, deletes it, and QUITs: the mbox loses it)
Stop with Ctrl-C.

INFO
exec "$bin/pop3d" -F -f "$run/pop3d.conf"
