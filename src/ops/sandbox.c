/* sandbox.c — `portier serve` drops root, restricts its file system view with Landlock and
 * its system calls with a seccomp allow-list (libseccomp), so that a flaw in a handler reaches little. */
#include "ops/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <linux/capability.h>
#include <linux/landlock.h>
#include <linux/netlink.h>
#include <pwd.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/log.h"
#include "store/store.h"

/* Sanitizer builds (make asan): LeakSanitizer stops the threads with ptrace and reads
 * /proc at exit, and reports run a symbolizer: no seccomp filter there, /proc readable. */
#ifdef __SANITIZE_ADDRESS__
#define SANDBOX_SANITIZED 1
#endif
#if !defined(SANDBOX_SANITIZED) && defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_SANITIZED 1
#endif
#endif

/* Rights of later ABIs than the installed headers know (values fixed by the kernel ABI). */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif

#define FS_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
/* What a rule on a file (not a folder) may carry. */
#define FS_FILE_RIGHTS (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
    LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV)

/* Folders and files of the system read after the start: NSS modules and
 * shared objects loaded late (dlopen), CA bundles (libcurl, GnuTLS), name resolution,
 * time zones, random devices. /etc as a whole is not in it (/etc/passwd, /etc/shadow). */
static const char *const system_read[] = {
	"/usr/lib", "/lib", "/lib64", "/usr/lib64", "/usr/share/zoneinfo", "/etc/localtime",
	"/etc/ssl", "/etc/ca-certificates", "/usr/share/ca-certificates", "/etc/pki",
	"/etc/gnutls", "/usr/share/p11-kit", "/etc/resolv.conf", "/etc/hosts",
	"/etc/nsswitch.conf", "/etc/gai.conf", "/etc/host.conf", "/usr/lib/locale",
	"/usr/share/locale", "/sys/devices/system/cpu", "/dev/urandom", "/dev/random",
	"/usr/share/fonts/truetype/dejavu",	/* src/pdf/pdf.c: the PDFs' Unicode fonts */
	"/proc/sys/vm/overcommit_memory",	/* glibc malloc, when it trims */
};

struct ll {
	int fd;
	int abi;
	__u64 handled;
};

static int
ll_abi(void)
{
	long v = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

	return v < 0 ? -1 : (int)v;
}

/* Every file system right the kernel's ABI knows: unknown ones make the ruleset invalid. */
static __u64
ll_handled(int abi)
{
	__u64 h = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | FS_READ |
	    LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
	    LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
	    LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |
	    LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM;

	if (abi >= 2)
		h |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		h |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		h |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return h;
}

/* Allows access under path (a folder, or a file: then file rights only). A path that does
 * not exist is skipped (a library folder absent on this system). 0, or -1 said. */
static int
ll_allow(struct ll *l, const char *path, __u64 access)
{
	struct landlock_path_beneath_attr pb = { 0 };
	struct stat st;
	int rc = -1;

	pb.parent_fd = open(path, O_PATH | O_CLOEXEC);
	if (pb.parent_fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		fprintf(stderr, "portier: sandbox: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fstat(pb.parent_fd, &st) != 0)
		goto done;
	pb.allowed_access = access & l->handled;
	if (!S_ISDIR(st.st_mode))
		pb.allowed_access &= FS_FILE_RIGHTS;
	if (syscall(SYS_landlock_add_rule, l->fd, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) != 0) {
		fprintf(stderr, "portier: sandbox: landlock rule on %s: %s\n", path, strerror(errno));
		goto done;
	}
	rc = 0;
done:
	close(pb.parent_fd);
	return rc;
}

/* The folder holding path (for the database: its -wal, -shm, backups and the demo's files
 * are beside it). */
static void
parent_of(const char *path, char *out, size_t outlen)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(out, outlen, ".");
	else if (slash == path)
		snprintf(out, outlen, "/");
	else
		snprintf(out, outlen, "%.*s", (int)(slash - path), path);
}

/* eid_crl may name several files separated by commas: read rights on each one's folder
 * (a CRL replaced by a rename is a new file, still beneath the rule). */
static int
ll_allow_list_folders(struct ll *l, const char *list)
{
	char item[2048], dir[2048];
	const char *p = list;

	while (*p != '\0') {
		size_t n = strcspn(p, ",");

		snprintf(item, sizeof(item), "%.*s", (int)n, p);
		if (item[0] != '\0') {
			parent_of(item, dir, sizeof(dir));
			if (ll_allow(l, dir, FS_READ) != 0)
				return -1;
		}
		p += n + (p[n] == ',');
	}
	return 0;
}

/* ll_allow with read rights, in store_client_files' shape. */
static int
ll_allow_read(void *arg, const char *path)
{
	return ll_allow(arg, path, FS_READ);
}

static int
ll_rules(struct ll *l, const struct config *c, const char *test_clock)
{
	const __u64 rw = l->handled & ~(__u64)(LANDLOCK_ACCESS_FS_EXECUTE |
	    LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
	    LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_SOCK |
	    LANDLOCK_ACCESS_FS_MAKE_SYM | LANDLOCK_ACCESS_FS_IOCTL_DEV);
	const char *files[] = { c->tls_cert, c->tls_key, c->eid_trust, c->idp_ca_file };
	char dbdir[1024];
	size_t i;

	for (i = 0; i < sizeof(system_read) / sizeof(system_read[0]); i++)
		if (ll_allow(l, system_read[i], FS_READ) != 0)
			return -1;
	/* /dev/null is written to by libraries that redirect output. */
	if (ll_allow(l, "/dev/null", LANDLOCK_ACCESS_FS_READ_FILE |
	    LANDLOCK_ACCESS_FS_WRITE_FILE) != 0)
		return -1;
#ifdef SANDBOX_SANITIZED
	if (ll_allow(l, "/proc", FS_READ) != 0)
		return -1;
#endif
	/* Templates, static files, migrations and the catalogues. */
	if (ll_allow(l, c->share_dir, FS_READ) != 0 || ll_allow(l, c->locale_dir, FS_READ) != 0)
		return -1;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (files[i][0] != '\0' && ll_allow(l, files[i], LANDLOCK_ACCESS_FS_READ_FILE) != 0)
			return -1;
	if (ll_allow_list_folders(l, c->eid_crl) != 0)
		return -1;
	/* Secrets read once the store is open (after this): the key-encryption key (its file,
	 * or systemd's credentials folder) and the audit checkpoints' key; the checkpoint
	 * file is appended to (its folder: it may not exist yet). */
	if ((c->kek_file[0] != '\0' &&
	    ll_allow(l, c->kek_file, LANDLOCK_ACCESS_FS_READ_FILE) != 0) ||
	    (getenv("CREDENTIALS_DIRECTORY") != NULL &&
	    ll_allow(l, getenv("CREDENTIALS_DIRECTORY"), FS_READ) != 0) ||
	    (c->audit_checkpoint_key[0] != '\0' &&
	    ll_allow(l, c->audit_checkpoint_key, LANDLOCK_ACCESS_FS_READ_FILE) != 0))
		return -1;
	if (c->audit_checkpoint_file[0] != '\0') {
		parent_of(c->audit_checkpoint_file, dbdir, sizeof(dbdir));
		if (ll_allow(l, dbdir, rw) != 0)
			return -1;
	}
	/* The PostgreSQL client's own files (TLS roots and keys, the password file). */
	if (store_client_files(c->db, ll_allow_read, l) != 0)
		return -1;
	/* Test suites: the clock file is read at each use, and replaced by a rename. */
	if (test_clock != NULL) {
		parent_of(test_clock, dbdir, sizeof(dbdir));
		if (ll_allow(l, dbdir, FS_READ) != 0)
			return -1;
	}
	/* PostgreSQL: nothing on disk (its Unix socket's connect is not a file access Landlock
	 * governs); SQLite: the database's folder, read-write. */
	if (!(strncmp(c->db, "postgres", 8) == 0 || strchr(c->db, '=') != NULL)) {
		parent_of(c->db, dbdir, sizeof(dbdir));
		if (ll_allow(l, dbdir, rw) != 0)
			return -1;
	} else if (c->demo && ll_allow(l, ".", rw) != 0) {
		/* The demo on PostgreSQL keeps its files (portal.conf, the test eID cards)
		 * in the working directory: no database folder to put them beside. */
		return -1;
	}
	return 0;
}

/* 1 applied, 0 unsupported by the kernel, -1 failed (said). */
static int
landlock_apply(const struct config *c, const char *test_clock)
{
	struct landlock_ruleset_attr ra = { 0 };
	struct ll l = { .fd = -1 };
	int rc = -1;

	l.abi = ll_abi();
	if (l.abi < 1)
		return 0;
	l.handled = ll_handled(l.abi);
	ra.handled_access_fs = l.handled;
	l.fd = (int)syscall(SYS_landlock_create_ruleset, &ra, sizeof(ra), 0);
	if (l.fd < 0) {
		fprintf(stderr, "portier: sandbox: landlock: %s\n", strerror(errno));
		return -1;
	}
	if (ll_rules(&l, c, test_clock) != 0)
		goto done;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    syscall(SYS_landlock_restrict_self, l.fd, 0) != 0) {
		fprintf(stderr, "portier: sandbox: landlock: %s\n", strerror(errno));
		goto done;
	}
	log_info(NULL, "sandbox: landlock ABI %d: files limited to the share, locale and "
	    "database folders, keys and certificates", l.abi);
	rc = 1;
done:
	close(l.fd);
	return rc;
}

/* The system calls portier, glibc and its libraries (libmicrohttpd, SQLite, libpq,
 * libcurl, GnuTLS, OpenSSL, libsodium) make once serving; measured with strace -f -c over
 * the HTTP suites on both backends. Not in it: execve, ptrace, mount, module loading,
 * setuid and friends, namespaces, bpf, keyctl, reboot... */
static const char *const syscalls_allowed[] = {
	"read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev",
	"open", "openat", "close", "close_range", "fstat", "stat", "lstat", "newfstatat",
	"statx", "fstatfs", "statfs", "lseek", "mmap", "munmap", "mprotect", "mremap",
	"madvise", "brk", "mlock", "munlock", "mlock2", "rt_sigaction", "rt_sigprocmask",
	"rt_sigreturn", "rt_sigtimedwait", "sigaltstack", "access", "faccessat",
	"faccessat2", "pipe", "pipe2", "select", "pselect6", "poll", "ppoll", "epoll_create",
	"epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait", "epoll_pwait2", "eventfd",
	"eventfd2", "dup", "dup2", "dup3", "fcntl", "flock", "fsync", "fdatasync", "ftruncate",
	"fallocate", "fadvise64", "getdents64", "getcwd", "rename", "renameat", "renameat2", "unlink",
	"unlinkat", "mkdir", "mkdirat", "rmdir", "fchmod", "fchown", "umask", "readlink",
	"readlinkat", "gettimeofday", "clock_gettime", "clock_getres", "clock_nanosleep",
	"nanosleep", "time", "getpid", "gettid", "getppid", "getuid", "geteuid", "getgid",
	"getegid", "getgroups", "getresuid", "getresgid", "connect", "accept", "accept4",
	"bind", "listen", "getsockname", "getpeername", "setsockopt", "getsockopt", "sendto",
	"recvfrom", "sendmsg", "recvmsg", "sendmmsg", "recvmmsg", "shutdown", "socketpair",
	"futex", "set_robust_list", "get_robust_list", "set_tid_address", "rseq", "exit", "exit_group", "tgkill", "getrandom", "uname", "sched_yield",
	"sched_getaffinity", "setpriority", "prlimit64", "getrlimit", "getrusage", "sysinfo", "prctl",
	"timerfd_create", "timerfd_settime", "timerfd_gettime", "restart_syscall", "membarrier",
};

/* Address families a socket may have: the listeners and clients (IPv4, IPv6), PostgreSQL's
 * Unix socket; AF_NETLINK separately, for NETLINK_ROUTE only (glibc's getaddrinfo asks it
 * for the host's addresses; netfilter and the others are kernel attack surface). */
static const int families[] = { AF_UNIX, AF_INET, AF_INET6 };

/* clone's flags that make new namespaces: refused (a user namespace would give the child
 * CAP_NET_ADMIN there, and the netfilter code behind many kernel escalations). Threads
 * use none of them. */
#define NEW_NAMESPACES ((scmp_datum_t)(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | \
	CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP))

/* The rules with arguments: clone without namespaces; clone3 (whose flags are behind a
 * pointer seccomp cannot read) answered ENOSYS, so that glibc falls back to clone; ioctl
 * but TIOCSTI and TIOCLINUX, which would type into a terminal the process inherited
 * (libseccomp takes one comparison per argument in a rule: the values around the two are
 * allowed by ranges, the seven between them one by one). 0 or -1. */
static int
seccomp_arg_rules(scmp_filter_ctx ctx)
{
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
	    SCMP_A0(SCMP_CMP_MASKED_EQ, NEW_NAMESPACES, 0)) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 2,
	    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)AF_NETLINK, 0),
	    SCMP_A2(SCMP_CMP_EQ, (scmp_datum_t)NETLINK_ROUTE, 0)) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
	    SCMP_A1(SCMP_CMP_LT, (scmp_datum_t)TIOCSTI, 0)) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
	    SCMP_A1(SCMP_CMP_GT, (scmp_datum_t)TIOCLINUX, 0)) != 0)
		return -1;
	for (scmp_datum_t v = TIOCSTI + 1; v < TIOCLINUX; v++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
		    SCMP_A1(SCMP_CMP_EQ, v, 0)) != 0)
			return -1;
	return 0;
}

/* 1 applied, -1 failed (said). */
static int
seccomp_apply(bool log_only)
{
	scmp_filter_ctx ctx;
	size_t i;
	int rc = -1, nr;

	/* EPERM rather than killing: a library probing a call it can do without keeps working
	 * and the refusal is seen in its error; an exploit gets nothing more from it. */
	ctx = seccomp_init(log_only ? SCMP_ACT_LOG : SCMP_ACT_ERRNO(EPERM));
	if (ctx == NULL) {
		fprintf(stderr, "portier: sandbox: seccomp_init failed\n");
		return -1;
	}
	/* Threads already running (none expected) get the filter too. */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1) != 0)
		goto done;
	for (i = 0; i < sizeof(syscalls_allowed) / sizeof(syscalls_allowed[0]); i++) {
		nr = seccomp_syscall_resolve_name(syscalls_allowed[i]);
		if (nr == __NR_SCMP_ERROR)
			continue;	/* not on this architecture */
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) != 0)
			goto done;
	}
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
		    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)families[i], 0)) != 0)
			goto done;
	if (seccomp_arg_rules(ctx) != 0)
		goto done;
	if (seccomp_load(ctx) != 0)
		goto done;
	log_info(NULL, "sandbox: seccomp allow-list of %zu system calls (%s)",
	    sizeof(syscalls_allowed) / sizeof(syscalls_allowed[0]) + 4,
	    log_only ? "others logged" : "others refused with EPERM");
	rc = 1;
done:
	if (rc != 1)
		fprintf(stderr, "portier: sandbox: seccomp filter could not be loaded\n");
	seccomp_release(ctx);
	return rc;
}

/* Keeps the right to bind ports below 1024 (the listeners start later) and nothing else. */
static int
keep_bind_capability(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { { 0 } };

	d[0].effective = d[0].permitted = 1u << CAP_NET_BIND_SERVICE;
	return (int)syscall(SYS_capset, &h, d);
}

static int
drop_root(const struct config *c)
{
	struct passwd *pw;

	if (geteuid() != 0) {
		if (c->user[0] != '\0')
			log_info(NULL, "user = %s ignored: not started as root", c->user);
		return 0;
	}
	if (c->user[0] == '\0') {
		/* The demo (make run, a developer's machine, often a root container) is never
		 * production: a warning is enough there. */
		if (c->allow_root || c->demo) {
			log_warn(NULL, "serving as root (%s)", c->demo ? "demo mode" :
			    "allow_root = true");
			return 0;
		}
		fprintf(stderr, "portier: started as root: give the user to become (user = "
		    "portier) or allow_root = true\n");
		return -1;
	}
	pw = getpwnam(c->user);
	if (pw == NULL || pw->pw_uid == 0) {
		fprintf(stderr, "portier: user '%s': %s\n", c->user,
		    pw == NULL ? "no such user" : "is root");
		return -1;
	}
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0 ||
	    initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0 || prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0 ||
	    keep_bind_capability() != 0) {
		fprintf(stderr, "portier: becoming user '%s': %s\n", c->user, strerror(errno));
		return -1;
	}
	if (setuid(0) == 0) {
		fprintf(stderr, "portier: user '%s': root could be taken back\n", c->user);
		return -1;
	}
	log_info(NULL, "running as user %s (uid %u)", c->user, (unsigned)pw->pw_uid);
	return 0;
}

/* Test suites only: what the kernel says to forbidden actions, in the log. */
/* The rules with arguments: a clone into a new user namespace (a child that exits at once
 * when it is allowed), a netfilter netlink socket, TIOCSTI (on no descriptor: EPERM from
 * the filter, EBADF from the kernel). */
static void
probe_syscalls(void)
{
	char ch = 'x';
	long pid = syscall(SYS_clone, (unsigned long)(CLONE_NEWUSER | SIGCHLD), NULL, NULL,
	    NULL, NULL);
	int fd;

	if (pid == 0)
		_exit(0);
	if (pid < 0 && errno == EPERM)
		log_info(NULL, "sandbox probe: clone into a new user namespace refused: %s",
		    strerror(errno));
	else
		log_info(NULL, "sandbox probe: clone into a new user namespace ALLOWED");
	if (pid > 0)
		(void)waitpid((pid_t)pid, NULL, 0);
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
	if (fd < 0 && errno == EPERM)
		log_info(NULL, "sandbox probe: netfilter socket refused: %s", strerror(errno));
	else
		log_info(NULL, "sandbox probe: netfilter socket ALLOWED");
	if (fd >= 0)
		close(fd);
	if (ioctl(-1, TIOCSTI, &ch) != 0 && errno == EPERM)
		log_info(NULL, "sandbox probe: TIOCSTI refused: %s", strerror(errno));
	else
		log_info(NULL, "sandbox probe: TIOCSTI ALLOWED");
}

static void
probe(const struct config *c)
{
	char path[1200];
	int fd;
	/* A path that does not exist: without the filter the kernel says ENOENT and the
	 * server is not replaced. */
	char *const argv[] = { NULL };

	if (execve("/nonexistent/portier-sandbox-probe", argv, argv) != 0 && errno == EPERM)
		log_info(NULL, "sandbox probe: execve refused: %s", strerror(errno));
	else
		log_info(NULL, "sandbox probe: execve ALLOWED (reached the kernel: %s)",
		    strerror(errno));
	probe_syscalls();
	fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		log_info(NULL, "sandbox probe: read /etc/passwd refused: %s", strerror(errno));
	else {
		log_info(NULL, "sandbox probe: read /etc/passwd ALLOWED");
		close(fd);
	}
	snprintf(path, sizeof(path), "%s/sandbox-probe.txt", c->share_dir);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		log_info(NULL, "sandbox probe: write in the share folder refused: %s",
		    strerror(errno));
	else {
		log_info(NULL, "sandbox probe: write in the share folder ALLOWED");
		close(fd);
		unlink(path);
	}
}

/* Landlock then seccomp (the filter allows what Landlock's setup needed no more). */
static int
restrict_self(const struct config *c, const char *test_clock, bool required)
{
	int ll;

	/* SQLite's temporary files would go to /var/tmp or /tmp, outside Landlock's rules. */
	if (getenv("SQLITE_TMPDIR") == NULL && strchr(c->db, '=') == NULL &&
	    strncmp(c->db, "postgres", 8) != 0) {
		char dir[1024];

		parent_of(c->db, dir, sizeof(dir));
		if (setenv("SQLITE_TMPDIR", dir, 1) != 0)
			return -1;
	}
	ll = landlock_apply(c, test_clock);
	if (ll < 0)
		return -1;
	if (ll == 0) {
		if (required) {
			fprintf(stderr, "portier: sandbox = required but this kernel has no "
			    "Landlock\n");
			return -1;
		}
		log_warn(NULL, "sandbox: this kernel has no Landlock: files not restricted");
	}
#ifdef SANDBOX_SANITIZED
	const bool sanitized = true;
#else
	const bool sanitized = false;
#endif
	if (sanitized) {
		log_warn(NULL, "sandbox: sanitizer build: no seccomp filter (LeakSanitizer "
		    "needs ptrace)");
		return 0;
	}
	return seccomp_apply(strcmp(c->sandbox_syscalls, "log") == 0) < 0 ? -1 : 0;
}

int
sandbox_apply(const struct config *c, const char *test_clock)
{
	bool required = strcmp(c->sandbox, "required") == 0;
	const char *p;

	if (strcmp(c->sandbox, "off") != 0 && strcmp(c->sandbox, "on") != 0 && !required) {
		fprintf(stderr, "portier: sandbox must be off, on or required\n");
		return -1;
	}
	if (strcmp(c->sandbox_syscalls, "enforce") != 0 &&
	    strcmp(c->sandbox_syscalls, "log") != 0) {
		fprintf(stderr, "portier: sandbox_syscalls must be enforce or log\n");
		return -1;
	}
	if (drop_root(c) != 0)
		return -1;
	if (strcmp(c->sandbox, "off") == 0)
		log_warn(NULL, "sandbox = off: no Landlock, no seccomp filter");
	else if (restrict_self(c, test_clock, required) != 0)
		return -1;
	p = getenv("PORTIER_TEST_SANDBOX_PROBE");
	if (test_clock != NULL && p != NULL && strcmp(p, "1") == 0)
		probe(c);
	return 0;
}
