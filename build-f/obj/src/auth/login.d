build-f/obj/src/auth/login.o: src/auth/login.c src/auth/login.h \
 src/store/store.h src/store/sql.h src/store/sql_table.h \
 src/audit/audit.h src/auth/password.h src/base/log.h
src/auth/login.h:
src/store/store.h:
src/store/sql.h:
src/store/sql_table.h:
src/audit/audit.h:
src/auth/password.h:
src/base/log.h:
