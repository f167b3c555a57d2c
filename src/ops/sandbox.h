/* sandbox.h — what `portier serve` gives up once its configuration is read and before its
 * threads start: root (to the `user` setting), the file system (Landlock), system calls (seccomp). */
#ifndef PORTIER_OPS_SANDBOX_H
#define PORTIER_OPS_SANDBOX_H

#include "cmd/config.h"

/* Applies c's sandbox settings (user, allow_root, sandbox, sandbox_syscalls) to the
 * process. Called from the main thread before any other thread exists: Landlock binds
 * the calling thread and the threads it starts afterwards. test_clock: the --test-clock
 * file or NULL; its folder stays readable, and with it PORTIER_TEST_SANDBOX_PROBE=1 in the
 * environment makes it try a forbidden system call and forbidden paths and log what the
 * kernel said (tests/http/sandbox.test.js).
 * Returns 0, or -1 with the reason on stderr (the server must not start). */
int sandbox_apply(const struct config *c, const char *test_clock);

#endif
