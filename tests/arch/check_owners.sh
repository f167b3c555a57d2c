#!/bin/sh
# check_owners.sh — one owner per table (docs/table-owners.txt, docs/architecture.md):
# SQL only in statement files, each table written only by its owner and read only by its
# owner and listed readers, a module's statement ids used only by that module, one insert
# into person. Usage: check_owners.sh [ROOT] (default: the repository); exit 1 on a breach.
set -eu
ROOT=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$ROOT"
LIST=docs/table-owners.txt
fail=0
say() { echo "check_owners: $*" >&2; fail=1; }

[ -f "$LIST" ] || { echo "check_owners: $LIST missing" >&2; exit 1; }

# 1. SQL text lives in statement files only (the backends, store_sqlite.c and store_pg.c,
# create schema_migration and run their own lock and id queries).
others=$(grep -rlE '"(SELECT|INSERT INTO|DELETE FROM|UPDATE [a-z_]+ SET) ' src --include='*.c' |
    grep -v -E '/[a-z_]*sql[a-z_]*\.c$' | grep -v -E '^src/store/store_(sqlite|pg)\.c$' || true)
for f in $others; do say "SQL outside a statement file: $f"; done

# 2. Every table of the migrations has an owner; tables read or written follow the list.
tables=$(cat migrations/*.sql portal/migrations/*.sql |
    grep -oiE 'CREATE (VIRTUAL )?TABLE (IF NOT EXISTS )?[a-z_0-9]+' | awk '{print $NF}' |
    grep -v '_012$' | sort -u)
for t in $tables; do
	grep -qE "^$t[[:space:]]" "$LIST" || say "table $t has no owner in $LIST"
done
out=$(perl -e '
	my %own; my %rd;
	open my $l, "<", shift @ARGV or die;
	while (<$l>) { next if /^\s*(#|$)/; my ($t, $o, @r) = split;
		$own{$t} = $o; $rd{$t}{$_} = 1 for grep { $_ ne "-" } @r; }
	for my $f (@ARGV) {
		open my $h, "<", $f or die; local $/; my $s = <$h>;
		my ($m) = $f =~ m{^src/([^/]+)/};
		$s =~ s/"\s*\n\s*"//g;                     # C literals continued on the next line
		$s =~ s/"\s+[A-Z_]+\s+"/ /g;               # a macro between two literals
		for my $lit ($s =~ /"((?:[^"\\]|\\.)*)"/g) {
			while ($lit =~ /(?<!DO )(?<!FOR )\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM)\s+([a-z_][a-z_0-9]*)/gi) {
				my $t = $1;
				print "$f: unknown table $t\n" unless $own{$t};
				print "$f: $m writes $t, owned by $own{$t}\n" if $own{$t} && $own{$t} ne $m;
			}
			while ($lit =~ /\b(?:FROM|JOIN)\s+([a-z_][a-z_0-9]*)/gi) {
				my $t = $1;
				next if $t eq "json_each" || $t eq "excluded" || $t eq "STDIN";
				print "$f: unknown table $t\n" unless $own{$t};
				print "$f: $m reads $t, owned by $own{$t} (not a listed reader)\n"
				    if $own{$t} && $own{$t} ne $m && !$rd{$t}{$m};
			}
		}
	}' "$LIST" $(ls src/*/*sql*.c))
[ -z "$out" ] || { echo "$out" | sed 's/^/check_owners: /' >&2; fail=1; }

# 3. A module's statement ids are used by that module only (the store's settings, its
#    table of named values, are for every module).
for h in $(ls src/*/*sql*.h | grep -v 'sql_table.h$'); do
	m=$(echo "$h" | cut -d/ -f2)
	for id in $(grep -oE '^[[:space:]]*SQL_[A-Z0-9_]+' "$h" | tr -d ' \t' |
	    grep -v -E '_(FIRST|END)$' | grep -v '^SQL_SETTING_' | grep -v '^SQL_COLUMNS$'); do
		users=$(grep -rlw "$id" src --include='*.c' --include='*.h' | grep -v "^src/$m/" || true)
		for u in $users; do say "$id ($m) used in $u"; done
	done
done

# 4. One insert into person: one statement, executed at one place.
n=$(grep -rliE 'INSERT INTO person[ (]' src | wc -l)
[ "$n" -eq 1 ] || say "INSERT INTO person in $n files (want 1)"
n=$(grep -rlw SQL_PERSON_INSERT src --include='*.c' | grep -v -E 'sql[a-z_]*\.c$' | wc -l)
[ "$n" -eq 1 ] || say "SQL_PERSON_INSERT executed from $n files (want 1: auth/person.c)"
n=$(grep -rw SQL_PERSON_INSERT src --include='*.c' | grep -c -E 'store_(exec|insert)' || true)
[ "$n" -eq 1 ] || say "SQL_PERSON_INSERT executed at $n places (want 1)"

[ "$fail" -eq 0 ] && echo "check_owners: ok"
exit "$fail"
