build-f/obj/src/auth/eid_sql.o: src/auth/eid_sql.c src/auth/eid_sql.h \
 src/store/sql_table.h
src/auth/eid_sql.h:
src/store/sql_table.h:
