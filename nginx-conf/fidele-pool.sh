#!/bin/sh
# fidele-pool.sh PROGRAM COUNT: starts COUNT copies of PROGRAM on the
# FastCGI socket that spawn-fcgi -n handed over as fd 0, keeps their
# stderr (one log line per request) and passes SIGTERM on. Used by
# fidele@.service and spawn-fcgi.sh; tests/lib/stack.py runs the same.
program=$1
count=${2:-4}
exec 3<&0                      # background jobs would get /dev/null as fd 0
trap 'kill $(jobs -p) 2>/dev/null; wait' TERM INT
i=0
while [ "$i" -lt "$count" ]; do
    "$program" <&3 3<&- &
    i=$((i + 1))
done
wait
