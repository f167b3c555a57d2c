# lib.sh — what the benchmark scripts share, sourced by export_rss.sh, body_limits.sh and
# uman.sh: a temporary folder removed on exit with the server in it stopped, a free port,
# starting `portier serve` and waiting for it, its /proc figures, and the demo login.
# POSIX sh; the caller sets `set -eu` and BIN (the portier binary) first.

ME=${0##*/}
PID=

# Exits 2 unless every tool named is on PATH.
bench_need() {
	for tool in "$@"; do
		command -v "$tool" >/dev/null 2>&1 || { echo "$ME: $tool is needed" >&2; exit 2; }
	done
}

bench_cleanup() {
	if [ -n "$PID" ]; then
		kill "$PID" 2>/dev/null || true
		wait "$PID" 2>/dev/null || true
	fi
	rm -rf "$TMP"
}

# TMP: a new folder ${TMPDIR:-/tmp}/bench-<tag>.XXXXXX, removed on exit with the server
# stopped (an interrupt exits 1 through the same path).
bench_tmp() {
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/bench-$1.XXXXXX")
	trap bench_cleanup EXIT
	trap 'exit 1' HUP INT TERM
}

# A TCP port free on 127.0.0.1 now.
bench_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Starts `$BIN serve` on database $1 at 127.0.0.1:$2 (more flags after them), its output
# into $TMP/server.log (or $SERVER_LOG), the process into PID.
bench_serve() {
	db=$1
	port=$2
	shift 2
	"$BIN" serve --db "$db" --listen "127.0.0.1:$port" --log-level warn \
	    "$@" >"${SERVER_LOG:-$TMP/server.log}" 2>&1 &
	PID=$!
}

# Runs the command after $1 every 0.1 s until it succeeds, at most $1 times; then exits 1
# with the server's log.
bench_wait() {
	tries=$1
	shift
	i=0
	until "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ "$i" -lt "$tries" ] || {
			echo "$ME: the server did not start" >&2
			cat "${SERVER_LOG:-$TMP/server.log}" >&2
			exit 1
		}
		sleep 0.1
	done
}

# Stops the server started by bench_serve.
bench_stop() {
	kill "$PID"
	wait "$PID" 2>/dev/null || true
	PID=
}

# Field $1 of /proc/PID/status (VmHWM, RssAnon...), in kB.
bench_kib() {
	awk -v f="$1:" '$1 == f { print $2 }' "/proc/$PID/status"
}

# The first CSRF token of the page on stdin.
csrf() {
	sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -n 1
}

# Logs in at $1 as the demo's Claire Dubois with the health capacity, cookies in jar $2;
# prints the CSRF token of page $3 (a path), empty when the login failed.
bench_login() {
	url=$1
	jar=$2
	token=$(curl -s -c "$jar" -b "$jar" "$url/login" | csrf)
	curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "_csrf=$token" \
	    -d username=claire.dubois -d password=Demo-portier-2026 -d next=/acces "$url/login/password"
	token=$(curl -s -c "$jar" -b "$jar" "$url/capacite?next=/acces" | csrf)
	curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "_csrf=$token" -d capacity=health \
	    -d next=/acces "$url/capacite"
	curl -s -c "$jar" -b "$jar" "$url$3" | csrf
}
