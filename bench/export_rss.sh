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
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"
bench_need curl python3
[ -x "$BIN" ] && [ -x "$BENCH" ] || { echo "export_rss.sh: build first (make bench-export)" >&2; exit 2; }

bench_tmp export
DBDIR=${EXPORT_KEEP:-$TMP}
mkdir -p "$DBDIR"

# One size: the database (made once), a fresh server, login, one export; prints the figures.
measure() {
	n=$1
	db=$DBDIR/export-$n.db
	if [ ! -f "$db" ]; then
		echo "== building a quality of $n users (bench/uman.c)" >&2
		"$BENCH" "$db" "$n" >"$TMP/build-$n.txt"
	fi
	port=$(bench_port)
	url=http://127.0.0.1:$port
	# shellcheck disable=SC2034 # read by bench_serve and bench_wait (lib.sh)
	SERVER_LOG=$TMP/server-$n.log
	bench_serve "$db" "$port"
	bench_wait 100 curl -fs "$url/healthz"
	# The token from the overview, not from the users list: the list reads the quality too,
	# and the figure is that of the export alone.
	jar=$TMP/cookies-$n
	token=$(bench_login "$url" "$jar" /acces)
	[ -n "$token" ] || { echo "export_rss.sh: could not log in" >&2; exit 1; }
	before=$(bench_kib VmHWM)
	curl -s -o "$TMP/export-$n.csv" -b "$jar" --data-urlencode "_csrf=$token" -d sep=';' \
	    "$url/acces/1/qualite/1/export" &
	cpid=$!
	anon=0
	while kill -0 "$cpid" 2>/dev/null; do
		a=$(bench_kib RssAnon)
		[ "${a:-0}" -gt "$anon" ] && anon=$a
		sleep 0.02
	done
	wait "$cpid"
	hwm=$(bench_kib VmHWM)
	rows=$(($(grep -c "$(printf '\r')\$" "$TMP/export-$n.csv") - 1))
	bytes=$(wc -c <"$TMP/export-$n.csv")
	bench_stop
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
