#!/bin/sh
# deps.sh — installs the Debian packages portier needs to build, test and benchmark.
# As root it runs apt-get; otherwise it prints the exact command and stops.
set -eu
PKGS="build-essential pkg-config gettext sqlite3 libsqlite3-dev libmicrohttpd-dev libsodium-dev
libjansson-dev libssl-dev libgnutls28-dev libcurl4-openssl-dev libcmocka-dev liboath-dev libqrencode-dev
libcsv-dev libhpdf-dev libzip-dev libargon2-dev time nodejs npm chromium wrk nginx-light clang
fonts-dejavu-core poppler-utils libclang-rt-14-dev postgresql-15 libpq-dev openssl libseccomp-dev strace
haproxy libcbor-dev liblasso3-dev zlib1g-dev xmlsec1 apache2 libapache2-mod-auth-mellon python3-pysaml2"
missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
# nodejs may come from elsewhere than Debian (a newer build already on PATH): accept it.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
	missing=$(echo "$missing" | tr ' ' '\n' | grep -vx -e nodejs -e npm | tr '\n' ' ')
fi
missing=$(echo "$missing" | xargs)
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "deps: installing $missing"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
	echo "deps: missing Debian packages. Run as root:" >&2
	echo "  apt-get install -y $missing" >&2
	exit 1
fi
