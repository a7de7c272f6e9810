#!/bin/sh
# Starts every Fidèle pool without systemd (run as root, e.g. from rc.local).
# Each program runs as user "fidele"; its socket is owned by www-data with
# mode 0660 so that only nginx's workers can connect. Log lines (one per
# request) go to $FIDELE_LOGS/<program>.log. Each pool keeps its copies
# running (fidele-pool.sh); this script exits 1 when a pool did not start.
set -e
: "${FIDELE_CONFIG:=/etc/fidele/fidele.hdf}"
: "${FIDELE_LIBEXEC:=/usr/local/libexec/fidele}"
: "${FIDELE_SOCKETS:=/run/fidele}"
: "${FIDELE_LOGS:=/var/log/fidele}"
: "${FIDELE_PROCESSES:=4}"
: "${FIDELE_USER:=fidele}"
: "${FIDELE_GROUP:=$FIDELE_USER}"
: "${FIDELE_WEB_USER:=www-data}"
export FIDELE_CONFIG
mkdir -p "$FIDELE_SOCKETS" "$FIDELE_LOGS"
set +e
started=''
# the programs make install put in FIDELE_LIBEXEC, listed in its "programs"
if [ ! -r "$FIDELE_LIBEXEC/programs" ]; then
    echo "fidele: no list of programs in $FIDELE_LIBEXEC (make install puts it there)" >&2
    exit 1
fi
for program in $(cat "$FIDELE_LIBEXEC/programs"); do
    rm -f "$FIDELE_SOCKETS/$program.sock"
    spawn-fcgi -n -s "$FIDELE_SOCKETS/$program.sock" -M 0660 \
        -U "$FIDELE_WEB_USER" -G "$FIDELE_WEB_USER" -u "$FIDELE_USER" -g "$FIDELE_GROUP" \
        -- "$FIDELE_LIBEXEC/fidele-pool.sh" "$FIDELE_LIBEXEC/$program.fcgi" "$FIDELE_PROCESSES" \
        >>"$FIDELE_LOGS/$program.log" 2>&1 &
    started="$started $program:$!"
done

# true while the process runs (a zombie, not yet reaped, has ended)
alive() {
    case $(ps -o stat= -p "$1" 2>/dev/null) in
    '' | Z*) return 1 ;;
    esac
}

# A pool started when its socket is there and its shell still runs a
# moment later; spawn-fcgi itself fails at once on a bad user or socket.
failed=0
for entry in $started; do
    program=${entry%%:*}
    pid=${entry#*:}
    tries=0
    while [ ! -S "$FIDELE_SOCKETS/$program.sock" ] && alive "$pid" \
        && [ "$tries" -lt 50 ]; do
        sleep 0.1
        tries=$((tries + 1))
    done
    sleep 1
    if [ -S "$FIDELE_SOCKETS/$program.sock" ] && alive "$pid"; then
        echo "fidele: $program started (pid $pid)"
    else
        echo "fidele: $program did not start: see $FIDELE_LOGS/$program.log" >&2
        failed=1
    fi
done
exit "$failed"
