build-f/obj/src/audit/audit.o: src/audit/audit.c src/audit/audit.h \
 src/store/store.h src/store/sql.h src/store/sql_table.h src/base/buf.h \
 src/base/log.h
src/audit/audit.h:
src/store/store.h:
src/store/sql.h:
src/store/sql_table.h:
src/base/buf.h:
src/base/log.h:
