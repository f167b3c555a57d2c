/* config.h — portier's settings: defaults < config file < PORTIER_* environment < flags. */
#ifndef PORTIER_CMD_CONFIG_H
#define PORTIER_CMD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

struct config {
	char listen[128];
	char db[1024];
	char share_dir[1024];
	char locale_dir[1100];
	char log_level[16];
	int threads;
	int workers;
	int db_pool;
	int session_idle;
	int session_absolute;
	int password_ops;
	int password_mem_kib;
	long max_header;
	long max_body;
	long max_upload;
	long max_field;
	bool demo;
};

/* Fills c with defaults (share_dir from the executable's location). */
void config_defaults(struct config *c);
/* Reads "key = value" lines from path. Returns 0, or -1 with "path:line: reason" in err. */
int config_file(struct config *c, const char *path, char *err, size_t errlen);
/* Applies PORTIER_<KEY> environment variables. Returns 0 or -1 with a reason in err. */
int config_env(struct config *c, char *err, size_t errlen);
/* Sets one key; used by the file, the environment and flags alike. */
int config_set(struct config *c, const char *key, const char *value, char *err, size_t errlen);

#endif
