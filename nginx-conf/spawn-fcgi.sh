#!/bin/sh
# Starts every Fidèle pool without systemd (run as root, e.g. from rc.local).
# Each program runs as user "fidele"; its socket is owned by www-data with
# mode 0660 so that only nginx's workers can connect. Log lines (one per
# request) go to $FIDELE_LOGS/<program>.log.
set -e
: "${FIDELE_CONFIG:=/etc/fidele/fidele.hdf}"
: "${FIDELE_LIBEXEC:=/usr/local/libexec/fidele}"
: "${FIDELE_SOCKETS:=/run/fidele}"
: "${FIDELE_LOGS:=/var/log/fidele}"
: "${FIDELE_PROCESSES:=4}"
export FIDELE_CONFIG
mkdir -p "$FIDELE_SOCKETS" "$FIDELE_LOGS"
for program in login customers; do
    spawn-fcgi -n -s "$FIDELE_SOCKETS/$program.sock" -M 0660 -U www-data -G www-data \
        -u fidele -g fidele -- "$FIDELE_LIBEXEC/fidele-pool.sh" \
        "$FIDELE_LIBEXEC/$program.fcgi" "$FIDELE_PROCESSES" \
        >>"$FIDELE_LOGS/$program.log" 2>&1 &
done
