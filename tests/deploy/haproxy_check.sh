#!/bin/sh
# haproxy_check.sh — deploy/haproxy/haproxy.cfg in front of two real `portier serve` nodes,
# all on 127.0.0.1: per-request round robin, a node not ready (/readyz 503) and a node
# stopped with SIGTERM taken out.
#
# The production file is used as it is, with only its "# site" lines changed (addresses,
# certificate, logging to stdout; chroot, user and daemon dropped). Each node has its own
# SQLite file: enough to see the balancing and the health checks (sessions shared between
# nodes need PostgreSQL, docs/deploy.md). Which node answered is read from the nodes'
# access logs, by the X-Request-Id of each response. Exit 0 passed, 1 failed, 77 skipped.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${PORTIER_BIN:-$ROOT/build/portier}
CFG=${HAPROXY_CFG:-$ROOT/deploy/haproxy/haproxy.cfg}

for tool in haproxy openssl curl python3; do
	command -v $tool >/dev/null 2>&1 || { echo "skip: $tool not installed"; exit 77; }
done
[ -x "$BIN" ] || { echo "haproxy_check: $BIN not built (make all)"; exit 1; }

T=$(mktemp -d /tmp/portier-deploy.XXXXXX)
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	for p in $PIDS; do wait "$p" 2>/dev/null || true; done
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

fail() {
	echo "FAIL: $*"
	for f in "$T"/*.log; do echo "--- $f"; tail -n 20 "$f"; done
	exit 1
}

# Seven free ports on 127.0.0.1: two nodes (plain, TLS), HTTPS, HTTP and eID fronts.
set -- $(python3 -c '
import socket
ss = [socket.socket() for _ in range(7)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))
for s in ss: s.close()')
P1=$1 P2=$2 T1=$3 T2=$4 FH=$5 FR=$6 FE=$7

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj /CN=localhost -keyout "$T/key.pem" -out "$T/cert.pem" 2>/dev/null
cat "$T/cert.pem" "$T/key.pem" > "$T/haproxy.pem"

# ---- the two nodes ----
start_node() { # name plain-port tls-port
	"$BIN" serve --listen "127.0.0.1:$2" --tls-listen "127.0.0.1:$3" \
	    --tls-cert "$T/cert.pem" --tls-key "$T/key.pem" --issuer https://localhost \
	    --db "$T/$1.db" --shutdown-grace 5 >"$T/$1.log" 2>&1 &
}
# Started from this shell (not in $(…)): it waits for them and reads their exit status.
start_node node1 "$P1" "$T1"; N1=$!; PIDS="$PIDS $N1"
start_node node2 "$P2" "$T2"; N2=$!; PIDS="$PIDS $N2"
for port in "$P1" "$P2"; do
	i=0
	until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null; do
		i=$((i + 1)); [ $i -lt 300 ] || fail "node on port $port did not start"
		sleep 0.1
	done
done

# ---- the production config with its site lines replaced ----
sed -e "s|^ *log /dev/log local0 .*# site|    log stdout format raw local0|" \
    -e "/^ *\(chroot\|user\|group\|daemon\|stats socket\) .*# site\$/d" \
    -e "s|bind :443 ssl crt /etc/haproxy/certs/portier.pem \(.*\)# site|bind 127.0.0.1:$FH ssl crt $T/haproxy.pem \1|" \
    -e "s|bind :80 .*# site|bind 127.0.0.1:$FR|" \
    -e "s|bind :8443 ssl crt /etc/haproxy/certs/portier.pem ca-file /etc/haproxy/eid-trust.pem \(.*\)# site|bind 127.0.0.1:$FE ssl crt $T/haproxy.pem ca-file $T/cert.pem \1|" \
    -e "s|\(http-request redirect location .*\):8443\(.*\)# site|\1:$FE\2|" \
    -e "s|10\.0\.0\.11:8080 .*# site|127.0.0.1:$P1|" \
    -e "s|10\.0\.0\.12:8080 .*# site|127.0.0.1:$P2|" \
    "$CFG" > "$T/haproxy.cfg"
! grep -q '# site$' "$T/haproxy.cfg" || fail "a site line of haproxy.cfg was not replaced: $(grep '# site$' "$T/haproxy.cfg")"
haproxy -c -q -f "$T/haproxy.cfg" || fail "haproxy -c refuses the rendered config"
haproxy -db -f "$T/haproxy.cfg" >"$T/haproxy.log" 2>&1 &
HP=$!; PIDS="$PIDS $HP"

# HAProxy starts with its servers UP; wait until it listens.
i=0
until curl -skf "https://127.0.0.1:$FH/healthz" >/dev/null; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "haproxy does not answer"
	sleep 0.1
done

# Which node answered a request: the node whose access log has its request id.
node_of() { # request-id
	if grep -q " $1 access " "$T/node1.log"; then echo node1
	elif grep -q " $1 access " "$T/node2.log"; then echo node2
	else echo none; fi
}
rid_of() { # headers file
	tr -d '\r' < "$1" | sed -n 's/^[Xx]-[Rr]equest-[Ii]d: //p'
}
request() { # url -> prints "status node"
	code=$(curl -sk -D "$T/h" -o /dev/null -w '%{http_code}' "$1" || echo 000)
	rid=$(rid_of "$T/h")
	sleep 0.05   # the access line is written when the response is complete
	echo "$code $( [ -n "$rid" ] && node_of "$rid" || echo none)"
}

# ---- 1. round robin, per request, through the TLS termination ----
seq=""
for k in 1 2 3 4 5 6 7 8; do
	set -- $(request "https://127.0.0.1:$FH/")
	[ "$1" = 200 ] || fail "request $k through haproxy: status $1"
	seq="$seq $2"
done
echo "new connections:$seq"
prev=""
for n in $seq; do
	[ "$n" != none ] || fail "a response's request id is in neither node's log"
	[ "$n" != "$prev" ] || fail "two consecutive requests on $n:$seq"
	prev=$n
done

# Several requests on one client connection are balanced one by one too.
curl -sk -D "$T/ka" -o /dev/null -o /dev/null -o /dev/null -o /dev/null \
    "https://127.0.0.1:$FH/" "https://127.0.0.1:$FH/aide" "https://127.0.0.1:$FH/" \
    "https://127.0.0.1:$FH/aide"
sleep 0.1
ka=""
for rid in $(rid_of "$T/ka"); do ka="$ka $(node_of "$rid")"; done
echo "one keep-alive connection:$ka"
case "$ka" in *node1*node2* | *node2*node1*) ;; *) fail "one connection stayed on one node:$ka" ;; esac

# The proxy's additions: HSTS, Secure on every cookie, http -> https.
curl -sk -D "$T/login" -o /dev/null "https://127.0.0.1:$FH/login"
tr -d '\r' < "$T/login" | grep -qi '^strict-transport-security: max-age=' ||
    fail "no HSTS header on the HTTPS front"
if tr -d '\r' < "$T/login" | grep -qi '^set-cookie:'; then
	! tr -d '\r' < "$T/login" | grep -i '^set-cookie:' | grep -qvi '; *secure' ||
	    fail "a cookie without Secure behind the TLS termination"
	echo "cookies: all Secure"
fi
loc=$(curl -s -D - -o /dev/null "http://127.0.0.1:$FR/aide?x=1" | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
[ "$loc" = "https://127.0.0.1:$FR/aide?x=1" ] || fail "http front: redirect to '$loc'"

# The eID door: terminated by the proxy, reached from the HTTPS
# front's /login/eid; a client's own certificate header is dropped (the nodes trust no proxy:
# a header reaching them would be refused with 403).
loc=$(curl -sk -D - -o /dev/null "https://127.0.0.1:$FH/login/eid?next=/aide" | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
[ "$loc" = "https://127.0.0.1:$FE/login/eid?next=/aide" ] || fail "https front: /login/eid redirected to '$loc'"
code=$(curl -sk -o /dev/null -w '%{http_code}' -H 'X-SSL-Client-Cert: forged' "https://127.0.0.1:$FE/login/eid")
[ "$code" = 200 ] || fail "eID front: status $code (403: a forged certificate header reached the node)"

# ---- 1b. a node that is not ready (/readyz 503) is taken out, and back once ready ----
# node2's database made "behind" its binary's newest migration (its record moved to 0).
NEWEST=$(sqlite3 "$T/node2.db" 'SELECT max(version) FROM schema_migration')
sqlite3 "$T/node2.db" "UPDATE schema_migration SET version = 0 WHERE version = $NEWEST"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P2/readyz")
[ "$code" = 503 ] || fail "node2 behind on migrations: /readyz $code"
i=0
until grep -q 'be_portier/node2 is DOWN' "$T/haproxy.log"; do
	i=$((i + 1)); [ $i -lt 300 ] || fail "haproxy did not take out node2 (/readyz 503)"
	sleep 0.1
done
grep 'be_portier/node2 is DOWN' "$T/haproxy.log" | sed 's/^/haproxy: /'
for k in 1 2 3 4; do
	set -- $(request "https://127.0.0.1:$FH/")
	[ "$1 $2" = "200 node1" ] || fail "node2 not ready: $1 from $2"
done
sqlite3 "$T/node2.db" "UPDATE schema_migration SET version = $NEWEST WHERE version = 0"
i=0
until grep -q 'be_portier/node2 is UP' "$T/haproxy.log"; do
	i=$((i + 1)); [ $i -lt 600 ] || fail "haproxy did not put node2 back once ready"
	sleep 0.1
done
echo "node2 not ready: out of the pool, back once ready"

# ---- 2. SIGTERM on node1: taken out, requests keep succeeding ----
kill -TERM "$N1"
bad=0 total=0 after=""
i=0
while [ $i -lt 40 ]; do
	set -- $(request "https://127.0.0.1:$FH/")
	total=$((total + 1))
	[ "$1" = 200 ] || bad=$((bad + 1))
	after="$after $2"
	i=$((i + 1))
done
echo "after SIGTERM on node1: $total requests, $bad not 200"
[ $bad -eq 0 ] || fail "$bad of $total requests failed while node1 stopped:$after"
wait "$N1" || fail "node1 did not exit 0 after SIGTERM"
PIDS=$(echo "$PIDS" | sed "s/ $N1\b//")
grep -q 'stopped' "$T/node1.log" || fail "node1 did not log its clean stop"
grep -q 'be_portier/node1 is DOWN' "$T/haproxy.log" ||
    fail "haproxy did not mark node1 DOWN in be_portier"
# Once node1 is gone every answer is node2's.
for k in 1 2 3 4; do
	set -- $(request "https://127.0.0.1:$FH/")
	[ "$1 $2" = "200 node2" ] || fail "after node1 stopped: $1 from $2"
	set -- $(curl -sk -o /dev/null -w '%{http_code}' "https://127.0.0.1:$FE/healthz")
	[ "$1" = 200 ] || fail "eID front after node1 stopped: $1"
done
grep 'is DOWN' "$T/haproxy.log" | grep -v WARNING | sed 's/^/haproxy: /'
# Requests HAProxy sent to node1 after its socket closed, then to node2 (retries "+N").
echo "requests redispatched after a refused connection: $(grep -c 'be_portier/node2 .* [0-9]*/[0-9]*/[0-9]*/[0-9]*/+[1-9]' "$T/haproxy.log" || true)"
echo "PASS haproxy_check"
