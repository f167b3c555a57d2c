#!/bin/sh
# man_check.sh — the man pages the binary writes (portier help --man, --conf-man; the Debian
# package installs them) list exactly the commands of `portier help` and the settings that
# portier.conf.example documents, and groff renders them without a warning. No root needed;
# tests/deploy/deb_check.sh checks the packaged pages the same way. Exit 0 passed, 1 failed.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${PORTIER_BIN:-$ROOT/build/portier}
[ -x "$BIN" ] || { echo "man_check: $BIN not built (make all)"; exit 1; }
T=$(mktemp -d /tmp/portier-man.XXXXXX)
trap 'rm -rf "$T"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

"$BIN" help --man > "$T/portier.1" || fail "portier help --man"
"$BIN" help --conf-man > "$T/portier.conf.5" || fail "portier help --conf-man"
"$BIN" help | sed -n 's/^  \([a-z-]*\) .*/\1/p' > "$T/cmds.help"
sed -n '/^\.SH COMMANDS/,/^\.SH/{/^\.B /{s/^\.B //;s/\\-/-/g;p}}' "$T/portier.1" > "$T/cmds.man"
[ -s "$T/cmds.help" ] || fail "portier help lists no command"
diff "$T/cmds.help" "$T/cmds.man" || fail "portier(1) and portier help differ"
sed -n 's/^#\{0,1\} \{0,1\}\([a-z_]*\) =.*/\1/p' "$ROOT/portier.conf.example" | sort > "$T/keys.doc"
sed -n '/^\.SH SETTINGS/,/^\.SH/{/^\.B /{s/^\.B //;p}}' "$T/portier.conf.5" | sort > "$T/keys.man"
[ -s "$T/keys.man" ] || fail "portier.conf(5) lists no setting"
diff "$T/keys.doc" "$T/keys.man" || fail "portier.conf(5) and portier.conf.example differ"
if command -v man >/dev/null 2>&1; then
	for p in portier.1 portier.conf.5; do
		LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$T/$p" 2>"$T/man.err" >/dev/null ||
			fail "man $p"
		[ ! -s "$T/man.err" ] || { cat "$T/man.err"; fail "groff warns on $p"; }
	done
fi
echo "PASS man_check ($(wc -l < "$T/cmds.man") commands, $(wc -l < "$T/keys.man") settings)"
