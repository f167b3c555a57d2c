build-f/obj/src/apps/login/login.o: src/apps/login/login.c src/apps/app.h \
 src/store/store.h src/store/sql.h src/store/sql_table.h src/web/web.h \
 src/base/arena.h src/base/buf.h src/web/tmpl.h src/apps/login/login.h \
 src/auth/login.h src/policy/loa.h src/base/log.h src/web/i18n.h \
 src/base/msgid.h
src/apps/app.h:
src/store/store.h:
src/store/sql.h:
src/store/sql_table.h:
src/web/web.h:
src/base/arena.h:
src/base/buf.h:
src/web/tmpl.h:
src/apps/login/login.h:
src/auth/login.h:
src/policy/loa.h:
src/base/log.h:
src/web/i18n.h:
src/base/msgid.h:
