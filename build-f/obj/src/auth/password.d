build-f/obj/src/auth/password.o: src/auth/password.c src/auth/password.h \
 src/base/msgid.h src/base/utf8.h
src/auth/password.h:
src/base/msgid.h:
src/base/utf8.h:
