build-f/obj/src/apps/login/door_code.o: src/apps/login/door_code.c \
 src/apps/login/login.h src/web/web.h src/base/arena.h src/base/buf.h \
 src/web/tmpl.h
src/apps/login/login.h:
src/web/web.h:
src/base/arena.h:
src/base/buf.h:
src/web/tmpl.h:
