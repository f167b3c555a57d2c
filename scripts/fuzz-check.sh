#!/bin/sh
# fuzz-check.sh — runs every libFuzzer target of DIR (make fuzz) on its seed corpus
# fuzz/corpus/NAME plus RUNS new inputs; fails on the first crash, leak, sanitizer report
# or failed check. New inputs go to a temporary folder: the committed seeds stay as they are.
# Usage: sh scripts/fuzz-check.sh build-fuzz/fuzz [RUNS]
set -eu
dir=${1:?usage: fuzz-check.sh DIR [RUNS]}
runs=${2:-20000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for bin in "$dir"/fuzz_*; do
	name=$(basename "$bin")
	seeds=fuzz/corpus/$name
	if [ ! -d "$seeds" ]; then
		echo "fuzz-check: $name has no seed corpus ($seeds)" >&2
		status=1
		continue
	fi
	mkdir -p "$tmp/$name"
	if "$bin" -runs="$runs" -seed=1 -print_final_stats=1 -artifact_prefix="$tmp/$name-" \
	    "$tmp/$name" "$seeds" >"$tmp/$name.log" 2>&1; then
		echo "fuzz-check: $name ok ($(sed -n 's/^stat::number_of_executed_units: *//p' \
		    "$tmp/$name.log") runs)"
	else
		echo "fuzz-check: $name FAILED; its log:" >&2
		tail -n 60 "$tmp/$name.log" >&2
		for a in "$tmp/$name"-*; do
			[ -e "$a" ] || continue
			mkdir -p build-fuzz/crashes
			cp "$a" build-fuzz/crashes/
			echo "fuzz-check: input kept in build-fuzz/crashes/$(basename "$a")" >&2
		done
		status=1
	fi
done
exit $status
