build-f/obj/src/cmd/main.o: src/cmd/main.c src/cmd/cmd.h src/cmd/config.h
src/cmd/cmd.h:
src/cmd/config.h:
