#!/bin/sh
# import_pg.sh — `make bench-import-pg`: a synthetic KBO Open Data full extract
# (bench/kbo_gen.c; 20,000 enterprises, about 380,000 rows) loaded into a throw-away
# PostgreSQL cluster (tests/lib/pg.sh) by `portier import kbo` (validating, normalising,
# COPY, indexes and the name index built after the load) and, in the same run, by
# `psql \copy` of the same files into equivalent tables (the same columns, keys and
# indexes, dropped and built after the load as portier does; raw values, nothing checked).
# Prints both times, the ratio psql/portier (>= 1: portier no slower), and the CPU of
# each client and of the server per row (the postmaster's children, read from /proc).
# BENCH_ENTERPRISES sets the size, BENCH_RUNS the runs per side (best one counts).
set -eu
cd "$(dirname "$0")/.."
BIN=${PORTIER_BIN:-build/portier}
GEN=${KBO_GEN:-build/kbo_gen}
N=${BENCH_ENTERPRISES:-20000}
RUNS=${BENCH_RUNS:-1}
work=$(mktemp -d /tmp/portier-bench-import-pg.XXXXXX)
pgdir="$work/pg"
cleanup() {
	sh tests/lib/pg.sh stop "$pgdir" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

die() {
	echo "bench-import-pg: $*" >&2
	exit 1
}
for tool in "$BIN" "$GEN"; do
	[ -x "$tool" ] || die "$tool missing (make bench-import-pg builds it)"
done
command -v psql >/dev/null || die "psql missing (postgresql-client-15)"
[ -x /usr/bin/time ] || die "/usr/bin/time missing (scripts/deps.sh installs time)"

extract="$work/KboOpenData_0140_2025_10_01_Full"
rows=$("$GEN" "$extract" "$N")
chmod -R a+rX "$work"
mb=$(du -sm "$extract" | cut -f1)
conn=$(sh tests/lib/pg.sh start "$pgdir") || die "no PostgreSQL cluster"
echo "extract: $N enterprises, $rows rows, $mb MB of CSV"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the runs"

q() {
	psql -X -q -v ON_ERROR_STOP=1 -A -t "$@"
}

# CPU seconds (user + system) of the server's processes that ended: the postmaster
# collects its children's (backends and parallel workers) when they exit.
server_cpu() {
	pid=$(head -n 1 "$pgdir/data/postmaster.pid")
	awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15 + $16 + $17) / hz }' "/proc/$pid/stat"
}

# "elapsed peak_kB user system" of one run of a command, written to $work/time.
timed() {
	/usr/bin/time -f '%e %M %U %S' -o "$work/time" "$@"
}

# The psql side: the schema portier's migrations make (same keys and indexes), with
# extract_id and source_line filled by defaults (a sequence for the line: the keys of
# address, contact and activity include it), then one transaction as portier's.
copy_script() {
	echo "SET synchronous_commit = off;"
	echo "BEGIN;"
	echo "DROP INDEX kbo_establishment_enterprise, kbo_denomination_entity, kbo_denomination_words;"
	echo "TRUNCATE kbo_meta, kbo_code, kbo_enterprise, kbo_establishment, kbo_denomination,"
	echo "    kbo_address, kbo_contact, kbo_activity, kbo_branch;"
	for f in meta code enterprise establishment denomination address contact activity branch; do
		# EntityNumber -> entity_number, JuridicalFormCAC -> juridical_form_cac
		cols=$(head -n 1 "$extract/$f.csv" | tr -d '"\r' | sed 's/\([a-z]\)\([A-Z]\)/\1_\2/g' |
		    tr 'A-Z' 'a-z')
		case $f in
		meta) cols="variable, value" ;;
		esac
		printf '%s\n' "\\copy kbo_$f($cols) FROM '$extract/$f.csv' WITH (FORMAT csv, HEADER true)"
	done
	echo "CREATE INDEX kbo_establishment_enterprise ON kbo_establishment(enterprise_number);"
	echo "CREATE INDEX kbo_denomination_entity ON kbo_denomination(entity_number);"
	echo "CREATE INDEX kbo_denomination_words ON kbo_denomination"
	echo "    USING gin (to_tsvector('simple', registry_name_words(denomination)));"
	echo "COMMIT;"
}

setup_db() {
	PGOPTIONS='-c client_min_messages=warning' q -d "$conn" -c "DROP DATABASE IF EXISTS $1" \
	    -c "CREATE DATABASE $1" >/dev/null
	"$BIN" migrate --db "$conn dbname=$1" >/dev/null 2>&1
}

defaults_sql="CREATE SEQUENCE bench_line;"
for t in meta code enterprise establishment denomination address contact activity branch; do
	defaults_sql="$defaults_sql ALTER TABLE kbo_$t ALTER extract_id SET DEFAULT 1;"
	[ "$t" = meta ] || defaults_sql="$defaults_sql ALTER TABLE kbo_$t ALTER source_line SET DEFAULT nextval('bench_line');"
done
copy_script > "$work/copy.sql"

best_p=""; best_s=""; cpu_p=""; cpu_s=""; srv_p=""; srv_s=""
for i in $(seq 1 "$RUNS"); do
	setup_db bench_p
	c0=$(server_cpu)
	if ! timed "$BIN" import kbo "$extract" --db "$conn dbname=bench_p" >"$work/p.out" 2>"$work/p.err"; then
		cat "$work/p.err" >&2
		exit 1
	fi
	sleep 1   # the backend has ended and been collected
	c1=$(server_cpu)
	read -r t m u k < "$work/time"
	if [ -z "$best_p" ] || [ "$(awk -v t="$t" -v b="$best_p" 'BEGIN{print t < b}')" = 1 ]; then
		best_p=$t; cpu_p=$(awk -v u="$u" -v k="$k" 'BEGIN{print u + k}')
		srv_p=$(awk -v a="$c0" -v b="$c1" 'BEGIN{print b - a}')
	fi

	setup_db bench_s
	q -d "$conn dbname=bench_s" -c "$defaults_sql" >/dev/null
	c0=$(server_cpu)
	timed psql -X -q -v ON_ERROR_STOP=1 -d "$conn dbname=bench_s" -f "$work/copy.sql" \
	    >"$work/s.out" 2>"$work/s.err" || {
		cat "$work/s.err" >&2
		exit 1
	}
	sleep 1   # the backend has ended and been collected
	c1=$(server_cpu)
	read -r t m u k < "$work/time"
	if [ -z "$best_s" ] || [ "$(awk -v t="$t" -v b="$best_s" 'BEGIN{print t < b}')" = 1 ]; then
		best_s=$t; cpu_s=$(awk -v u="$u" -v k="$k" 'BEGIN{print u + k}')
		srv_s=$(awk -v a="$c0" -v b="$c1" 'BEGIN{print b - a}')
	fi
done

count() {
	q -d "$conn dbname=$1" -c "SELECT (SELECT count(*) FROM kbo_meta) +
	    (SELECT count(*) FROM kbo_code) + (SELECT count(*) FROM kbo_enterprise) +
	    (SELECT count(*) FROM kbo_establishment) + (SELECT count(*) FROM kbo_denomination) +
	    (SELECT count(*) FROM kbo_address) + (SELECT count(*) FROM kbo_contact) +
	    (SELECT count(*) FROM kbo_activity) + (SELECT count(*) FROM kbo_branch)"
}
prows=$(count bench_p)
srows=$(count bench_s)
if [ "$prows" != "$rows" ] || [ "$srows" != "$rows" ]; then
	echo "bench-import-pg: row counts differ: generated $rows, portier $prows, psql $srows" >&2
	exit 1
fi
# The name index answers the same on both sides (a sanity check, not a timing).
np=$(q -d "$conn dbname=bench_p" -c "SELECT count(*) FROM kbo_denomination WHERE
    to_tsvector('simple', registry_name_words(denomination)) @@ registry_name_query('\"pharma\"*')")
ns=$(q -d "$conn dbname=bench_s" -c "SELECT count(*) FROM kbo_denomination WHERE
    to_tsvector('simple', registry_name_words(denomination)) @@ registry_name_query('\"pharma\"*')")
[ "$np" = "$ns" ] || die "the name index differs: portier $np, psql $ns names for pharma*"

per_row() {
	awk -v c="$1" -v r="$rows" 'BEGIN{printf "%.1f", c * 1e6 / r}'
}
rate() {
	awk -v t="$1" -v r="$2" 'BEGIN{printf "%.2f s, %.0f rows/s", t, r / t}'
}
echo "portier import kbo: $(rate "$best_p" "$rows"); client $cpu_p s CPU," \
	"server $srv_p s CPU ($(per_row "$srv_p") µs/row); validated, normalised, COPY, indexes built"
printf '%s' "psql copy:          "; echo "$(rate "$best_s" "$rows"); client $cpu_s s CPU," \
	"server $srv_s s CPU ($(per_row "$srv_s") µs/row); raw text, same keys and indexes"
echo "ratio psql/portier: $(awk -v p="$best_p" -v s="$best_s" 'BEGIN{printf "%.2f", s / p}')" \
	"(>= 1.0: portier no slower)"
