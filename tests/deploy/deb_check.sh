#!/bin/sh
# deb_check.sh — builds the Debian package (make deb), checks it with lintian, installs it
# with dpkg -i, starts the service, checks its probes and pages, then purges it and checks
# that only what Debian keeps is left (the system user). Root only: it installs on this host.
# Exit 0 passed, 1 failed, 77 skipped.
#
# systemd as PID 1: `systemctl start portier`. Without it (a container, CI) the unit's
# ExecStart is run as the unit would: as the packaged user portier, in its WorkingDirectory,
# with its Environment= (PORTIER_CONFIG=/etc/portier/portier.conf), on a free loopback port
# (PORTIER_LISTEN) so that no other server on 8080 is disturbed. The sandbox is not exercised.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-build}
DEB="$ROOT/$O/deb/portier_0.1.0_amd64.deb"
UNIT=/lib/systemd/system/portier.service

[ "$(id -u)" = 0 ] || { echo "skip: deb_check installs a package: run as root"; exit 77; }
for c in dpkg-buildpackage dh lintian curl; do
	command -v "$c" >/dev/null 2>&1 || { echo "deb_check: $c missing (scripts/deps.sh)"; exit 1; }
done
if dpkg-query -W -f='${Status}' portier 2>/dev/null | grep -q 'ok installed'; then
	echo "deb_check: a portier package is already installed here; not touching it"; exit 1
fi
USER_BEFORE=no
getent passwd portier >/dev/null && USER_BEFORE=yes
T=$(mktemp -d /tmp/portier-deb.XXXXXX)
PID=""
INSTALLED=no
cleanup() {
	[ -z "$PID" ] || kill "$PID" 2>/dev/null || true
	if [ "$INSTALLED" = yes ]; then dpkg --purge portier >/dev/null 2>&1 || true; fi
	# The user is kept by the purge (checked below); a user this test made goes with it.
	if [ "$USER_BEFORE" = no ] && getent passwd portier >/dev/null; then
		deluser --system portier >/dev/null 2>&1 || true
	fi
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

# 1. The package, and lintian: no tag at all, informational and pedantic ones included
# (the accepted ones are overridden, each with its reason, in debian/portier.lintian-overrides).
t0=$(date +%s)
(cd "$ROOT" && make -s O="$O" deb) > "$T/build.log" 2>&1 || { tail -40 "$T/build.log"; fail "make deb"; }
t1=$(date +%s)
echo "deb_check: make deb took $((t1 - t0)) s"
[ -f "$DEB" ] || fail "no $DEB"
lintian -I --pedantic --fail-on error,warning,info,pedantic "$DEB" > "$T/lintian.out" 2>&1 ||
	{ cat "$T/lintian.out"; fail "lintian"; }
grep -v 'running with root privileges' "$T/lintian.out" | grep . && fail "lintian tags above"
echo "deb_check: lintian clean"
t1=$(date +%s)

# 2. Install.
dpkg -i "$DEB" > "$T/install.log" 2>&1 || { cat "$T/install.log"; fail "dpkg -i"; }
INSTALLED=yes
echo "deb_check: dpkg -i took $(($(date +%s) - t1)) s"
uid=$(id -u portier) || fail "no user portier"
[ "$uid" -lt 1000 ] || fail "portier is not a system user (uid $uid)"
[ "$(getent passwd portier | cut -d: -f6,7)" = /var/lib/portier:/usr/sbin/nologin ] ||
	fail "portier's home or shell: $(getent passwd portier)"
[ "$(stat -c '%U:%G %a' /var/lib/portier)" = "portier:portier 750" ] ||
	fail "/var/lib/portier: $(stat -c '%U:%G %a' /var/lib/portier)"
dpkg-query -W -f='${Conffiles}\n' portier | grep -q '^ /etc/portier/portier.conf ' ||
	fail "/etc/portier/portier.conf is not a conffile"
for f in /usr/bin/portier /usr/share/portier/templates/layout.html /usr/share/portier/static/portier.css \
    /usr/share/portier/migrations/001_foundation.sql /usr/share/portier/locale/nl.mo \
    "$UNIT" /lib/systemd/system/portier@.service /lib/systemd/system/portier-migrate.service; do
	[ -f "$f" ] || fail "$f not installed"
done
grep -q '^ExecStart=/usr/bin/portier serve$' "$UNIT" || fail "portier.service: ExecStart"
if command -v systemd-analyze >/dev/null 2>&1; then
	systemd-analyze verify "$UNIT" /lib/systemd/system/portier-migrate.service > "$T/verify.out" 2>&1 ||
		{ cat "$T/verify.out"; fail "systemd-analyze verify"; }
	[ ! -s "$T/verify.out" ] || { cat "$T/verify.out"; fail "systemd-analyze verify warns"; }
fi

# 3. The man pages against the tables they come from: portier(1) lists exactly the commands
# of `portier help`; portier.conf(5) exactly the settings portier.conf.example documents
# (a setting added to config.c without its documentation, or the reverse, fails here).
# Read from the .deb: some container images tell dpkg not to install man pages.
dpkg-deb -x "$DEB" "$T/x"
M1="$T/x/usr/share/man/man1/portier.1.gz"
M5="$T/x/usr/share/man/man5/portier.conf.5.gz"
/usr/bin/portier help | sed -n 's/^  \([a-z-]*\) .*/\1/p' > "$T/cmds.help"
zcat "$M1" | sed -n '/^\.SH COMMANDS/,/^\.SH/{/^\.B /{s/^\.B //;s/\\-/-/g;p}}' > "$T/cmds.man"
[ -s "$T/cmds.help" ] || fail "portier help lists no command"
diff "$T/cmds.help" "$T/cmds.man" || fail "portier(1) and portier help differ"
sed -n 's/^#\{0,1\} \{0,1\}\([a-z_]*\) =.*/\1/p' "$ROOT/portier.conf.example" | sort > "$T/keys.doc"
zcat "$M5" | sed -n '/^\.SH SETTINGS/,/^\.SH/{/^\.B /{s/^\.B //;p}}' |
	sort > "$T/keys.man"
[ -s "$T/keys.man" ] || fail "portier.conf(5) lists no setting"
diff "$T/keys.doc" "$T/keys.man" || fail "portier.conf(5) and portier.conf.example differ"
zcat "$M5" | grep -q 'default: /usr/share/portier\.' ||
	fail "portier.conf(5): share_dir's default is not the packaged /usr/share/portier"
for p in "$M1" "$M5"; do
	LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$p" 2>"$T/man.err" >/dev/null || fail "man $p"
	[ ! -s "$T/man.err" ] || { cat "$T/man.err"; fail "groff warns on $p"; }
done

# 4. Start the service.
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
	MODE=systemd
	PORT=8080
	systemctl restart portier || { systemctl status portier --no-pager || true; fail "systemctl restart"; }
else
	MODE=direct
	PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	exec_line=$(sed -n 's/^ExecStart=//p' "$UNIT")
	env_line=$(sed -n 's/^Environment=\(PORTIER_CONFIG=[^ ]*\)$/\1/p' "$UNIT")
	wd=$(sed -n 's/^WorkingDirectory=//p' "$UNIT")
	[ "$env_line" = PORTIER_CONFIG=/etc/portier/portier.conf ] || fail "unit's PORTIER_CONFIG: '$env_line'"
	# As the unit: the packaged user, its folder, its umask and environment only.
	(cd "$wd" && umask 0077 && exec setpriv --reuid=portier --regid=portier --init-groups \
	    env -i PATH=/usr/bin:/bin "$env_line" PORTIER_LISTEN="127.0.0.1:$PORT" $exec_line) \
	    > "$T/serve.log" 2>&1 &
	PID=$!
fi
echo "deb_check: service started ($MODE, port $PORT)"
B="http://127.0.0.1:$PORT"
i=0
until curl -fs "$B/healthz" > "$T/healthz" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 150 ] || { cat "$T/serve.log" 2>/dev/null || true; fail "/healthz did not answer"; }
	[ -z "$PID" ] || kill -0 "$PID" 2>/dev/null || { cat "$T/serve.log"; fail "serve exited"; }
	sleep 0.2
done
[ "$(cat "$T/healthz")" = ok ] || fail "/healthz: $(cat "$T/healthz")"
curl -fs "$B/readyz" > "$T/readyz" || fail "/readyz: $(cat "$T/readyz")"
# The templates and the nl catalogue from /usr/share/portier, the stylesheet from static/.
curl -fs -H 'Accept-Language: nl' "$B/" | grep -q 'Toegangsbeheer voor ondernemingen' ||
	fail "/ in Dutch: templates or catalogues not found"
curl -fs "$B/static/portier.css" | grep -q '{' || fail "/static/portier.css"
# /metrics only where this tree has the route (it is being added by another branch).
if grep -rqs '"/metrics"' "$ROOT/src"; then
	curl -fs "$B/metrics" > "$T/metrics" || fail "/metrics"
	grep -q '^# TYPE ' "$T/metrics" || fail "/metrics is not in the Prometheus text format"
	echo "deb_check: /metrics checked"
else
	echo "deb_check: no /metrics route in this tree: not checked"
fi
# It runs as portier, with its database in the state folder.
[ "$(stat -c %U /var/lib/portier/portier.db)" = portier ] || fail "portier.db not portier's"
if [ "$MODE" = direct ]; then
	# The subshell exec'd setpriv, setpriv env, env portier: $PID is the server.
	[ "$(ps -o user=,comm= -p "$PID" | tr -s ' ')" = "portier portier" ] ||
		fail "serve does not run as portier"
	kill -TERM "$PID"
	wait "$PID" || { cat "$T/serve.log"; fail "serve did not exit 0 on SIGTERM"; }
	PID=""
else
	systemctl stop portier
fi

# 5. Purge: nothing left but the system user (Debian keeps system users: files they owned
# may remain elsewhere and their id must not be reused).
dpkg --purge portier > "$T/purge.log" 2>&1 || { cat "$T/purge.log"; fail "dpkg --purge"; }
INSTALLED=no
! dpkg-query -W -f='${Status}' portier 2>/dev/null | grep -q installed || fail "still installed"
for f in /usr/bin/portier /usr/share/portier /usr/share/doc/portier /etc/portier /var/lib/portier \
    "$UNIT" /lib/systemd/system/portier@.service /lib/systemd/system/portier-migrate.service \
    /usr/share/man/man1/portier.1.gz /usr/share/man/man5/portier.conf.5.gz \
    /etc/systemd/system/multi-user.target.wants/portier.service; do
	[ ! -e "$f" ] || fail "$f left after purge"
done
ls /var/lib/systemd/deb-systemd-helper-enabled/ 2>/dev/null | grep -q portier &&
	fail "systemd enablement state left: $(ls /var/lib/systemd/deb-systemd-helper-enabled/ | grep portier)"
getent passwd portier >/dev/null || fail "the purge removed the system user"
echo "PASS deb_check ($(($(date +%s) - t0)) s in all)"
