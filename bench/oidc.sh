#!/bin/sh
# oidc.sh — `make bench-oidc`: portier's OpenID Connect provider against oidc-provider from
# npm, configured alike, in one run on this machine (loopback): token endpoint (code
# exchange, refresh) and userinfo requests/s with their ratios, and the cost of one ES256
# signature as the limit reference. Figures only; nothing is asserted.
# Settings: BENCH_CODES (20000), BENCH_CONNECTIONS (32), BENCH_SECONDS (5), O (build).
set -eu
cd "$(dirname "$0")/.."
O=${O:-build}
command -v wrk >/dev/null 2>&1 || { echo "bench-oidc: wrk is needed (apt-get install wrk)" >&2; exit 2; }
command -v sqlite3 >/dev/null 2>&1 || { echo "bench-oidc: sqlite3 is needed" >&2; exit 2; }
PORTIER_BIN=${PORTIER_BIN:-$O/portier} BENCH_SIGN_BIN=${BENCH_SIGN_BIN:-$O/bench_oidc_sign} \
    exec node bench/oidc.mjs
