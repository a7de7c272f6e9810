#!/bin/sh
# Starts every Fidèle pool without systemd (run as root, e.g. from rc.local).
# Each program runs as user "fidele"; its socket is owned by www-data with
# mode 0660 so that only nginx's workers can connect.
set -e
: "${FIDELE_CONFIG:=/etc/fidele/fidele.hdf}"
: "${FIDELE_LIBEXEC:=/usr/local/libexec/fidele}"
: "${FIDELE_SOCKETS:=/run/fidele}"
: "${FIDELE_PROCESSES:=4}"
export FIDELE_CONFIG
mkdir -p "$FIDELE_SOCKETS"
for program in login customers; do
    spawn-fcgi -s "$FIDELE_SOCKETS/$program.sock" -M 0660 -U www-data -G www-data \
        -u fidele -g fidele -F "$FIDELE_PROCESSES" -P "$FIDELE_SOCKETS/$program.pid" \
        -- "$FIDELE_LIBEXEC/$program.fcgi"
done
