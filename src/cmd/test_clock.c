/* test_clock.c — the --test-clock option of serve and demo: where it may come from (the
 * command line only) and where it may run (loopback listeners only), so that no copied
 * settings file or stray environment variable shifts the clock of a real server. */
#include "cmd/test_clock.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"

int
test_clock_take(int *argc, char **argv, const char **file)
{
	static const char opt[] = "--test-clock";
	int out = 1;

	*file = NULL;
	for (int i = 1; i < *argc; i++) {
		if (strcmp(argv[i], opt) == 0) {
			if (i + 1 >= *argc) {
				fprintf(stderr, "portier: %s needs a file\n", opt);
				return -1;
			}
			*file = argv[++i];
			continue;
		}
		if (strncmp(argv[i], opt, sizeof(opt) - 1) == 0 && argv[i][sizeof(opt) - 1] == '=') {
			*file = argv[i] + sizeof(opt);
			continue;
		}
		argv[out++] = argv[i];
	}
	*argc = out;
	argv[out] = NULL;
	return 0;
}

/* True when listen (HOST:PORT) is on the loopback interface; an empty listener (none
 * configured) too. */
static bool
loopback(const char *listen)
{
	static const char *const hosts[] = { "127.0.0.1:", "[::1]:", "localhost:" };

	if (listen[0] == '\0')
		return true;
	for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++)
		if (strncmp(listen, hosts[i], strlen(hosts[i])) == 0)
			return true;
	return false;
}

int
test_clock_start(const struct config *c, const char *file)
{
	if (file == NULL)
		return 0;
	if (!loopback(c->listen) || !loopback(c->tls_listen)) {
		fprintf(stderr, "portier: --test-clock is for test servers: every listener must be "
		    "on 127.0.0.1, [::1] or localhost\n");
		return -1;
	}
	if (clock_use_file(file) != 0) {
		fprintf(stderr, "portier: --test-clock: the file name is too long\n");
		return -1;
	}
	log_warn(NULL, "TEST CLOCK: the time of this server is shifted by the seconds in %s; "
	    "never for real use", file);
	return 0;
}
