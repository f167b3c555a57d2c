build-f/obj/src/auth/factor_sql.o: src/auth/factor_sql.c \
 src/auth/factor_sql.h src/store/sql_table.h
src/auth/factor_sql.h:
src/store/sql_table.h:
