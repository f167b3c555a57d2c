#!/bin/sh
# check_times.sh — times come from the service's clock, not the database's
# (docs/store-contract.md, rule 3): no SQL_NOW, strftime/date('now'), now(), CURRENT_TIMESTAMP
# in the statement texts; every insert into a table whose time column has a DEFAULT of the
# database's clock (SQLite keeps those DEFAULTs, see migrations/018) names that column; and
# every such DEFAULT of the PostgreSQL schema is dropped by a later migration.
# Usage: check_times.sh [ROOT] (default: the repository); exit 1 on a breach.
set -eu
ROOT=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$ROOT"

# SQL text lives in the statement files and the two backends (check_owners.sh, rule 1).
files=$(find src -name '*.c' | grep -E '/[a-z_]*sql[a-z_]*\.c$|^src/store/store_(sqlite|pg)\.c$' |
    sort)
perl - $files <<'PERL'
	my $fail = 0;
	sub say { print STDERR "check_times: @_\n"; $fail = 1; }
	sub slurp { local $/; open my $f, "<", $_[0] or die "$_[0]: $!"; my $s = <$f>; $s }

	# Time columns with a DEFAULT of the database clock, per schema.
	sub defaults {
		my ($glob) = @_;
		my (%d, %dropped);
		for my $m (sort glob $glob) {
			my $s = slurp($m);
			$s =~ s/--[^\n]*//g;
			my $t = "";
			for my $line (split /\n/, $s) {
				$t = $1 if $line =~ /CREATE TABLE\s+(?:IF NOT EXISTS\s+)?(\w+)/i;
				$d{"$t.$1"} = $m if $line =~ /^\s*(\w+)\s.*DEFAULT\s*\(?\s*(strftime|to_char\(now|now\(|current_)/i;
			}
			while ($s =~ /ALTER TABLE\s+(\w+)\s+ALTER COLUMN\s+(\w+)\s+DROP DEFAULT/gi) {
				$dropped{"$1.$2"} = 1;
			}
		}
		return (\%d, \%dropped);
	}
	my ($lite) = defaults("migrations/*.sql");
	my ($pg, $pgdrop) = defaults("migrations/pg/*.sql");
	for my $c (sort keys %$pg) {
		say "$pg->{$c}: DEFAULT of $c (the database clock) not dropped by a later migration"
		    unless $pgdrop->{$c};
	}
	my %cols;
	for my $c (keys %$lite) { my ($t, $col) = split /\./, $c; push @{$cols{$t}}, $col; }

	for my $file (@ARGV) {
		my $s = slurp($file);
		# The literals, with comments left out.
		$s =~ s{/\*.*?\*/}{}gs;
		$s =~ s{//[^\n]*}{}g;
		for my $bad (q{SQL_NOW}) {
			say "$file: $bad (take the time from C: clock_text)" if $s =~ /\b$bad\b/;
		}
		my $text = "";
		while ($s =~ /"((?:[^"\\\n]|\\.)*)"/g) { $text .= $1; }
		say "$file: the database clock in a statement ($1)"
		    if $text =~ /('now'|\bnow\s*\(\s*\)|\bcurrent_(?:timestamp|date|time)\b|\b(?:localtimestamp|clock_timestamp|statement_timestamp|transaction_timestamp)\b)/i;
		# Each insert: its column list must name the table's time columns.
		while ($text =~ /INSERT INTO\s+(\w+)\s*\(([^)]*)\)/gi) {
			my ($t, $list) = ($1, $2);
			for my $col (@{$cols{$t} || []}) {
				say "$file: INSERT INTO $t without $col (its DEFAULT is the database clock)"
				    unless $list =~ /\b$col\b/;
			}
		}
	}
	print "check_times: ok\n" unless $fail;
	exit $fail;
PERL
