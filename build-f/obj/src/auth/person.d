build-f/obj/src/auth/person.o: src/auth/person.c src/auth/person.h \
 src/auth/password.h src/store/store.h src/store/sql.h \
 src/store/sql_table.h src/audit/audit.h
src/auth/person.h:
src/auth/password.h:
src/store/store.h:
src/store/sql.h:
src/store/sql_table.h:
src/audit/audit.h:
