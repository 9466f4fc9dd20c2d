/* The harness's processes: running children with a timeout, files and times. */
/* pipe2 and nftw are Linux and XSI: the harness is test code for Linux only. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness_int.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

#define MAX_ENV 512

extern char **environ;

double h_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int harness_remaining_ms(double deadline)
{
	double left = (deadline - h_now()) * 1000.0;
	return left <= 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left + 1;
}

int h_status(int raw)
{
	if (WIFEXITED(raw))
		return WEXITSTATUS(raw);
	if (WIFSIGNALED(raw))
		return 128 + WTERMSIG(raw);
	return -1;
}

int harness_pidfd(pid_t pid)
{
	long fd = syscall(SYS_pidfd_open, pid, 0);
	if (fd >= 0)
		fcntl((int)fd, F_SETFD, FD_CLOEXEC);
	return fd < 0 ? -1 : (int)fd;
}

int harness_wait_exit(pid_t pid, int pidfd, int timeout_ms, int *raw)
{
	double deadline = h_now() + timeout_ms / 1000.0;
	for (;;) {
		pid_t r = waitpid(pid, raw, WNOHANG);
		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
		int left = harness_remaining_ms(deadline);
		if (left == 0)
			return -1;
		if (pidfd >= 0) {
			struct pollfd p = {.fd = pidfd, .events = POLLIN};
			poll(&p, 1, left);
		} else {
			poll(NULL, 0, left < 10 ? left : 10);
		}
	}
}

char **harness_child_env(const char *const *extra)
{
	static const char *const drop[] = {"NOTIFY_SOCKET=", "JOURNAL_STREAM=", "DOCKET_",
	                                   "LISTEN_FDS=",    "LISTEN_PID=",     NULL};
	char **env = calloc(MAX_ENV + 1, sizeof *env);
	size_t n = 0;
	if (!env)
		return NULL;
	for (char **e = environ; *e && n < MAX_ENV - 16; e++) {
		bool keep = true;
		for (size_t i = 0; drop[i]; i++)
			if (!strncmp(*e, drop[i], strlen(drop[i])))
				keep = false;
		if (keep)
			env[n++] = *e;
	}
	for (size_t i = 0; extra && extra[i] && n < MAX_ENV; i++)
		env[n++] = (char *)extra[i];
	env[n] = NULL;
	return env;
}

void harness_child_prepare(pid_t parent, int in, int out, int err)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	if (in >= 0 && in != 0)
		dup2(in, 0);
	if (out >= 0 && out != 1)
		dup2(out, 1);
	if (err >= 0 && err != 2)
		dup2(err, 2);
}

void harness_append(char **buf, size_t *len, size_t *cap, const char *data, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t c = *cap ? *cap : 4096;
		while (*len + n + 1 > c)
			c *= 2;
		char *b = realloc(*buf, c);
		if (!b)
			return;
		*buf = b;
		*cap = c;
	}
	memcpy(*buf + *len, data, n);
	*len += n;
	(*buf)[*len] = '\0';
}

int h_run(struct h_proc *p, const char *const *argv, const char *const *env, int timeout_ms)
{
	int outp[2] = {-1, -1}, errp[2] = {-1, -1};
	size_t cap[2] = {0, 0}, len[2] = {0, 0};
	char *buf[2] = {NULL, NULL};
	double start = h_now(), deadline = start + timeout_ms / 1000.0;
	int rc = -1, raw = 0;

	memset(p, 0, sizeof *p);
	p->status = -1;
	char **envp = harness_child_env(env);
	int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (!envp || in < 0 || pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0)
		goto out;
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		harness_child_prepare(parent, in, outp[1], errp[1]);
		execve(argv[0], (char *const *)argv, envp);
		_exit(127);
	}
	if (pid < 0)
		goto out;
	close(outp[1]);
	close(errp[1]);
	outp[1] = errp[1] = -1;
	int pidfd = harness_pidfd(pid);

	int fds[2] = {outp[0], errp[0]};
	bool timed_out = false;
	while (fds[0] >= 0 || fds[1] >= 0) {
		struct pollfd pf[2] = {{.fd = fds[0], .events = POLLIN},
		                       {.fd = fds[1], .events = POLLIN}};
		int left = harness_remaining_ms(deadline);
		if (left == 0 || poll(pf, 2, left) == 0) {
			timed_out = true;
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (fds[i] < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			char chunk[8192];
			ssize_t n = read(fds[i], chunk, sizeof chunk);
			if (n > 0)
				harness_append(&buf[i], &len[i], &cap[i], chunk, (size_t)n);
			else if (n == 0 || errno != EINTR)
				fds[i] = -1;
		}
	}
	if (timed_out || harness_wait_exit(pid, pidfd, harness_remaining_ms(deadline), &raw) < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &raw, 0);
		fprintf(stderr, "harness: %s timed out and was killed\n", argv[0]);
	} else {
		p->status = h_status(raw);
		rc = 0;
	}
	if (pidfd >= 0)
		close(pidfd);
	p->seconds = h_now() - start;
out:
	for (int i = 0; i < 2; i++) {
		if (outp[i] >= 0)
			close(outp[i]);
		if (errp[i] >= 0)
			close(errp[i]);
	}
	if (in >= 0)
		close(in);
	free(envp);
	p->out = buf[0] ? buf[0] : strdup("");
	p->out_len = len[0];
	p->err = buf[1] ? buf[1] : strdup("");
	return rc;
}

void h_proc_free(struct h_proc *p)
{
	free(p->out);
	free(p->err);
	p->out = p->err = NULL;
}

int h_cli_argv(struct h_daemon *d, struct h_proc *p, const char *const *args)
{
	const char *argv[HARNESS_MAX_ARGS];
	char ep[300], ev[300], key[300], pub[300];
	int n = 0;

	argv[n++] = DOCKET_CLI_PATH;
	for (size_t i = 0; args[i] && n < HARNESS_MAX_ARGS - 1; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	snprintf(ep, sizeof ep, "DOCKET_ENDPOINT=%s", d->cmd);
	snprintf(ev, sizeof ev, "DOCKET_EVENTS=%s", d->ev);
	/* The keys docketd made on first start, for tcp endpoints. */
	snprintf(key, sizeof key, "DOCKET_KEY=%s/admin.key", d->state_dir);
	snprintf(pub, sizeof pub, "DOCKET_SERVER_KEY=%s/server.pub", d->state_dir);
	const char *env[] = {ep, ev, key, pub, NULL};
	return h_run(p, argv, env, 20000);
}

int h_cli(struct h_daemon *d, struct h_proc *p, ...)
{
	const char *args[HARNESS_MAX_ARGS];
	int n = 0;
	va_list ap;

	va_start(ap, p);
	while (n < HARNESS_MAX_ARGS - 1 && (args[n] = va_arg(ap, const char *)))
		n++;
	va_end(ap);
	args[n] = NULL;
	return h_cli_argv(d, p, args);
}

pid_t h_spawn_piped(struct h_daemon *d, const char *const *argv, const char *const *env,
                    int *out_fd)
{
	int pipefd[2];
	char errpath[128];
	snprintf(errpath, sizeof errpath, "%s/child.err", d->dir);
	char **envp = harness_child_env(env);
	int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int err = open(errpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (!envp || in < 0 || err < 0 || pipe2(pipefd, O_CLOEXEC) < 0) {
		free(envp);
		if (in >= 0)
			close(in);
		if (err >= 0)
			close(err);
		return -1;
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		harness_child_prepare(parent, in, pipefd[1], err);
		execve(argv[0], (char *const *)argv, envp);
		_exit(127);
	}
	free(envp);
	close(in);
	close(err);
	close(pipefd[1]);
	if (pid < 0) {
		close(pipefd[0]);
		return -1;
	}
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
	*out_fd = pipefd[0];
	h_track(d, pid);
	return pid;
}

int h_reap(struct h_daemon *d, pid_t pid, int timeout_ms)
{
	int raw;
	int pidfd = harness_pidfd(pid);
	int rc = harness_wait_exit(pid, pidfd, timeout_ms, &raw);
	if (pidfd >= 0)
		close(pidfd);
	if (rc < 0)
		return -1;
	h_untrack(d, pid);
	return h_status(raw);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void h_rmrf(const char *path)
{
	if (path && *path)
		nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int h_write_bytes(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	const char *p = buf;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return close(fd);
}

char *h_read_file(const char *path, size_t *lenp)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf = NULL;
	size_t len = 0, cap = 0;
	if (fd < 0)
		return NULL;
	for (;;) {
		char chunk[8192];
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		harness_append(&buf, &len, &cap, chunk, (size_t)n);
	}
	close(fd);
	if (!buf)
		buf = calloc(1, 1);
	if (lenp)
		*lenp = len;
	return buf;
}

const char *h_utc(char *buf, size_t size, long offset_s)
{
	time_t t = time(NULL) + offset_s;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}
