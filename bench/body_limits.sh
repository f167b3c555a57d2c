#!/bin/sh
# body_limits.sh — peak memory of the server under N concurrent POSTs of 10 MiB each to a
# route that takes 64 KiB (a form), run by `make bench-body`: the server's VmHWM (peak
# resident set, from /proc/PID/status) after start and after the load. With the route
# and its limit chosen when the headers arrive, each POST is refused (413) before its body
# is read; a server that buffered every body up to the upload cap first held N x 10 MiB.
# Figures are printed, never asserted.
#
# Environment: PORTIER_BIN (build/portier), BODY_N (500 requests), BODY_SIZE (10485760),
# BODY_PATH (/login/password), BODY_ARGS (extra server flags; default
# --max-connections-per-ip 1000 so that all N come in from 127.0.0.1; empty for a build
# older than that setting).
set -eu

BIN=${PORTIER_BIN:-build/portier}
N=${BODY_N:-500}
SIZE=${BODY_SIZE:-10485760}
ROUTE=${BODY_PATH:-/login/password}
ARGS=${BODY_ARGS-"--max-connections-per-ip 1000"}
for tool in node python3; do
	command -v "$tool" >/dev/null 2>&1 || { echo "body_limits.sh: $tool is needed" >&2; exit 2; }
done
[ -x "$BIN" ] || { echo "body_limits.sh: build first (make all)" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)

TMP=$(mktemp -d "${TMPDIR:-/tmp}/bench-body.XXXXXX")
PID=
cleanup() {
	if [ -n "$PID" ]; then
		kill "$PID" 2>/dev/null || true
		wait "$PID" 2>/dev/null || true
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"$BIN" serve --db "$TMP/body.db" --listen "127.0.0.1:$PORT" --log-level warn \
    $ARGS >"$TMP/server.log" 2>&1 &
PID=$!
i=0
until python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 1)" 2>/dev/null; do
	i=$((i + 1))
	[ "$i" -lt 300 ] || { echo "body_limits.sh: the server did not start" >&2; cat "$TMP/server.log" >&2; exit 1; }
	sleep 0.1
done
hwm() { awk '/^VmHWM/ { print $2 / 1024 " MiB" }' "/proc/$PID/status"; }
echo "== $N concurrent POSTs of $SIZE bytes to $ROUTE (limit 64 KiB), $BIN"
echo "peak RSS after start: $(hwm)"
node "$HERE/body_limits.mjs" "$PORT" "$N" "$SIZE" "$ROUTE"
echo "peak RSS after the load: $(hwm)"
