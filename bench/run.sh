#!/bin/sh
# run.sh — `make bench`: portier against nginx serving a fixed reply, side by side in one run,
# then /healthz latency while 20 password logins (Argon2id) run concurrently.
# Prints requests/s, p99 and the ratio portier/nginx. Loopback only.
set -eu
cd "$(dirname "$0")/.."
BIN=${PORTIER_BIN:-build/portier}
DUR=${BENCH_SECONDS:-10}
CONN=${BENCH_CONNECTIONS:-64}
work=$(mktemp -d /tmp/portier-bench.XXXXXX)
trap 'kill $ppid $npid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT INT TERM

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_http() { for _ in $(seq 1 100); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done; echo "bench: $1 did not answer" >&2; exit 1; }

pport=$(free_port); nport=$(free_port)
"$BIN" demo --listen 127.0.0.1:$pport --db "$work/bench.db" --log-level warn 2>"$work/portier.log" &
ppid=$!
mkdir -p "$work/nginx/logs"
cat > "$work/nginx/nginx.conf" <<NGINX
worker_processes auto;
error_log $work/nginx/logs/error.log warn;
pid $work/nginx/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$nport;
    location / { default_type text/plain; return 200 "ok\n"; }
  }
}
NGINX
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' 2>"$work/nginx.log" &
npid=$!
wait_http "http://127.0.0.1:$pport/healthz"
wait_http "http://127.0.0.1:$nport/"

# wrk output: "Requests/sec: N" and, with --latency, a "99%" line.
run_wrk() {
	wrk -t2 -c"$CONN" -d"${DUR}s" --latency "$1" > "$work/wrk.out" 2>&1
	rps=$(awk '/^Requests\/sec:/ {print $2}' "$work/wrk.out")
	p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.out")
	errs=$(awk '/Non-2xx|Socket errors/ {print}' "$work/wrk.out")
	printf '%-28s %12s req/s   p99 %8s  %s\n' "$2" "$rps" "$p99" "$errs"
	echo "$rps"> "$work/last.rps"
}

echo "== portier $(${BIN} version | head -1 | cut -d' ' -f2) vs nginx $(nginx -v 2>&1 | cut -d/ -f2), wrk -t2 -c$CONN -d${DUR}s, $(nproc) cores"
run_wrk "http://127.0.0.1:$nport/" "nginx fixed reply"; n=$(cat "$work/last.rps")
run_wrk "http://127.0.0.1:$pport/healthz" "portier /healthz"; h=$(cat "$work/last.rps")
run_wrk "http://127.0.0.1:$pport/" "portier / (rendered page)"; p=$(cat "$work/last.rps")
awk -v h="$h" -v p="$p" -v n="$n" 'BEGIN {
	printf "ratio portier/nginx: /healthz %.2f, rendered page %.2f\n", h / n, p / n }'

echo "== /healthz latency while 20 password logins run concurrently"
# bench/login_load.c: 20 clients in C (light on the CPU the server's hash workers need), a
# /healthz probe every 10 ms, and the time of one Argon2id hash measured before and after.
"${LOGIN_LOAD:-build/login_load}" "http://127.0.0.1:$pport" "${HASH_SECONDS:-20}"
