build-f/obj/src/auth/session_store.o: src/auth/session_store.c \
 src/auth/session_store.h src/store/store.h src/store/sql.h \
 src/store/sql_table.h
src/auth/session_store.h:
src/store/store.h:
src/store/sql.h:
src/store/sql_table.h:
