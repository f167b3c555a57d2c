build-f/obj/src/apps/home/home.o: src/apps/home/home.c src/apps/app.h \
 src/store/store.h src/store/sql.h src/store/sql_table.h src/web/web.h \
 src/base/arena.h src/base/buf.h src/web/tmpl.h src/auth/person.h \
 src/auth/password.h src/ops/health.h src/web/i18n.h src/base/msgid.h
src/apps/app.h:
src/store/store.h:
src/store/sql.h:
src/store/sql_table.h:
src/web/web.h:
src/base/arena.h:
src/base/buf.h:
src/web/tmpl.h:
src/auth/person.h:
src/auth/password.h:
src/ops/health.h:
src/web/i18n.h:
src/base/msgid.h:
