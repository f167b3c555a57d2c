#!/bin/sh
# import.sh — `make bench-import`: a synthetic KBO Open Data full extract (bench/kbo_gen.c,
# 200,000 enterprises, about 3.8 million rows in the official format) loaded by
# `portier import kbo` (validating, normalising, indexes and name index built) and, in
# the same run, by `sqlite3 .import --csv` into untyped tables. Prints rows/s of both,
# the ratio portier/sqlite3, portier's peak RSS at two sizes (flat: it streams) and what
# the whole real dataset (~47 million rows) would take at the measured pace.
# BENCH_ENTERPRISES sets the size, BENCH_RUNS the runs per side (best one counts).
set -eu
cd "$(dirname "$0")/.."
BIN=${PORTIER_BIN:-build/portier}
GEN=${KBO_GEN:-build/kbo_gen}
N=${BENCH_ENTERPRISES:-200000}
RUNS=${BENCH_RUNS:-1}
REAL_ROWS=47000000
work=$(mktemp -d /tmp/portier-bench-import.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM

die() {
	echo "bench-import: $*" >&2
	exit 1
}
for tool in "$BIN" "$GEN"; do
	[ -x "$tool" ] || die "$tool missing (make bench-import builds it)"
done
command -v sqlite3 >/dev/null || die "sqlite3 missing (scripts/deps.sh)"
[ -x /usr/bin/time ] || die "/usr/bin/time missing (scripts/deps.sh installs time)"

# The official name of a full extract: the number and type come from it and meta.csv.
extract="$work/KboOpenData_0140_2025_10_01_Full"
small="$work/small/KboOpenData_0140_2025_10_01_Full"
mkdir -p "$work/small"
rows=$("$GEN" "$extract" "$N")
"$GEN" "$small" $((N / 2)) >/dev/null
mb=$(du -sm "$extract" | cut -f1)
echo "extract: $N enterprises, $rows rows, $mb MB of CSV"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the runs"

# Untyped tables, one per file, as the CSV gives them.
{
	for f in meta code enterprise establishment denomination address contact activity branch; do
		cols=$(head -n 1 "$extract/$f.csv" | tr -d '"\r')
		echo "CREATE TABLE $f($cols);"
	done
	echo "BEGIN;"
	for f in meta code enterprise establishment denomination address contact activity branch; do
		echo ".import --csv --skip 1 '$extract/$f.csv' $f"
	done
	echo "COMMIT;"
} > "$work/sqlite.sql"

# "elapsed peak_kB cpu" of one run of a command, written to $work/time.
timed() {
	/usr/bin/time -f '%e %M %U %S' -o "$work/time" "$@"
}

# True when time $1 beats the best so far, $2 ("" for none).
faster() {
	[ "$(awk -v t="$1" -v b="$2" 'BEGIN{print (b == "" || t < b) ? 1 : 0}')" = 1 ]
}

best_p=""; best_s=""; cpu_p=""; cpu_s=""; rss=0
for i in $(seq 1 "$RUNS"); do
	rm -f "$work"/p.db*
	if ! timed "$BIN" import kbo "$extract" --db "$work/p.db" >"$work/p.out" 2>"$work/p.err"; then
		cat "$work/p.err" >&2
		exit 1
	fi
	read -r t m u k < "$work/time"
	if faster "$t" "$best_p"; then
		best_p=$t
		cpu_p=$(awk -v u="$u" -v k="$k" 'BEGIN{print u + k}')
	fi
	[ "$m" -gt "$rss" ] && rss=$m

	rm -f "$work"/s.db*
	timed sqlite3 "$work/s.db" < "$work/sqlite.sql" >"$work/s.out" 2>"$work/s.err" || {
		cat "$work/s.err" >&2
		exit 1
	}
	read -r t m u k < "$work/time"
	if faster "$t" "$best_s"; then
		best_s=$t
		cpu_s=$(awk -v u="$u" -v k="$k" 'BEGIN{print u + k}')
	fi
done

# Both loaded every row, or the comparison means nothing.
prows=$(sed -n 's/.*: \([0-9]*\) rows in .*/\1/p' "$work/p.out")
srows=$(sqlite3 "$work/s.db" "SELECT (SELECT count(*) FROM meta) + (SELECT count(*) FROM code) +
	(SELECT count(*) FROM enterprise) + (SELECT count(*) FROM establishment) +
	(SELECT count(*) FROM denomination) + (SELECT count(*) FROM address) +
	(SELECT count(*) FROM contact) + (SELECT count(*) FROM activity) +
	(SELECT count(*) FROM branch)")
if [ "$prows" != "$rows" ] || [ "$srows" != "$rows" ]; then
	echo "bench-import: row counts differ: generated $rows, portier $prows, sqlite3 $srows" >&2
	exit 1
fi

rm -f "$work"/q.db*
timed "$BIN" import kbo "$small" --db "$work/q.db" >/dev/null 2>"$work/q.err" || {
	cat "$work/q.err" >&2
	exit 1
}
read -r t small_rss u k < "$work/time"
small_rows=$(($(cat "$small"/*.csv | wc -l) - 9))

# rate SECONDS ROWS: "S s, R rows/s"
rate() {
	awk -v t="$1" -v r="$2" 'BEGIN{printf "%.2f s, %.0f rows/s", t, r / t}'
}
projected=$(awk -v p="$best_p" -v r="$rows" -v R="$REAL_ROWS" \
	'BEGIN{t = R * p / r; printf "%.0f s (%.1f min)", t, t / 60}')

echo "portier import kbo: $(rate "$best_p" "$rows") ($cpu_p s of CPU, 2 threads);" \
	"validated, normalised, indexes and name index built"
echo "sqlite3 .import:    $(rate "$best_s" "$rows") ($cpu_s s of CPU); untyped tables, no index"
echo "ratio portier/sqlite3: $(awk -v p="$best_p" -v s="$best_s" 'BEGIN{printf "%.2f", s / p}')"
echo "portier peak RSS: $((rss / 1024)) MB at $rows rows," \
	"$((small_rss / 1024)) MB at about $small_rows rows"
echo "database sizes: portier $(du -m "$work/p.db" | cut -f1) MB," \
	"sqlite3 $(du -m "$work/s.db" | cut -f1) MB"
echo "projection for the real full extract ($REAL_ROWS rows): $projected at this pace" \
	"(linear; sorting and the final checkpoint grow a little faster)"
