/* version.c — `portier version`: the version and the libraries it was built with. */
#include "cmd/cmd.h"

#include <jansson.h>
#include <microhttpd.h>
#include <openssl/opensslv.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

int
cmd_version(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		puts("usage: portier version\n\nPrints portier's version and its libraries'.");
		return 0;
	}
	printf("portier %s\n", PORTIER_VERSION);
	printf("libmicrohttpd %s, SQLite %s, libsodium %s, jansson %s, %s\n",
	    MHD_get_version(), sqlite3_libversion(), sodium_version_string(), JANSSON_VERSION,
	    OPENSSL_VERSION_TEXT);
	return 0;
}
