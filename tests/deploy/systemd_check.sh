#!/bin/sh
# systemd_check.sh — the units of deploy/systemd/ are accepted by systemd-analyze verify,
# share one hardening block, and their command lines start the real binary with
# deploy/etc/portier.conf (a dry start on 127.0.0.1 with a temporary SQLite file).
# systemd itself does not run in the test container: the sandbox is not exercised here.
# Exit 0 passed, 1 failed, 77 skipped.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${PORTIER_BIN:-$ROOT/build/portier}
U=$ROOT/deploy/systemd

command -v systemd-analyze >/dev/null 2>&1 || { echo "skip: no systemd-analyze"; exit 77; }
[ -x "$BIN" ] || { echo "systemd_check: $BIN not built (make all)"; exit 1; }
T=$(mktemp -d /tmp/portier-units.XXXXXX)
PID=""
cleanup() {
	[ -z "$PID" ] || kill "$PID" 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

# 1. systemd-analyze verify: the executable path made to point at this build; any
# message (an unknown directive or value is only warned about) fails the check.
for f in portier.service portier-migrate.service portier@.service; do
	sed "s|/opt/portier|$ROOT|g" "$U/$f" > "$T/$f"
done
cp "$T/portier@.service" "$T/portier@1.service"
(cd "$T" && systemd-analyze verify ./portier.service ./portier-migrate.service \
    ./portier@1.service) > "$T/verify.out" 2>&1 || { cat "$T/verify.out"; fail "systemd-analyze verify"; }
[ ! -s "$T/verify.out" ] || { cat "$T/verify.out"; fail "systemd-analyze verify has warnings"; }

# 2. One hardening block in the three units.
block() { sed -n '/^# Hardening/,/^KeyringMode=/p' "$1"; }
block "$U/portier.service" > "$T/h0"
[ "$(wc -l < "$T/h0")" -gt 5 ] || fail "no hardening block in portier.service"
for f in portier-migrate.service portier@.service; do
	block "$U/$f" | cmp -s - "$T/h0" || fail "$f: hardening differs from portier.service"
done
for d in 'CapabilityBoundingSet=$' 'ProtectSystem=strict' 'NoNewPrivileges=yes' \
    'SystemCallFilter=@system-service' 'PrivateTmp=yes' 'RestrictAddressFamilies='; do
	grep -q "^$d" "$T/h0" || fail "portier.service lacks $d"
done

# systemd's own exposure score of each unit (0 best, 10 worst): at most 2.0 ("OK").
for f in portier.service portier-migrate.service portier@1.service; do
	score=$(cd "$T" && systemd-analyze security --offline=yes "./$f" 2>&1 |
	    sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	echo "exposure $f: ${score:-?}"
	[ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }' ||
	    fail "$f: exposure level '${score:-none}' above 2.0"
done

# 3. The command lines against the real binary, with the production settings file and the
# unit's environment; what points at /etc or at other hosts is overridden per variable.
exec_of() { sed -n 's|^ExecStart=/opt/portier/build/portier ||p' "$U/$1"; }
[ "$(exec_of portier.service)" = serve ] || fail "portier.service: ExecStart is not 'serve'"
[ "$(exec_of portier@.service)" = serve ] || fail "portier@.service: ExecStart is not 'serve'"
[ "$(exec_of portier-migrate.service)" = migrate ] || fail "migrate unit: not 'migrate'"
"$BIN" serve --help | grep -q '^usage: portier serve' || fail "serve --help"
set -- $(python3 -c '
import socket
ss = [socket.socket() for _ in range(2)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj /CN=localhost -keyout "$T/tls.key" -out "$T/tls.pem" 2>/dev/null
export PORTIER_CONFIG="$ROOT/deploy/etc/portier.conf" PORTIER_DB="$T/portier.db" \
    PORTIER_LISTEN="127.0.0.1:$1" PORTIER_TLS_LISTEN="127.0.0.1:$2" \
    PORTIER_TLS_CERT="$T/tls.pem" PORTIER_TLS_KEY="$T/tls.key" PORTIER_EID_TRUST= \
    PORTIER_EID_CRL= PORTIER_SMTP_URL=
# The unit runs as User=portier; this dry start may run as root (a CI container): allowed
# for it only (serve refuses root without a user to become, src/ops/sandbox.c).
[ "$(id -u)" != 0 ] || export PORTIER_ALLOW_ROOT=true
# As portier-migrate.service runs it: without the TLS key credential.
env -u PORTIER_TLS_KEY "$BIN" migrate > "$T/migrate.out" 2>&1 || { cat "$T/migrate.out"; fail "portier migrate"; }
grep -q 'at schema version [1-9]' "$T/migrate.out" || fail "migrate: $(cat "$T/migrate.out")"
"$BIN" serve > "$T/serve.log" 2>&1 &
PID=$!
i=0
until curl -fs "http://127.0.0.1:$1/healthz" >/dev/null; do
	i=$((i + 1)); [ $i -lt 100 ] || { cat "$T/serve.log"; fail "serve did not start"; }
	sleep 0.1
done
curl -skf "https://127.0.0.1:$2/healthz" >/dev/null || fail "the TLS listener does not answer"
grep -q 'issuer https://portier.example.be' "$T/serve.log" || fail "the settings file was not read"
# The production settings keep serve's own sandbox (src/ops/sandbox.c) on, TLS listener included.
grep -q 'sandbox: seccomp allow-list' "$T/serve.log" || fail "serve started without its sandbox"
kill -TERM "$PID"
wait "$PID" || fail "serve did not exit 0 on SIGTERM"
PID=""
grep -q stopped "$T/serve.log" || fail "serve did not log its stop"
echo "PASS systemd_check"
