#!/bin/sh
# lookup.sh — `make bench-lookup`: the public lookup's name search over two million
# enterprises. Runs bench/lookup_bench.c (built by the Makefile target), which generates
# the database once (about 30 s and 550 MB under build/bench/), then reuses it, and prints
# the median and p99 time of registry_find() for typical queries. Printed, never asserted.
# Settings: LOOKUP_ENTERPRISES (2000000), LOOKUP_RUNS (200 per query), LOOKUP_DB (path).
set -eu

BIN=${1:-build/bench/lookup_bench}
N=${LOOKUP_ENTERPRISES:-2000000}
RUNS=${LOOKUP_RUNS:-200}
DB=${LOOKUP_DB:-build/bench/lookup-$N.db}

[ -x "$BIN" ] || { echo "lookup.sh: $BIN not built (make bench-lookup)" >&2; exit 2; }
mkdir -p "$(dirname "$DB")"
echo "== lookup: name search over $N enterprises ($DB)"
"$BIN" "$DB" "$N" "$RUNS"
