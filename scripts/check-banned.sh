#!/bin/sh
# check-banned.sh — fails (with file:line of each use) when C code calls a function that
# STYLE bans: unbounded writes (sprintf vsprintf strcpy strcat gets), silent truncation
# (strncpy), hidden state (strtok strtok_r), no error report (atoi atol atoll atof),
# predictable numbers (rand srand), racy temporary names (tmpnam tempnam mktemp) and
# unbounded stack (alloca). Not banned: strncat (router.c bounds it), system (only the unit
# tests run helper commands with it). Usage: sh scripts/check-banned.sh [DIR...]
set -u
banned='sprintf|vsprintf|strcpy|strcat|gets|strncpy|strtok|strtok_r|atoi|atol|atoll|atof|rand|srand|tmpnam|tempnam|mktemp|alloca'
[ $# -gt 0 ] || set -- src tests/unit fuzz bench
# A call: the name not preceded by an identifier character, then "(" (blanks allowed).
hits=$(grep -rnE --include='*.c' --include='*.h' \
    "(^|[^A-Za-z0-9_])($banned)[[:space:]]*\(" "$@")
if [ -n "$hits" ]; then
	printf '%s\n' "$hits" | sed -E 's/^([^:]+:[0-9]+):[[:space:]]*/\1: banned call: /' >&2
	echo "check-banned: $(printf '%s\n' "$hits" | wc -l) use(s) of banned functions" \
	    "($banned)" >&2
	exit 1
fi
echo "check-banned: no banned call in $*"
