build-f/obj/src/apps/login/doors.o: src/apps/login/doors.c \
 src/apps/login/login.h src/web/web.h src/base/arena.h src/base/buf.h \
 src/web/tmpl.h
src/apps/login/login.h:
src/web/web.h:
src/base/arena.h:
src/base/buf.h:
src/web/tmpl.h:
