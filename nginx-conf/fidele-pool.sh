#!/bin/sh
# fidele-pool.sh PROGRAM COUNT: runs COUNT copies of PROGRAM on the FastCGI
# socket that spawn-fcgi -n handed over as fd 0, and keeps them running.
# Used by fidele@.service and spawn-fcgi.sh; tests/lib/stack.py runs the same.
#
# Each copy has a supervising loop of its own. A copy that dies (a crash, the
# OOM killer, an abort in a library: any exit status but 0) is started again
# after a pause that doubles from 1 s to 30 s, and goes back to 1 s once a
# copy ran for a minute. After 5 deaths in a row each within a minute of its
# start, the copy is given up: every copy is then stopped and the script
# exits 1, so that systemd (Restart=on-failure) or whoever started it knows.
# A copy that exits 0 stopped on request (libfcgi ends on SIGTERM once its
# request is answered) and is not started again.
#
# SIGTERM or SIGINT to the script stops every copy and exits 0. POSIX sh
# (dash): the PIDs are kept by hand, as "jobs -p" is empty inside a trap.
# The copies' standard error (one log line per request) is the script's.

program=$1
count=${2:-4}
case $count in
'' | *[!0-9]* | 0)
    echo "usage: fidele-pool.sh PROGRAM COUNT (COUNT at least 1)" >&2
    exit 2
    ;;
esac
[ -n "$program" ] || { echo "usage: fidele-pool.sh PROGRAM COUNT" >&2; exit 2; }

name=${program##*/}
max_delay=30       # longest pause before a start, in seconds
steady=60          # a copy that ran this long was not a quick death
max_quick=5        # quick deaths in a row before the copy is given up

log() {
    echo "fidele-pool.sh: $*" >&2
}

# supervise: runs one copy, again and again, until it stops cleanly, the
# script stops it, or it dies too often. Runs as a background subshell.
supervise() {
    delay=1 quick=0 child='' stopping=''
    trap 'stopping=1; [ -z "$child" ] || kill -TERM "$child" 2>/dev/null' TERM
    while [ -z "$stopping" ]; do
        started=$(date +%s)
        "$program" <&3 3<&- &
        child=$!
        [ -z "$stopping" ] || kill -TERM "$child" 2>/dev/null
        # wait returns early when the trap runs: wait again until the copy
        # itself is gone (kill -0 is true for a copy not yet reaped)
        status=''
        while [ -z "$status" ]; do
            wait "$child"
            code=$?
            kill -0 "$child" 2>/dev/null || status=$code
        done
        child=''
        if [ -n "$stopping" ] || [ "$status" = 0 ]; then
            break
        fi
        ran=$(($(date +%s) - started))
        if [ "$ran" -ge "$steady" ]; then
            delay=1 quick=0
        fi
        quick=$((quick + 1))
        if [ "$quick" -ge "$max_quick" ]; then
            log "$name ended with status $status after ${ran} s, its death number $quick" \
                "in a row within ${steady} s of its start: giving up"
            kill -USR1 $$ 2>/dev/null
            exit 1
        fi
        log "$name ended with status $status after ${ran} s: starting it again in ${delay} s"
        sleep "$delay" &
        child=$!
        wait "$child" 2>/dev/null
        kill "$child" 2>/dev/null
        child=''
        delay=$((delay * 2))
        [ "$delay" -le "$max_delay" ] || delay=$max_delay
    done
    exit 0
}

# glibc's malloc keeps its default cache of 7 freed blocks per size: with
# 1,000 (glibc.malloc.tcache_count) a list page took 3 % fewer
# instructions, but the cached blocks pin the holes between a page's large
# buffers, and each copy grew by up to 1.7 MiB before it levelled off
# (bench/hosting).

exec 3<&0                      # background jobs would get /dev/null as fd 0
stop='' gave_up=''
trap 'stop=1' TERM INT
trap 'gave_up=1' USR1
supervisors=''
i=0
while [ "$i" -lt "$count" ]; do
    supervise &
    supervisors="$supervisors $!"
    i=$((i + 1))
done
exec 0</dev/null 3<&-          # only the copies hold the socket

# wait without operands ends when every copy ended (status 0), or early
# when a trap ran (status above 128)
while [ -z "$stop$gave_up" ]; do
    wait
    [ $? -gt 128 ] || break
done
if [ -n "$stop$gave_up" ]; then
    for pid in $supervisors; do
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in $supervisors; do
        while kill -0 "$pid" 2>/dev/null; do
            wait "$pid"
        done
    done
fi
[ -z "$gave_up" ] || exit 1
exit 0
