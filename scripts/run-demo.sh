#!/bin/sh
# run-demo.sh — `make run`: portier's demo on 127.0.0.1:8080 (and 8443 for the eID door)
# with the embedded SQLite store in var/, and the agency portal, a separate relying party
# with its own database, on 127.0.0.1:8081. Ctrl-C (or SIGTERM) stops both, cleanly.
# Usage: sh scripts/run-demo.sh [PORTIER_BINARY]
set -eu
BIN=${1:-build/portier}
mkdir -p var
"$BIN" demo --listen 127.0.0.1:8080 --tls-listen 127.0.0.1:8443 --db var/portier.db &
demo=$!
portal=""
stop() {
	trap - INT TERM
	kill -TERM "$demo" $portal 2>/dev/null || true
	wait "$demo" 2>/dev/null || true
	[ -z "$portal" ] || wait "$portal" 2>/dev/null || true
	exit 0
}
trap stop INT TERM
# The demo writes the portal's settings (with its client secret) when it creates the
# client, before it listens: wait for them on a first run.
i=0
while [ ! -f var/portal.conf ] && [ $i -lt 100 ] && kill -0 "$demo" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
if [ -f var/portal.conf ]; then
	"$BIN" portal --config var/portal.conf --db var/portal.db &
	portal=$!
	echo "make run: portier on http://127.0.0.1:8080, the agency portal on http://127.0.0.1:8081" >&2
else
	echo "make run: var/portal.conf is missing (a database older than it): the portal is not" \
	    "started; remove var/ for a new demo, or see README" >&2
fi
# Until the demo stops by itself (or a signal stops both).
status=0
wait "$demo" || status=$?
[ -z "$portal" ] || kill -TERM "$portal" 2>/dev/null || true
[ -z "$portal" ] || wait "$portal" 2>/dev/null || true
exit $status
