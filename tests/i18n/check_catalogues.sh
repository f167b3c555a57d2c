#!/bin/sh
# check_catalogues.sh — fails when po/fr.po, nl.po, de.po or en.po lacks a translation (missing,
# empty or fuzzy) of a string used in src/ (_(), N_(), T_(lang, …)) or templates/ ({{_ "…"}}).
#
# Usage, from the repository root:
#   sh tests/i18n/check_catalogues.sh               check; writes build/portier.pot
#   sh tests/i18n/check_catalogues.sh --self-test   prove the check fails on broken catalogues
# Options for the self-test and for debugging: --root DIR, --po-dir DIR, --pot FILE.
# Exit status: 0 complete, 1 a catalogue is incomplete or broken, 2 usage or missing tools.

set -eu

LANGS="fr nl de en"
ROOT=.
PO_DIR=po
POT=build/portier.pot
SELF_TEST=0

die() {
	echo "i18n: $*" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--self-test) SELF_TEST=1 ;;
	--root) [ $# -ge 2 ] || die "--root needs a directory"; ROOT=$2; shift ;;
	--po-dir) [ $# -ge 2 ] || die "--po-dir needs a directory"; PO_DIR=$2; shift ;;
	--pot) [ $# -ge 2 ] || die "--pot needs a file"; POT=$2; shift ;;
	-h|--help) sed -n '2,9p' "$0"; exit 0 ;;
	*) die "unknown argument '$1' (try --help)" ;;
	esac
	shift
done

for tool in xgettext msgcat msguniq msgattrib msgcmp msgfmt msggrep; do
	command -v "$tool" >/dev/null 2>&1 ||
	    die "gettext tool '$tool' not found (apt-get install gettext)"
done

# The script's own path, before any cd, for the self-test to call it again.
SELF=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)/$(basename -- "$0")

cd "$ROOT" || die "cannot enter $ROOT"
[ -d src ] || die "no src/ here: run from the repository root (or give --root)"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/i18n-check.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' HUP INT TERM

# ---------------------------------------------------------------------------
# PO reader shared by the awk programs below. Input must come from a gettext
# tool (msgcat, msgattrib), so that strings are escaped the same way everywhere;
# strings are kept escaped, as they appear between the quotes.
# For each entry, entry() is called with: key (msgctxt EOT msgid, or msgid), id,
# id_plural, number of msgstr forms in S[1..n], flags ("fuzzy, c-format"), refs.
# ---------------------------------------------------------------------------
# shellcheck disable=SC2016
PO_AWK='
function unq(s) {
	sub(/^[^"]*"/, "", s)
	sub(/"[ \t]*$/, "", s)
	return s
}
function reset() {
	have_id = 0; cur = ""; ctxt_set = 0; ctxt = ""; id = ""; idp = ""
	nstr = 0; flags = ""; refs = ""
}
function flush() {
	if (have_id)
		entry(ctxt_set ? ctxt "\004" id : id, id, idp, nstr, flags, refs)
	reset()
}
FNR == 1 { flush(); fileno++ }
/^#~/ { next }
/^#/ && cur == "str" { flush() }
/^#,/ { flags = flags (flags == "" ? "" : ", ") substr($0, 4); next }
/^#:/ { refs = refs (refs == "" ? "" : " ") substr($0, 4); next }
/^#/ { next }
/^msgctxt[ \t]/ { if (cur == "str") flush(); cur = "ctxt"; ctxt_set = 1; ctxt = unq($0); next }
/^msgid[ \t]/ { if (cur == "str") flush(); cur = "id"; have_id = 1; id = unq($0); next }
/^msgid_plural[ \t]/ { cur = "idp"; idp = unq($0); next }
/^msgstr[ \t]/ { cur = "str"; nstr = 1; S[1] = unq($0); next }
/^msgstr\[/ { cur = "str"; nstr++; S[nstr] = unq($0); next }
/^[ \t]*"/ {
	if (cur == "ctxt") ctxt = ctxt unq($0)
	else if (cur == "id") id = id unq($0)
	else if (cur == "idp") idp = idp unq($0)
	else if (cur == "str") S[nstr] = S[nstr] unq($0)
	next
}
/^[ \t]*$/ { flush(); next }
END { flush() }
'

# ---------------------------------------------------------------------------
# Extraction: C sources and templates into one template catalogue.
# ---------------------------------------------------------------------------

# Marker strings in C: _("…"), N_("…") and T_(lang, "…").
find src -type f \( -name '*.c' -o -name '*.h' \) | LC_ALL=C sort >"$TMP/csrc"
if [ -s "$TMP/csrc" ]; then
	xgettext --from-code=UTF-8 --language=C -k_ -kN_ -kT_:2 --force-po \
	    --files-from="$TMP/csrc" -o "$TMP/c.pot" ||
	    { echo "i18n: xgettext failed on src/" >&2; exit 1; }
	# An all-ASCII extraction is labelled charset=CHARSET; the sources are UTF-8.
	sed 's/charset=CHARSET/charset=UTF-8/' "$TMP/c.pot" >"$TMP/c-utf8.pot"
fi

# {{_ "Texte"}} and {{_ "Bonjour {1}" name}} in templates, read as src/web/tmpl.c reads them:
# whitespace inside the tag is free, the text is on one line, its escapes are \" and \\.
# shellcheck disable=SC2016
TMPL_AWK='
function po_esc(c) {
	if (c == "\\") return "\\\\"
	if (c == "\"") return "\\\""
	if (c == "\n") return "\\n"
	if (c == "\t") return "\\t"
	if (c == "\r") return "\\r"
	return c
}
function ws(c) { return c == " " || c == "\t" || c == "\n" || c == "\r" }
function scan(file, text,    n, i, j, line, l, c, s, ok) {
	n = length(text); i = 1; line = 1
	while (i <= n) {
		c = substr(text, i, 1)
		if (c == "\n") { line++; i++; continue }
		if (c != "{" || substr(text, i, 2) != "{{") { i++; continue }
		j = i + 2; l = line
		while (j <= n && ws(substr(text, j, 1))) { if (substr(text, j, 1) == "\n") l++; j++ }
		if (substr(text, j, 1) != "_") { i += 2; continue }
		j++
		c = substr(text, j, 1)
		if (c != "\"" && !ws(c)) { i += 2; continue }	# {{_name}}: a variable
		while (j <= n && ws(substr(text, j, 1))) { if (substr(text, j, 1) == "\n") l++; j++ }
		if (substr(text, j, 1) != "\"") {
			printf "i18n: %s:%d: {{_ must be followed by a quoted French text\n", file, line > "/dev/stderr"
			bad = 1; i = j; line = l; continue
		}
		tagline = l; j++; s = ""; ok = 0
		while (j <= n) {
			c = substr(text, j, 1)
			if (c == "\\") {
				c = substr(text, j + 1, 1)
				if (c != "\"" && c != "\\") { ok = -1; break }
				s = s po_esc(c); j += 2; continue
			}
			if (c == "\"") { ok = 1; j++; break }
			if (c == "\n") break
			s = s po_esc(c); j++
		}
		if (ok == -1) {
			printf "i18n: %s:%d: bad escape in {{_ text (only \\\" and \\\\)\n", file, tagline > "/dev/stderr"
			bad = 1; i = j + 1; line = l; continue
		}
		if (!ok) {
			printf "i18n: %s:%d: unterminated string in {{_ tag\n", file, tagline > "/dev/stderr"
			bad = 1; i = j; line = l; continue
		}
		if (s == "") {
			printf "i18n: %s:%d: empty text in {{_ tag\n", file, tagline > "/dev/stderr"
			bad = 1
		} else
			printf "#: %s:%d\nmsgid \"%s\"\nmsgstr \"\"\n\n", file, tagline, s
		i = j; line = l
	}
}
FNR == 1 && NR > 1 { scan(prev, text); text = "" }
{ text = text $0 "\n"; prev = FILENAME }
END { if (NR > 0) scan(prev, text); exit bad }
'
{
	printf 'msgid ""\nmsgstr ""\n'
	printf '"Project-Id-Version: portier\\n"\n'
	printf '"MIME-Version: 1.0\\n"\n'
	printf '"Content-Type: text/plain; charset=UTF-8\\n"\n'
	printf '"Content-Transfer-Encoding: 8bit\\n"\n\n'
} >"$TMP/header.pot"
: >"$TMP/t.pot"
# Every surface's templates: portier's and the agency portal's.
tdirs=""
for d in templates portal/templates; do
	[ -d "$d" ] && tdirs="$tdirs $d"
done
if [ -n "$tdirs" ]; then
	# shellcheck disable=SC2086
	find $tdirs -type f -name '*.html' | LC_ALL=C sort >"$TMP/tsrc"
	if [ -s "$TMP/tsrc" ]; then
		# File names go through awk as arguments; refuse ones awk would misread.
		if grep -q '[=[:space:]]' "$TMP/tsrc"; then
			echo "i18n: template file names with spaces or '=' are not supported" >&2
			exit 1
		fi
		# shellcheck disable=SC2046
		awk "$TMPL_AWK" $(cat "$TMP/tsrc") >"$TMP/t.pot" ||
		    { echo "i18n: templates/ have malformed {{_ tags" >&2; exit 1; }
	fi
fi
cat "$TMP/header.pot" "$TMP/t.pot" >"$TMP/t-dup.pot"
# The same text used twice in templates becomes one entry with both locations.
msguniq --force-po -o "$TMP/t-full.pot" "$TMP/t-dup.pot" ||
    { echo "i18n: msguniq could not merge the template strings" >&2; exit 1; }

set -- "$TMP/header.pot" "$TMP/t-full.pot"
if [ -f "$TMP/c-utf8.pot" ]; then
	set -- "$@" "$TMP/c-utf8.pot"
fi
mkdir -p "$(dirname "$POT")"
msgcat --use-first --force-po --sort-output -o "$POT" "$@" ||
    { echo "i18n: msgcat could not merge the extracted strings" >&2; exit 1; }

# Canonical copy of the template catalogue, read by the reports.
msgcat --force-po -o "$TMP/ref.pot" "$POT"
N=$(awk "$PO_AWK"'
function entry(key, id, idp, nstr, flags, refs) { if (key != "") count++ }
END { print count + 0 }' "$TMP/ref.pot")

# ---------------------------------------------------------------------------
# Checks, catalogue by catalogue.
# ---------------------------------------------------------------------------
# shellcheck disable=SC2016
REPORT_AWK='
# Files, in this order: the template catalogue, the catalogue without obsolete entries,
# its untranslated entries, its fuzzy entries.
function placeholders(s,    d, r) {
	r = ""
	for (d = 0; d <= 9; d++)
		if (index(s, "{" d "}")) r = r "{" d "}"
	return r
}
function entry(key, id, idp, nstr, flags, refs,    k, ids, ph) {
	if (fileno == 1) {
		if (key == "") return
		used[key] = 1; nused++; order[nused] = key
		split(refs, r, " "); where[key] = r[1]
		return
	}
	if (fileno == 2) {
		if (key == "") { header = S[1]; return }
		present[key] = 1
		if (!(key in used)) unused++
		if (nstr == 0 || flags ~ /(^|, )fuzzy(,|$)/) return
		ids = placeholders(id idp)
		ph = ""
		for (k = 1; k <= nstr; k++) {
			if (S[k] == "") return
			ph = ph placeholders(S[k])
		}
		# Each form uses only placeholders of the msgid, and together they use all.
		for (k = 1; k <= nstr; k++)
			if (!subset(placeholders(S[k]), ids)) { badph(key, ids, S[k]); return }
		if (!subset(ids, ph)) badph(key, ids, ph)
		return
	}
	if (key == "") return
	if (fileno == 3) untr[key] = 1
	if (fileno == 4) fuzzy[key] = 1
}
function subset(a, b,    d) {
	for (d = 0; d <= 9; d++)
		if (index(a, "{" d "}") && !index(b, "{" d "}")) return 0
	return 1
}
function badph(key, ids, got) {
	printf "i18n: %s: placeholders of \"%s\" do not match: msgid has %s, translation has %s\n",
	    po, shown(key), ids == "" ? "none" : ids, placeholders(got) == "" ? "none" : placeholders(got)
	problems++
}
function shown(key) { gsub(/\004/, " | ", key); return key }
function at(key) { return where[key] == "" ? "" : " (used at " where[key] ")" }
END {
	if (index(header, "Language: " lang "\\n") == 0) {
		printf "i18n: %s: header has no \"Language: %s\"\n", po, lang
		problems++
	}
	if (index(header, "charset=UTF-8") == 0) {
		printf "i18n: %s: header does not declare charset=UTF-8\n", po
		problems++
	}
	for (i = 1; i <= nused; i++) {
		key = order[i]
		if (!(key in present))
			printf "i18n: %s: missing translation of \"%s\"%s\n", po, shown(key), at(key)
		else if (key in fuzzy)
			printf "i18n: %s: fuzzy translation of \"%s\"%s\n", po, shown(key), at(key)
		else if (key in untr)
			printf "i18n: %s: empty translation of \"%s\"%s\n", po, shown(key), at(key)
		else
			continue
		problems++
	}
	if (unused > 0 && note)
		printf "i18n: note: %s has %d entries not used by src/ or templates/\n", po, unused > "/dev/stderr"
	exit (problems > 0)
}
'

# Checks every catalogue against $TMP/ref.pot; exits.
check_all() {
	FAILED=0
	for lang in $LANGS; do
		po=$PO_DIR/$lang.po
		if [ ! -f "$po" ]; then
			echo "i18n: $po: catalogue missing"
			FAILED=1
			continue
		fi
		if ! msgfmt --check -o /dev/null "$po" 2>"$TMP/err"; then
			echo "i18n: $po: msgfmt --check refuses it:"
			sed 's/^/    /' "$TMP/err"
			FAILED=1
			continue
		fi
		msgattrib --force-po --no-obsolete -o "$TMP/present.po" "$po"
		msgattrib --force-po --no-obsolete --untranslated -o "$TMP/untr.po" "$po"
		msgattrib --force-po --no-obsolete --only-fuzzy -o "$TMP/fuzzy.po" "$po"
		note=0
		if [ "$lang" = fr ]; then
			note=1
		fi
		if ! awk -v po="$po" -v lang="$lang" -v note="$note" "$PO_AWK$REPORT_AWK" \
		    "$TMP/ref.pot" "$TMP/present.po" "$TMP/untr.po" "$TMP/fuzzy.po"; then
			FAILED=1
			continue
		fi
		# Second opinion from gettext itself: every used msgid translated, not fuzzy.
		if ! msgcmp "$po" "$TMP/ref.pot" >/dev/null 2>"$TMP/err"; then
			echo "i18n: $po: msgcmp disagrees with this script:"
			grep -v 'warning: this message is not used' "$TMP/err" | sed 's/^/    /'
			FAILED=1
		fi
	done

	if [ "$FAILED" -ne 0 ]; then
		echo "i18n: FAILED: catalogues incomplete ($N strings used; template catalogue in $POT)"
		exit 1
	fi
	echo "i18n: $N strings, 4 catalogues complete"
	exit 0
}

[ "$SELF_TEST" -eq 1 ] || check_all

# ---------------------------------------------------------------------------
# Self-test: the check above must fail on broken catalogues, and say where. It does not
# need the real catalogues to be complete (the plain run says whether they are).
# ---------------------------------------------------------------------------
ST_FAIL=0
ST_N=0

# expect STATUS GREP-TEXT NAME -- ARGS…: runs the checker and checks its status and output.
expect() {
	want=$1 text=$2 name=$3
	shift 4
	if [ "$want" -ne 0 ]; then
		ST_N=$((ST_N + 1))
	fi
	set +e
	sh "$SELF" "$@" >"$TMP/st.out" 2>&1
	got=$?
	set -e
	if [ "$got" -ne "$want" ]; then
		echo "i18n: self-test '$name': exit $got, want $want; output:"
		sed 's/^/    /' "$TMP/st.out"
		ST_FAIL=1
	elif ! grep -qF -- "$text" "$TMP/st.out"; then
		echo "i18n: self-test '$name': output lacks '$text'; output:"
		sed 's/^/    /' "$TMP/st.out"
		ST_FAIL=1
	fi
}

# A small tree exercising every extraction path.
FX=$TMP/fixture
mkdir -p "$FX/src/x" "$FX/templates/partials" "$FX/po"
cat >"$FX/src/x/a.c" <<'EOF'
/* fixture */
static const char *const reasons[] = { N_("Texte C marqué"), NULL };
const char *f(const char *lang) { return T_(lang, "Deuxième argument"); }
const char *g(void) { return _("Fonction " "concaténée"); }
const char *h(void) { return T_("pas ceci", "Ni ceci non plus") ? "Ceci n'est pas extrait" : 0; }
EOF
cat >"$FX/templates/page.html" <<'EOF'
<p>{{_ "Bonjour {1}" name}}</p><p>{{ _ "Il a dit \"oui\"" }}</p>
{{_name}} {{#if x}}{{/if}}
<p>{{_
   "Sur deux lignes"}}</p>
EOF
cat >"$FX/templates/partials/foot.html" <<'EOF'
<footer>{{_ "Bonjour {1}" who}}</footer>
EOF

# fixture_po LANG [OMIT-MSGID [REPLACEMENT-ENTRY]]: writes po/LANG.po with every fixture
# string translated; OMIT-MSGID (escaped) is left out and REPLACEMENT-ENTRY added instead.
fixture_po() {
	fl=$1 omit=${2:-} repl=${3:-}
	plural='(n != 1)'
	if [ "$fl" = fr ]; then
		plural='(n > 1)'
	fi
	{
		printf 'msgid ""\nmsgstr ""\n'
		printf '"Language: %s\\n"\n' "$fl"
		printf '"MIME-Version: 1.0\\n"\n'
		printf '"Content-Type: text/plain; charset=UTF-8\\n"\n'
		printf '"Content-Transfer-Encoding: 8bit\\n"\n'
		printf '"Plural-Forms: nplurals=2; plural=%s;\\n"\n\n' "$plural"
		for pair in \
		    'Texte C marqué|Texte C' \
		    'Deuxième argument|second' \
		    'Fonction concaténée|concat' \
		    'Ni ceci non plus|ni' \
		    'Bonjour {1}|{1}' \
		    'Il a dit \"oui\"|\"oui\"' \
		    'Sur deux lignes|deux' \
		    'Pas utilisé|inutile'; do
			id=${pair%%|*}
			if [ "$id" = "$omit" ]; then
				continue
			fi
			printf 'msgid "%s"\nmsgstr "%s: %s"\n\n' "$id" "$fl" "${pair#*|}"
		done
		if [ -n "$repl" ]; then
			printf '%s\n' "$repl"
		fi
	} >"$FX/po/$fl.po"
}
fixture_reset() {
	for l in $LANGS; do
		fixture_po "$l"
	done
}

fixture_reset
expect 0 "i18n: 7 strings, 4 catalogues complete" "fixture complete" -- --root "$FX"

fixture_po nl 'Bonjour {1}'
expect 1 'nl.po: missing translation of "Bonjour {1}" (used at templates/page.html:1)' \
    "missing entry" -- --root "$FX"
fixture_reset

fixture_po de 'Texte C marqué' "$(printf 'msgid "Texte C marqué"\nmsgstr ""\n')"
expect 1 'de.po: empty translation of "Texte C marqué" (used at src/x/a.c:2)' \
    "empty msgstr" -- --root "$FX"
fixture_reset

fixture_po en 'Deuxième argument' "$(printf '#, fuzzy\nmsgid "Deuxième argument"\nmsgstr "second"\n')"
expect 1 'en.po: fuzzy translation of "Deuxième argument"' "fuzzy entry" -- --root "$FX"
fixture_reset

fixture_po fr 'Il a dit \"oui\"'
expect 1 'fr.po: missing translation of "Il a dit \"oui\""' "escaped quote in template" \
    -- --root "$FX"
fixture_reset

fixture_po nl 'Sur deux lignes'
expect 1 'nl.po: missing translation of "Sur deux lignes" (used at templates/page.html:4)' \
    "tag over two lines" -- --root "$FX"
fixture_reset

fixture_po de 'Fonction concaténée'
expect 1 'de.po: missing translation of "Fonction concaténée"' "_() with concatenation" \
    -- --root "$FX"
fixture_reset

fixture_po nl 'Bonjour {1}' "$(printf 'msgid "Bonjour {1}"\nmsgstr "Hallo"\n')"
expect 1 'nl.po: placeholders of "Bonjour {1}" do not match' "placeholder dropped" \
    -- --root "$FX"
fixture_reset

fixture_po en 'Bonjour {1}' "$(printf 'msgid "Bonjour {1}"\nmsgstr "Hello {1} {2}"\n')"
expect 1 'en.po: placeholders of "Bonjour {1}" do not match' "placeholder added" \
    -- --root "$FX"
fixture_reset

fixture_po de '' "$(printf 'msgid "Kaputt\n')"
expect 1 'de.po: msgfmt --check refuses it' "syntax error" -- --root "$FX"
fixture_reset

sed 's/"Language: nl\\n"/"Language: de\\n"/' "$FX/po/nl.po" >"$TMP/nl.po"
mv "$TMP/nl.po" "$FX/po/nl.po"
expect 1 'nl.po: header has no "Language: nl"' "wrong Language header" -- --root "$FX"
fixture_reset

rm "$FX/po/en.po"
expect 1 'en.po: catalogue missing' "catalogue missing" -- --root "$FX"
fixture_reset

printf '<p>{{_ "Jamais fermé}}</p>\n' >"$FX/templates/broken.html"
expect 1 'unterminated string' "unterminated template string" -- --root "$FX"
rm "$FX/templates/broken.html"

printf '<p>{{_ "Ligne\\nsuivante"}}</p>\n' >"$FX/templates/broken.html"
expect 1 'broken.html:1: bad escape' "bad escape in template string" -- --root "$FX"
rm "$FX/templates/broken.html"

# The real catalogues: drop from a copy of nl.po one used msgid that it translates.
id=
if [ -f "$PO_DIR/nl.po" ]; then
	msgattrib --force-po --no-obsolete --translated --no-fuzzy -o "$TMP/nl-ok.po" "$PO_DIR/nl.po"
	id=$(awk "$PO_AWK"'
function entry(key, id, idp, nstr, flags, refs) {
	if (key == "" || index(key, "\\") || index(key, "\004"))
		return
	if (fileno == 1)
		used[key] = 1
	else if ((key in used) && found == "")
		found = key
}
END { print found }' "$TMP/ref.pot" "$TMP/nl-ok.po")
fi
if [ -n "$id" ]; then
	mkdir -p "$TMP/po"
	cp "$PO_DIR"/*.po "$TMP/po/"
	msggrep -v -K -F -e "$id" -o "$TMP/po/nl.po" "$PO_DIR/nl.po"
	expect 1 "nl.po: missing translation of \"$id\"" "real nl.po without \"$id\"" \
	    -- --po-dir "$TMP/po" --pot "$TMP/real.pot"
	real="and on $PO_DIR/nl.po without \"$id\""
else
	real="(nl.po translates no used string yet: real catalogue not mutated)"
fi

if [ "$ST_FAIL" -ne 0 ]; then
	echo "i18n: self-test FAILED: the catalogue check can miss a broken catalogue"
	exit 1
fi
echo "i18n: self-test passed: the check fails on $ST_N broken fixtures $real"
