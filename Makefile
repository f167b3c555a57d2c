# portier — build, run, test, benchmark.
# `make run` and `make check` install what is missing (scripts/deps.sh) and build first.

PKGS      := libmicrohttpd sqlite3 libsodium jansson openssl gnutls libcurl libargon2 libseccomp libcbor \
             lasso zlib gobject-2.0 libxml-2.0 xmlsec1-openssl
CC        ?= cc
O         ?= build
SAN       ?=
WARN      := -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wstrict-prototypes \
             -Wmissing-prototypes -Wpointer-arith -Wvla -Wundef -Wcast-align \
             -Wnull-dereference -Wimplicit-fallthrough
OPT       ?= -O2 -g
CFLAGS    += $(OPT) -std=c11 -D_GNU_SOURCE -fstack-protector-strong -fvisibility=hidden $(WARN) \
             -Isrc $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(SAN)
ifeq ($(SAN),)
CFLAGS    += -D_FORTIFY_SOURCE=2
endif
LDLIBS    := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm -loath -lqrencode -lhpdf -lcsv -lzip -lcurl \
             $(shell pkg-config --libs libpq 2>/dev/null)
LDFLAGS   += $(SAN)

LIB_SRC   := $(sort $(shell find src -name '*.c' ! -path 'src/cmd/main.c' ! -path '*/fuzz_*'))
LIB_OBJ   := $(LIB_SRC:%.c=$(O)/obj/%.o)
UNIT_SRC  := $(sort $(filter-out tests/unit/test_store_pg.c,$(wildcard tests/unit/test_*.c)))
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(O)/tests/%)
PO        := $(sort $(wildcard po/*.po))
MO        := $(PO:po/%.po=$(O)/locale/%.mo)

.PHONY: all deps run check test unit http browser i18n-check arch-check asan bench clean node bench-compiles

# The PostgreSQL backend (issue 13, docs/store-contract.md): store_pg.c beside
# store_sqlite.c in libportier.a; store_open chooses by its argument (store/store.c).
PG_CFLAGS := $(shell pkg-config --cflags libpq 2>/dev/null)

all: $(O)/portier $(MO)

deps:
	@sh scripts/deps.sh

$(O)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(O)/libportier.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(O)/portier: $(O)/obj/src/cmd/main.o $(O)/libportier.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(O)/tests/%: tests/unit/%.c tests/unit/store_fixture.h $(O)/libportier.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PG_CFLAGS) -Itests/unit -o $@ $< $(O)/libportier.a $(LDFLAGS) $(LDLIBS) -lcmocka

# Starts whole applications: their catalogues are read at start.
$(O)/tests/test_two_instances $(O)/tests/test_web_session: $(MO)

$(O)/locale/%.mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

-include $(LIB_OBJ:.o=.d) $(O)/obj/src/cmd/main.d

$(O)/obj/src/store/store_pg.o: CFLAGS += $(PG_CFLAGS)

$(O)/tests/test_store_pg: tests/unit/test_store_pg.c $(O)/libportier.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PG_CFLAGS) -o $@ $< $(O)/libportier.a $(LDFLAGS) $(LDLIBS) -lcmocka

# The PostgreSQL store's tests on a throw-away cluster (tests/lib/pg.sh); exit 77 (skipped)
# without the PostgreSQL binaries.
.PHONY: test-pg
test-pg: $(O)/tests/test_store_pg
	./$(O)/tests/test_store_pg || [ $$? = 77 ]

# The unit tests with their fixtures' databases on a throw-away PostgreSQL cluster
# (tests/unit/store_fixture.h, PORTIER_TEST_PG): each binary's output in a folder of its
# own, the end of a failing one's shown, the cases skipped on PostgreSQL listed with their
# reason; fails when any binary fails. Skipped (said) without the PostgreSQL binaries.
.PHONY: unit-pg
unit-pg: $(UNIT_BIN)
	@d=$$(mktemp -d /tmp/portier-pg-XXXXXX) && l=$$(mktemp -d /tmp/portier-unitpg-XXXXXX) || exit 1; \
	    c=$$(sh tests/lib/pg.sh start $$d); rc=$$?; \
	    if [ $$rc = 77 ]; then rm -rf $$d $$l; echo "unit-pg: skipped (no PostgreSQL binaries)"; exit 0; fi; \
	    if [ $$rc != 0 ]; then sh tests/lib/pg.sh stop $$d; rm -rf $$l; echo "unit-pg: the cluster did not start"; exit 1; fi; \
	    pass=0; fail=""; for t in $(UNIT_BIN); do n=$${t##*/}; \
	        if PORTIER_TEST_PG="$$c" ./$$t >$$l/$$n.log 2>&1; then pass=$$((pass+1)); \
	        else fail="$$fail $$n"; echo "== unit-pg: $$n failed:"; tail -n 40 $$l/$$n.log; fi; \
	        grep -h "on PostgreSQL" $$l/$$n.log | sed "s/^/unit-pg: $$n: /"; done; \
	    sh tests/lib/pg.sh stop $$d; rm -rf $$l; \
	    echo "unit-pg: $$pass passed; failed:$${fail:- none}"; [ -z "$$fail" ]

# The browser suite with each server on a fresh database of a throw-away PostgreSQL
# cluster (PORTIER_TEST_DB=pg, tests/lib/pg.js). Skipped (said) without the PostgreSQL
# binaries.
.PHONY: browser-pg
browser-pg: all node
	@b=$${PG_BIN:-/usr/lib/postgresql/15/bin}; \
	    if [ ! -x $$b/initdb ] || [ ! -x $$b/pg_ctl ]; then echo "browser-pg: skipped (no PostgreSQL binaries)"; exit 0; fi; \
	    cd tests && PORTIER_TEST_DB=pg PORTIER_BIN=../$(O)/portier node --test browser/

# The HTTP suite on PostgreSQL: every server on a fresh database of ONE throw-away cluster
# shared by all the test files (tests/lib/pg.js, PORTIER_TEST_PG_CLUSTER); part of check.
# Skipped without the PostgreSQL binaries (pg.sh exits 77).
.PHONY: http-pg
http-pg: all node
	@d=$$(mktemp -d /tmp/portier-pg-XXXXXX) || exit 1; \
	    trap "sh tests/lib/pg.sh stop $$d" INT TERM; \
	    c=$$(sh tests/lib/pg.sh start $$d); rc=$$?; \
	    if [ $$rc != 0 ]; then sh tests/lib/pg.sh stop $$d; \
	        if [ $$rc = 77 ]; then echo "http-pg: skipped (no PostgreSQL)"; exit 0; fi; exit $$rc; fi; \
	    (cd tests && PORTIER_TEST_DB=pg PORTIER_TEST_PG_CLUSTER="$$c" PORTIER_BIN=../$(O)/portier \
	        node --test http/); rc=$$?; \
	    sh tests/lib/pg.sh stop $$d; exit $$rc

# Every module's statement prepared by PostgreSQL against migrations/pg on a throw-away
# cluster: the refusals listed and counted (issue 13's remaining work); not part of check.
.PHONY: pg-inventory
pg-inventory: $(O)/libportier.a
	$(CC) $(CFLAGS) $(PG_CFLAGS) -o $(O)/pg_prepare_all scripts/pg_prepare_all.c $(O)/libportier.a $(LDFLAGS) $(LDLIBS)
	@d=$$(mktemp -d /tmp/portier-pg-XXXXXX) && c=$$(sh tests/lib/pg.sh start $$d) && \
	    { ./$(O)/pg_prepare_all "$$c"; rc=$$?; sh tests/lib/pg.sh stop $$d; exit $$rc; }

run: deps all
	sh scripts/run-demo.sh ./$(O)/portier

node: tests/node_modules/.stamp
tests/node_modules/.stamp: tests/package.json tests/package-lock.json
	cd tests && npm ci --no-audit --no-fund --silent
	@touch $@

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

i18n-check: all
	sh tests/i18n/check_catalogues.sh
	sh tests/i18n/check_catalogues.sh --self-test

http: all node
	cd tests && PORTIER_BIN=../$(O)/portier node --test http/

browser: all node
	cd tests && PORTIER_BIN=../$(O)/portier node --test browser/

asan:
	$(MAKE) O=build-asan SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" OPT="-O1 -g" all unit
	cd tests && PORTIER_BIN=../build-asan/portier PORTIER_SAN=1 node --test http/

# One owner per table (docs/architecture.md, docs/table-owners.txt); times from C
# (docs/store-contract.md, rule 3).
arch-check:
	sh tests/arch/check_owners.sh
	sh tests/arch/check_times.sh
	sh tests/arch/check_columns.sh

test: unit i18n-check arch-check http browser

check: deps
	$(MAKE) gates
	$(MAKE) all
	$(MAKE) test
	$(MAKE) http-pg
	$(MAKE) test-pg
	$(MAKE) unit-pg
	$(MAKE) browser-pg
	$(MAKE) asan
	$(MAKE) fuzz-check

bench: deps all node
	$(CC) $(CFLAGS) -o $(O)/login_load bench/login_load.c $(O)/libportier.a $(LDFLAGS) $(LDLIBS)
	LOGIN_LOAD=$(O)/login_load sh bench/run.sh

# The OpenID Connect provider against oidc-provider from npm (bench/oidc.sh).
.PHONY: bench-oidc
bench-oidc: all node
	$(CC) $(CFLAGS) -o $(O)/bench_oidc_sign bench/oidc_sign.c $(O)/libportier.a $(LDFLAGS) $(LDLIBS)
	O=$(O) sh bench/oidc.sh

# Complete single-sign-on flows of logged-in people, portier against oidc-provider, with the
# server CPU per flow (bench/sso.mjs); not part of make bench.
.PHONY: bench-sso
bench-sso: all node
	PORTIER_BIN=$(O)/portier node bench/sso.mjs

# Logins per second through the upstream identity-provider broker against a direct eID login,
# with portier's CPU per login (bench/broker.mjs, issue 17); not part of make bench.
.PHONY: bench-broker
bench-broker: all node
	PORTIER_BIN=$(O)/portier node bench/broker.mjs
# Passkey logins per second against password logins (Argon2id) in the same run, with the
# server CPU per login (bench/passkey.mjs); not part of make bench.
.PHONY: bench-passkey
bench-passkey: all node
	PORTIER_BIN=$(O)/portier node bench/passkey.mjs

# Machines' client_credentials tokens per second (mTLS through the proxy header and
# private_key_jwt; introspection when the endpoint exists) against oidc-provider configured
# alike, with the server CPU per token (bench/machines.mjs, issue 15); not part of make bench.
.PHONY: bench-machines
bench-machines: all node
	PORTIER_BIN=$(O)/portier node bench/machines.mjs

# The management API (SCIM 2.0) against the pages of /acces on a quality of 100,000 users:
# user creations and filtered listings, rate, latency, server CPU per operation, the ratios
# (bench/api.mjs, issue 19); BENCH_DB=pg on PostgreSQL. Not part of make bench nor make check.
.PHONY: bench-api
bench-api: all node
	PORTIER_BIN=$(O)/portier node bench/api.mjs

# The store's backends side by side: SQLite, PostgreSQL on one and two nodes, the writer
# lock on and off; token endpoint, logins, user creations, CPU from /proc (bench/pg.mjs).
.PHONY: bench-pg
bench-pg: all node
	PORTIER_BIN=$(O)/portier node bench/pg.mjs

# A logged-in person's SAML single sign-on (Redirect AuthnRequest → profile choice → signed
# Response) beside portier's OpenID code flow in the same run: flows/s and server CPU per
# flow (bench/saml.mjs); not part of make bench nor make check.
.PHONY: bench-saml
bench-saml: all node
	PORTIER_BIN=$(O)/portier node bench/saml.mjs

# The profile choice page of a person serving 10,000 mandators (issue 16, bench/mandates.mjs):
# search and pages, server time, requests/s, CPU per request; BENCH_DB=pg on PostgreSQL.
# Not part of make bench nor make check.
.PHONY: bench-mandates
bench-mandates: all node
	PORTIER_BIN=$(O)/portier node bench/mandates.mjs

# The KBO Open Data import against sqlite3 .import (bench/import.sh); not part of make bench.
bench-import: all
	$(CC) $(CFLAGS) -o $(O)/kbo_gen bench/kbo_gen.c
	PORTIER_BIN=$(O)/portier KBO_GEN=$(O)/kbo_gen sh bench/import.sh

# The KBO import on PostgreSQL against psql \copy of the same files (bench/import_pg.sh).
.PHONY: bench-import-pg
bench-import-pg: all
	$(CC) $(CFLAGS) -o $(O)/kbo_gen bench/kbo_gen.c
	PORTIER_BIN=$(O)/portier KBO_GEN=$(O)/kbo_gen sh bench/import_pg.sh

# The lookup's name search over two million enterprises (bench/lookup.sh); not part of make bench.
bench-lookup: $(O)/libportier.a
	@mkdir -p $(O)/bench
	$(CC) $(CFLAGS) -o $(O)/bench/lookup_bench bench/lookup_bench.c $(O)/libportier.a $(LDFLAGS) $(LDLIBS)
	sh bench/lookup.sh $(O)/bench/lookup_bench

# Peak memory under 500 concurrent 10 MiB POSTs to a 64 KiB route (bench/body_limits.sh);
# not part of make bench.
.PHONY: bench-body
bench-body: all
	PORTIER_BIN=$(O)/portier sh bench/body_limits.sh

# Access management with a quality of 100,000 users (bench/uman.sh); not part of make bench.
bench-uman: all
	$(CC) $(CFLAGS) -o $(O)/bench_uman bench/uman.c $(O)/libportier.a $(LDFLAGS) $(LDLIBS)
	PORTIER_BIN=$(O)/portier BENCH_UMAN=$(O)/bench_uman sh bench/uman.sh

# Gates: no banned C call (scripts/check-banned.sh) and gcc -fanalyzer over src/ with no
# finding (each false positive carries a commented, local suppression); part of check.
# One stamp per source, with its header dependencies: only what changed is analysed again.
ANALYZE_CC := gcc
ANALYZE    := $(patsubst %.c,$(O)/analyze/%.ok,$(LIB_SRC) src/cmd/main.c)

.PHONY: gates banned analyze
gates: banned analyze bench-compiles

# The benchmarks' C programs are not built by the tests: compiling them here keeps an
# interface change from leaving a benchmark that no longer builds.
bench-compiles:
	@set -e; for f in bench/*.c; do $(CC) $(CFLAGS) $(PG_CFLAGS) -fsyntax-only $$f; done; \
	    echo "bench-compiles: every bench/*.c compiles"

banned:
	sh scripts/check-banned.sh

analyze: $(ANALYZE)

$(O)/analyze/%.ok: %.c
	@mkdir -p $(dir $@)
	@echo "analyze $<"
	@$(ANALYZE_CC) $(CFLAGS) -fanalyzer -MMD -MP -MT $@ -MF $(@:.ok=.d) -c -o /dev/null $<
	@touch $@

-include $(ANALYZE:.ok=.d)
$(O)/analyze/src/store/store_pg.ok: CFLAGS += $(PG_CFLAGS)

# Fuzzing with libFuzzer: `make fuzz` builds every fuzz/fuzz_*.c against a clang build of
# the library (ASan + UBSan) in build-fuzz/; `make fuzz-check` runs each target on its seeds
# (fuzz/corpus/NAME) plus FUZZ_RUNS new inputs (scripts/fuzz-check.sh); part of check.
FUZZ_O    := build-fuzz
FUZZ_SAN  := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
             -fno-omit-frame-pointer
FUZZ_BIN  := $(patsubst fuzz/%.c,$(FUZZ_O)/fuzz/%,$(sort $(wildcard fuzz/fuzz_*.c)))
FUZZ_RUNS ?= 20000

.PHONY: fuzz fuzz-bins fuzz-check
fuzz:
	$(MAKE) O=$(FUZZ_O) CC=clang SAN="$(FUZZ_SAN)" OPT="-O1 -g" fuzz-bins

fuzz-bins: $(FUZZ_BIN)

$(O)/fuzz/%: fuzz/%.c fuzz/fuzz_key.h fuzz/fuzz_common.h $(O)/libportier.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Ifuzz -fsanitize=fuzzer -o $@ $< $(O)/libportier.a $(LDFLAGS) $(LDLIBS)

fuzz-check: fuzz
	sh scripts/fuzz-check.sh $(FUZZ_O)/fuzz $(FUZZ_RUNS)

# Peak RSS of the streamed CSV export, 1,000 then 100,000 users (bench/export_rss.sh).
.PHONY: bench-export
bench-export: all
	$(CC) $(CFLAGS) -o $(O)/bench_uman bench/uman.c $(O)/libportier.a $(LDFLAGS) $(LDLIBS)
	PORTIER_BIN=$(O)/portier BENCH_UMAN=$(O)/bench_uman sh bench/export_rss.sh

# The CSV import of users (issue 19 part 1): preview of 10,000 rows and apply of 1,000
# through the service layer on a fresh SQLite file (bench/import_users.c); not in check.
.PHONY: bench-import-users
bench-import-users: all
	$(CC) $(CFLAGS) -o $(O)/bench_import_users bench/import_users.c $(O)/libportier.a $(LDFLAGS) $(LDLIBS)
	@d=$$(mktemp -d /tmp/portier-bench-import.XXXXXX) && \
	    nice $(O)/bench_import_users $$d/import.db $${IMPORT_ROWS:-10000} $${IMPORT_APPLY:-1000}; \
	    rc=$$?; rm -rf $$d; exit $$rc

clean:
	rm -rf build build-asan build-fuzz

# The deployment files (deploy/): the systemd units verified and their command lines started,
# then deploy/haproxy/haproxy.cfg in front of two real nodes on 127.0.0.1 (round robin, a
# node stopped with SIGTERM taken out). About 6 s; not part of check (it needs haproxy and
# a few seconds of health checks). Exit 77 (skipped) without haproxy or systemd-analyze.
.PHONY: test-deploy
test-deploy: all
	sh tests/deploy/systemd_check.sh || [ $$? = 77 ]
	sh tests/deploy/haproxy_check.sh || [ $$? = 77 ]
	sh tests/deploy/man_check.sh

# The Debian package (debian/, docs/deploy.md "Installing the Debian package"):
# dpkg-buildpackage on a copy of the tracked and new files in $(O)/deb/portier/, so that
# neither the tree nor its parent folder gets the build's files; the .deb in $(O)/deb/.
.PHONY: deb test-deb
deb:
	@rm -rf $(O)/deb && mkdir -p $(O)/deb/portier
	git ls-files -z --cached --others --exclude-standard | \
	    tar -c --null -T - -f - | tar -x -C $(O)/deb/portier -f -
	cd $(O)/deb/portier && dpkg-buildpackage -us -uc -b -jauto
	@ls $(O)/deb/*.deb

# Builds the package, installs it, starts the service, checks its probes, purges it
# (tests/deploy/deb_check.sh). As root only (skipped otherwise); part of .ci/run.
test-deb:
	O=$(O) sh tests/deploy/deb_check.sh || [ $$? = 77 ]
