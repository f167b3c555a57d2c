#!/bin/sh
# pg.sh — a throw-away PostgreSQL 15 cluster for tests: initdb into a private folder, a
# server on a Unix socket in that folder (and on 127.0.0.1 with --tcp), removed by stop.
#
#   sh tests/lib/pg.sh start [--tcp|--tls] [DIR]   prints a libpq connection string
#   sh tests/lib/pg.sh stop DIR                    stops the server and removes DIR
#   sh tests/lib/pg.sh halt DIR | resume DIR       stops the server (a database gone under
#                                                  running nodes), starts it again (socket only)
#
# DIR (made with mktemp when not given: /tmp/portier-pg-XXXXXX) becomes the server's; its
# socket is DIR/.s.PGSQL.PORT, so the connection string's host is DIR. The superuser is
# "portier" with trust authentication on the socket only (nobody else can enter the 0700
# folder); over TCP (127.0.0.1 only) a password is required, and none is set.
# --tls: TCP on 127.0.0.1 with TLS 1.3 only, a certificate for localhost from a CA made
# here (DIR/ca.crt), a random password for portier kept in DIR/pgpass (0600); the string
# printed verifies the server (sslmode=verify-full) and names the password file, never
# the password. The socket stays open (trust) for the harness itself.
# PostgreSQL refuses to run as root: as root the server runs as $PG_USER, else "postgres"
# when that user exists, else "nobody". Exit 77 when the PostgreSQL binaries are absent
# (PG_BIN, else Debian's /usr/lib/postgresql/15/bin), so that a test can skip.
set -eu

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

usage() {
	echo "usage: pg.sh start [--tcp] [DIR] | pg.sh stop DIR" >&2
	exit 2
}

# Runs a PostgreSQL program as the server's user.
as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u "$owner" -- "$@"
	else
		"$@"
	fi
}

pick_owner() {
	owner=$(id -un)
	if [ "$(id -u)" = 0 ]; then
		if [ -n "${PG_USER:-}" ]; then
			owner=$PG_USER
		elif id postgres >/dev/null 2>&1; then
			owner=postgres
		else
			owner=nobody
		fi
	fi
}

start() {
	tcp=0
	tls=0
	case "${1:-}" in
	--tcp)
		tcp=1
		shift
		;;
	--tls)
		tcp=1
		tls=1
		shift
		;;
	esac
	for p in initdb pg_ctl postgres; do
		if [ ! -x "$PG_BIN/$p" ]; then
			echo "pg.sh: $PG_BIN/$p absent (apt-get install postgresql-15)" >&2
			exit 77
		fi
	done
	dir=${1:-}
	if [ -z "$dir" ]; then
		dir=$(mktemp -d /tmp/portier-pg-XXXXXX)
	fi
	mkdir -p "$dir"
	chmod 700 "$dir"
	pick_owner
	if [ "$(id -u)" = 0 ]; then
		chown "$owner" "$dir"
	fi
	if ! as_owner "$PG_BIN/initdb" -D "$dir/data" -N -U portier --auth-local=trust \
	    --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
		echo "pg.sh: initdb failed, see $dir/initdb.log" >&2
		cat "$dir/initdb.log" >&2
		exit 1
	fi
	# A test server (initdb -N above: no fsync of its files either): durability off (the
	# cluster is thrown away), small memory, room for the pools of several nodes,
	# deadlocks found in 100 ms rather than 1 s.
	cat >>"$dir/data/postgresql.conf" <<EOF
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 32MB
max_connections = 100
deadlock_timeout = 100ms
logging_collector = off
EOF
	if [ "$tls" = 1 ]; then
		tls_setup
	fi
	tries=0
	while :; do
		if [ "$tcp" = 1 ]; then
			# A port in the dynamic range; pg_ctl fails when it is taken, then another.
			port=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000 ))
			listen=127.0.0.1
		else
			port=5432
			listen=
		fi
		if as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		    -o "-c listen_addresses='$listen' -p $port" start >/dev/null 2>&1; then
			break
		fi
		tries=$((tries + 1))
		if [ "$tcp" = 0 ] || [ "$tries" -ge 10 ]; then
			echo "pg.sh: the server did not start, see $dir/server.log" >&2
			tail -n 20 "$dir/server.log" >&2 || true
			exit 1
		fi
	done
	as_owner "$PG_BIN/psql" -h "$dir" -p "$port" -U portier -d postgres -qAt \
	    -c "CREATE DATABASE portier" >/dev/null
	if [ "$tls" = 0 ]; then
		echo "host=$dir port=$port dbname=portier user=portier"
		return
	fi
	# The password reaches psql on its standard input, not on a command line.
	pass=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
	echo "ALTER ROLE portier PASSWORD '$pass'" |
	    as_owner "$PG_BIN/psql" -h "$dir" -p "$port" -U portier -d postgres -qAt -f - >/dev/null
	(umask 077 && echo "localhost:$port:*:portier:$pass" >"$dir/pgpass")
	echo "host=localhost hostaddr=127.0.0.1 port=$port dbname=portier user=portier" \
	    "sslmode=verify-full sslrootcert=$dir/ca.crt passfile=$dir/pgpass"
}

# A CA of its own and a certificate for localhost and 127.0.0.1 signed by it (P-256, two
# days); TLS 1.3 only; over TCP only TLS connections of portier with its password.
tls_setup() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	    -subj "/CN=portier test CA" -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -subj "/CN=localhost" -keyout "$dir/data/server.key" -out "$dir/server.csr" \
	    2>/dev/null
	echo "subjectAltName=DNS:localhost,IP:127.0.0.1" >"$dir/san.ext"
	openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
	    -set_serial 1 -days 2 -extfile "$dir/san.ext" -out "$dir/data/server.crt" 2>/dev/null
	rm -f "$dir/ca.key" "$dir/server.csr" "$dir/san.ext"
	chmod 600 "$dir/data/server.key"
	if [ "$(id -u)" = 0 ]; then
		chown "$owner" "$dir/data/server.key" "$dir/data/server.crt"
	fi
	cat >>"$dir/data/postgresql.conf" <<EOF
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
ssl_min_protocol_version = 'TLSv1.3'
EOF
	cat >"$dir/data/pg_hba.conf" <<EOF
local all all trust
hostssl all portier 127.0.0.1/32 scram-sha-256
EOF
}

stop() {
	dir=${1:-}
	[ -n "$dir" ] || usage
	case "$dir" in
	/tmp/*) ;;
	*)
		echo "pg.sh: refusing to remove $dir (not under /tmp)" >&2
		exit 2
		;;
	esac
	pick_owner
	if [ -f "$dir/data/postmaster.pid" ]; then
		as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
}

# A fast stop, keeping DIR: the clients' connections are cut, new ones refused.
halt() {
	[ -n "${1:-}" ] || usage
	pick_owner
	as_owner "$PG_BIN/pg_ctl" -D "$1/data" -m fast -w stop >/dev/null
}

# Starts a halted socket-only cluster again, where start put it.
resume() {
	[ -n "${1:-}" ] || usage
	pick_owner
	as_owner "$PG_BIN/pg_ctl" -D "$1/data" -l "$1/server.log" -w -t 60 \
	    -o "-c listen_addresses='' -p 5432" start >/dev/null
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
start) start "$@" ;;
stop) stop "$@" ;;
halt) halt "$@" ;;
resume) resume "$@" ;;
*) usage ;;
esac
