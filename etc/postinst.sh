#!/bin/sh
# What a Debian package's postinst would do, for `make install`, `make run`
# as root and the end-to-end tests: the system users the processes run as,
# and the empty directory the front is chrooted to. Idempotent.
set -eu
[ "$(id -u)" = 0 ] || { echo "postinst: needs root" >&2; exit 1; }
for u in pop3d pop3d-auth; do
    if ! getent passwd "$u" >/dev/null; then
        useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$u"
    fi
done
install -d -o root -g root -m 0755 /var/lib/pop3d /var/lib/pop3d/empty
# State files and UPDATE journals of accounts without a home directory.
install -d -o root -g root -m 0711 /var/lib/pop3d/state
install -d -o root -g root -m 0755 /etc/pop3d
