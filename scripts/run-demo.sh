#!/bin/sh
# run-demo.sh — `make run`: portier's demo (and its TLS listener for the eID door) with the
# embedded SQLite store in var/, and the agency portal, a separate relying party with its
# own database. Ctrl-C (or SIGTERM) stops both, cleanly. The addresses are settings:
#   LISTEN (127.0.0.1:8080), TLS_LISTEN (127.0.0.1:8443), PORTAL_URL (http://127.0.0.1:8081)
# e.g. `make run LISTEN=127.0.0.1:18080 PORTAL_URL=http://127.0.0.1:18081`; the demo derives
# the issuer, the portal's client and its settings (var/portal.conf) from them.
# Usage: sh scripts/run-demo.sh [PORTIER_BINARY]
set -eu
BIN=${1:-build/portier}
LISTEN=${LISTEN:-127.0.0.1:8080}
TLS_LISTEN=${TLS_LISTEN:-127.0.0.1:8443}
PORTAL_URL=${PORTAL_URL:-http://127.0.0.1:8081}
mkdir -p var
# Another server on the address would answer the readiness check below: say it now (the
# demo itself refuses a busy address, before it writes anything).
if command -v curl >/dev/null 2>&1 && curl -s -o /dev/null "http://$LISTEN/" 2>/dev/null; then
	echo "make run: something already answers on http://$LISTEN: stop it, or choose" \
	    "another address (make run LISTEN=127.0.0.1:18080" \
	    "PORTAL_URL=http://127.0.0.1:18081)" >&2
	exit 1
fi
# Every login door of the demo people, the token card and the code by e-mail included (a
# new deployment has those two off: docs/login-doors.md); DOORS overrides.
DOORS=${DOORS:-eid,passkey,idp,password+totp,password+tokencard,password+email,password}
"$BIN" demo --listen "$LISTEN" --tls-listen "$TLS_LISTEN" --portal-url "$PORTAL_URL" \
    --doors "$DOORS" --db var/portier.db &
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
# Until the demo listens (it writes var/portal.conf, when it (re)registers the portal's
# client, before that) or stops (a busy port: it said why).
# Without curl: the settings file, and a moment for a stale one to be rewritten.
listening() {
	if command -v curl >/dev/null 2>&1; then
		curl -fs -o /dev/null "http://$LISTEN/healthz" 2>/dev/null
	else
		[ -f var/portal.conf ] && [ $i -ge 20 ]
	fi
}
i=0
while kill -0 "$demo" 2>/dev/null && [ $i -lt 600 ] && ! listening; do
	sleep 0.1
	i=$((i + 1))
done
if ! kill -0 "$demo" 2>/dev/null; then
	status=0
	wait "$demo" || status=$?
	echo "make run: the demo did not start (see above)" >&2
	exit $((status == 0 ? 1 : status))
fi
if [ -f var/portal.conf ]; then
	"$BIN" portal --config var/portal.conf --db var/portal.db &
	portal=$!
	echo "make run: portier on http://$LISTEN (eID door on https://$TLS_LISTEN)," \
	    "the agency portal on $PORTAL_URL" >&2
else
	echo "make run: var/portal.conf could not be written: the portal is not started" >&2
fi
# Until the demo stops by itself (or a signal stops both).
status=0
wait "$demo" || status=$?
[ -z "$portal" ] || kill -TERM "$portal" 2>/dev/null || true
[ -z "$portal" ] || wait "$portal" 2>/dev/null || true
exit $status
