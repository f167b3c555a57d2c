#!/bin/sh
# check_columns.sh — rows are read by named columns (docs/store-contract.md, rule 9): outside
# src/store/, no column of a store_q is given as a number. Refused: a numeric literal (or a
# sum with one) as the column of store_text/store_int/store_blob/store_null, or as the second
# argument after a variable the file declares as a struct store_q *, in any call (a
# module's own helpers, such as dup_col(q, 3) or col(a, q, 3)). Columns are the
# constants of the statement's list (SQL_COLUMNS in its sql header).
# Usage: check_columns.sh [ROOT] (default: the repository); exit 1 on a breach.
set -eu
ROOT=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$ROOT"

files=$(find src -name '*.c' ! -path 'src/store/*' | sort)
out=$(perl -e '
	my $bad = 0;
	for my $f (@ARGV) {
		open my $h, "<", $f or die "$f: $!";
		my @lines = <$h>;
		my $s = join("", @lines);
		# The names of the store_q pointers of this file (variables and parameters).
		my %q = map { $_ => 1 } ($s =~ /struct\s+store_q\s*\*\s*(\w+)/g);
		my $qs = join("|", map { quotemeta } sort keys %q);
		my $n = 0;
		for my $line (@lines) {
			$n++;
			my $lit = qr/\s*(?:\(\s*int\s*\)\s*)?\d[^,)]*|[^,()]*[-+]\s*\d[^,)]*/;
			if ($line =~ /\bstore_(?:text|int|blob|null)\s*\(\s*[^,()]+,($lit)[,)]/) {
				print "$f:$n: column given as a number:$1\n"; $bad = 1; next;
			}
			if ($qs ne "" && $line =~ /\b(\w+)\s*\((?:[^(),]*,)*\s*(?:$qs)\s*,($lit)[,)]/ &&
			    $1 !~ /^mem(set|cpy|move)$/) {
				print "$f:$n: column given as a number:$2\n"; $bad = 1;
			}
		}
	}
	exit $bad;
' $files) || true
if [ -n "$out" ]; then
	echo "$out" | sed 's/^/check_columns: /' >&2
	echo "check_columns: read columns by the constants of the statement's list (rule 9)" >&2
	exit 1
fi
echo "check_columns: ok"
