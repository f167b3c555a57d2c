#!/bin/sh
# export_rss.sh — memory of the streamed CSV export (hardening part 6), run by
# `make bench-export`: a quality of 1,000 and one of 100,000 users (built by bench/uman.c
# through the service layer), each exported once through HTTP from a fresh `portier serve`;
# the server's peak resident set (VmHWM of /proc/PID/status) after the export, and the
# ratio of the two. VmHWM counts the database pages SQLite maps (mmap_size) as well as
# the heap, so the anonymous memory (RssAnon, sampled every 20 ms during the export, its
# highest value) is given too. Figures are printed, never asserted.
#
# Environment: PORTIER_BIN (build/portier), BENCH_UMAN (build/bench_uman),
# EXPORT_SIZES ("1000 100000"), EXPORT_KEEP (a folder: keep and reuse the databases there).
set -eu

BIN=${PORTIER_BIN:-build/portier}
BENCH=${BENCH_UMAN:-build/bench_uman}
SIZES=${EXPORT_SIZES:-1000 100000}
for tool in curl python3; do
	command -v "$tool" >/dev/null 2>&1 || { echo "export_rss.sh: $tool is needed" >&2; exit 2; }
done
[ -x "$BIN" ] && [ -x "$BENCH" ] || { echo "export_rss.sh: build first (make bench-export)" >&2; exit 2; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/bench-export.XXXXXX")
DBDIR=${EXPORT_KEEP:-$TMP}
mkdir -p "$DBDIR"
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

kib() {   # field of /proc/PID/status, in kB
	awk -v f="$1:" '$1 == f { print $2 }' "/proc/$PID/status"
}

# One size: the database (made once), a fresh server, login, one export; prints the figures.
measure() {
	n=$1
	db=$DBDIR/export-$n.db
	if [ ! -f "$db" ]; then
		echo "== building a quality of $n users (bench/uman.c)" >&2
		"$BENCH" "$db" "$n" >"$TMP/build-$n.txt"
	fi
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
	url=http://127.0.0.1:$port
	"$BIN" serve --db "$db" --listen "127.0.0.1:$port" --log-level warn >"$TMP/server-$n.log" 2>&1 &
	PID=$!
	i=0
	until curl -fs "$url/healthz" >/dev/null 2>&1; do
		i=$((i + 1))
		[ "$i" -lt 100 ] || { echo "export_rss.sh: the server did not start" >&2; cat "$TMP/server-$n.log" >&2; exit 1; }
		sleep 0.1
	done
	jar=$TMP/cookies-$n
	csrf() { sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -n 1; }
	token=$(curl -s -c "$jar" -b "$jar" "$url/login" | csrf)
	curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "_csrf=$token" \
	    -d username=claire.dubois -d password=Demo-portier-2026 -d next=/acces "$url/login/password"
	token=$(curl -s -c "$jar" -b "$jar" "$url/capacite?next=/acces" | csrf)
	curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "_csrf=$token" -d capacity=health \
	    -d next=/acces "$url/capacite"
	# The token from the overview, not from the users list: the list reads the quality too,
	# and the figure is that of the export alone.
	token=$(curl -s -c "$jar" -b "$jar" "$url/acces" | csrf)
	[ -n "$token" ] || { echo "export_rss.sh: could not log in" >&2; exit 1; }
	before=$(kib VmHWM)
	curl -s -o "$TMP/export-$n.csv" -b "$jar" --data-urlencode "_csrf=$token" -d sep=';' \
	    "$url/acces/1/qualite/1/export" &
	cpid=$!
	anon=0
	while kill -0 "$cpid" 2>/dev/null; do
		a=$(kib RssAnon)
		[ "${a:-0}" -gt "$anon" ] && anon=$a
		sleep 0.02
	done
	wait "$cpid"
	hwm=$(kib VmHWM)
	rows=$(($(grep -c "$(printf '\r')\$" "$TMP/export-$n.csv") - 1))
	bytes=$(wc -c <"$TMP/export-$n.csv")
	kill "$PID"
	wait "$PID" 2>/dev/null || true
	PID=
	echo "$n $rows $bytes $before $hwm $anon"
}

printf '%-8s %8s %10s %14s %14s %16s\n' users rows bytes hwm_before_kB hwm_after_kB peak_anon_kB
for n in $SIZES; do
	measure "$n" >"$TMP/line"
	read -r u rows bytes before hwm anon <"$TMP/line"
	printf '%-8s %8s %10s %14s %14s %16s\n' "$u" "$rows" "$bytes" "$before" "$hwm" "$anon"
	echo "$u $hwm $anon" >>"$TMP/figures"
done
awk 'NR == 1 { h = $2; a = $3 } END { if (NR > 1 && h > 0 && a > 0)
    printf "ratio (largest / smallest): VmHWM %.2f, peak RssAnon %.2f (goal: VmHWM under 2)\n",
        $2 / h, $3 / a }' "$TMP/figures"
