#!/bin/sh
# uman.sh — benchmark of access management (issue 6), run by `make bench-uman`:
# a quality "Institution liée au domaine de la santé" with N users (default 100,000)
# created through the service layer (account_create: one transaction with its audit
# events each), then a filtered first page of the users list and the CSV export of all
# users, timed at the service (bench/uman.c) and through HTTP against `portier serve`.
# Figures are printed, never asserted. Wall times on a shared machine include waiting
# for the CPU; the *_cpu_ms figures are the CPU time of the run itself.
#
# Environment: PORTIER_BIN (build/portier), BENCH_UMAN (build/bench_uman),
# UMAN_USERS (100000), UMAN_RUNS (51 HTTP requests per page figure).
set -eu

BIN=${PORTIER_BIN:-build/portier}
BENCH=${BENCH_UMAN:-build/bench_uman}
N=${UMAN_USERS:-100000}
RUNS=${UMAN_RUNS:-51}
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"
bench_need curl python3
[ -x "$BIN" ] && [ -x "$BENCH" ] || { echo "uman.sh: build first (make bench-uman)" >&2; exit 2; }

bench_tmp uman

echo "== service layer: $N users in one quality"
"$BENCH" "$TMP/uman.db" "$N" | tee "$TMP/service.txt"

PORT=$(bench_port)
URL=http://127.0.0.1:$PORT
bench_serve "$TMP/uman.db" "$PORT"
bench_wait 100 curl -fs "$URL/healthz"

JAR=$TMP/cookies
TOKEN=$(bench_login "$URL" "$JAR" /acces/1/qualite/1)
[ -n "$TOKEN" ] || { echo "uman.sh: could not log in" >&2; exit 1; }

# Median of RUNS requests (seconds → ms), the page's "N utilisateurs trouvés" checked once.
page() {
	name=$1
	shift
	found=$(curl -s -b "$JAR" --data-urlencode "_csrf=$TOKEN" "$@" "$URL/acces/1/qualite/1" |
	    sed -n 's/.*<strong class="uman-found" role="status">\([^<]*\)<.*/\1/p')
	k=0
	: >"$TMP/times"
	while [ "$k" -lt "$RUNS" ]; do
		curl -s -o /dev/null -w '%{time_total}\n' -b "$JAR" --data-urlencode "_csrf=$TOKEN" "$@" \
		    "$URL/acces/1/qualite/1" >>"$TMP/times"
		k=$((k + 1))
	done
	sort -n "$TMP/times" | awk -v n="$name" -v f="$found" '{ t[NR] = $1 }
	    END { printf "http_page_%s_ms %.2f   (%s)\n", n, 1000 * t[int((NR + 1) / 2)], f }'
}

echo "== HTTP (portier serve, $RUNS requests each, median)"
page filtered_last_name -d f_last_name=Dub
page unfiltered
page filtered_application -d f_application=SARA
k=0
: >"$TMP/times"
while [ "$k" -lt 3 ]; do
	curl -s -o "$TMP/export.csv" -w '%{time_total}\n' -b "$JAR" --data-urlencode "_csrf=$TOKEN" \
	    -d sep=';' "$URL/acces/1/qualite/1/export" >>"$TMP/times"
	k=$((k + 1))
done
ROWS=$(($(wc -l <"$TMP/export.csv") - 1))
BYTES=$(wc -c <"$TMP/export.csv")
sort -n "$TMP/times" | awk -v r="$ROWS" -v b="$BYTES" '{ t[NR] = $1 }
    END { printf "http_export_ms %.1f   (%d rows, %d bytes, median of 3)\n", 1000 * t[2], r, b }'

echo "== targets: filtered first page < 20 ms median, export of all < 1 s, creation >= 500/s"
