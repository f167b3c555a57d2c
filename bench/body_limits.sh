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
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"
bench_need node python3
[ -x "$BIN" ] || { echo "body_limits.sh: build first (make all)" >&2; exit 2; }

bench_tmp body
PORT=$(bench_port)
# shellcheck disable=SC2086 # ARGS is a list of flags
bench_serve "$TMP/body.db" "$PORT" $ARGS
bench_wait 300 python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 1)"
hwm() { awk '/^VmHWM/ { print $2 / 1024 " MiB" }' "/proc/$PID/status"; }
echo "== $N concurrent POSTs of $SIZE bytes to $ROUTE (limit 64 KiB), $BIN"
echo "peak RSS after start: $(hwm)"
node "$HERE/body_limits.mjs" "$PORT" "$N" "$SIZE" "$ROUTE"
echo "peak RSS after the load: $(hwm)"
