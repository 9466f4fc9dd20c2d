/* The integration harness: docketd as a child process in a temporary directory. */
/* SOCK_CLOEXEC, MSG_DONTWAIT and inotify are Linux: the harness is test code for Linux only. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness_int.h"

static void drain_notify(struct h_daemon *d)
{
	char buf[1024];
	while (recv(d->notify_fd, buf, sizeof buf, MSG_DONTWAIT) >= 0)
		;
}

static int setup(void **state, bool start)
{
	struct h_daemon *d = calloc(1, sizeof *d);
	if (!d)
		return -1;
	d->pidfd = d->notify_fd = -1;
	snprintf(d->dir, sizeof d->dir, "/tmp/docket-it-XXXXXX");
	if (!mkdtemp(d->dir)) {
		free(d);
		return -1;
	}
	snprintf(d->state_dir, sizeof d->state_dir, "%s/state", d->dir);
	snprintf(d->cmd, sizeof d->cmd, "ipc://%s/cmd", d->dir);
	snprintf(d->ev, sizeof d->ev, "ipc://%s/ev", d->dir);
	snprintf(d->notify, sizeof d->notify, "%s/notify", d->dir);
	snprintf(d->stderr_path, sizeof d->stderr_path, "%s/stderr", d->dir);
	snprintf(d->config, sizeof d->config, "%s/docketd.ini", d->dir);

	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", d->notify);
	d->notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (d->notify_fd < 0 || bind(d->notify_fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		fprintf(stderr, "harness: cannot bind %s: %s\n", d->notify, strerror(errno));
		*state = d;
		h_teardown(state);
		return -1;
	}
	*state = d;
	if (start && h_start(d) != 0) {
		fprintf(stderr, "harness: docketd did not start (status %d)\n", d->status);
		h_teardown(state);
		return -1;
	}
	return 0;
}

int h_setup(void **state)
{
	return setup(state, false);
}

int h_setup_started(void **state)
{
	return setup(state, true);
}

int h_teardown(void **state)
{
	struct h_daemon *d = *state;
	if (!d)
		return 0;
	int rc = 0;
	if (d->peer) {
		void *peer = d->peer;
		d->peer->passed |= d->passed;
		rc = h_teardown(&peer);
		d->peer = NULL;
	}
	docket_client_destroy(&d->client);
	for (int i = 0; i < H_MAX_CHILDREN; i++) {
		if (d->children[i] > 0) {
			int raw;
			kill(d->children[i], SIGKILL);
			waitpid(d->children[i], &raw, 0);
			d->children[i] = 0;
		}
	}
	/* A test that passed also ends with a clean stop: exit 0, and no sanitizer report. */
	if (d->pid > 0 && d->passed) {
		int st = h_stop(d, H_WAIT_MS);
		if (st != 0) {
			fprintf(stderr, "harness: docketd exited %d on SIGTERM\n", st);
			d->passed = false;
			rc = -1;
		}
	}
	if (d->pid > 0)
		h_kill9(d);
	if (!d->passed) {
		char *err = h_stderr(d);
		fprintf(stderr, "---- docketd stderr (%s) ----\n%s---- end ----\n", d->dir,
		        err ? err : "(none)\n");
		free(err);
	}
	if (d->notify_fd >= 0)
		close(d->notify_fd);
	h_rmrf(d->dir);
	free(d);
	*state = NULL;
	return rc;
}

void h_track(struct h_daemon *d, pid_t pid)
{
	for (int i = 0; i < H_MAX_CHILDREN; i++)
		if (d->children[i] <= 0) {
			d->children[i] = pid;
			return;
		}
	fail_msg("harness: too many children");
}

void h_untrack(struct h_daemon *d, pid_t pid)
{
	for (int i = 0; i < H_MAX_CHILDREN; i++)
		if (d->children[i] == pid)
			d->children[i] = 0;
}

/* Reap docketd: record its status and forget it. */
static void reaped(struct h_daemon *d, int raw)
{
	d->status = h_status(raw);
	d->pid = 0;
	if (d->pidfd >= 0)
		close(d->pidfd);
	d->pidfd = -1;
}

int h_start_args(struct h_daemon *d, const char *const *extra)
{
	const char *argv[HARNESS_MAX_ARGS];
	char notify_env[160];
	int n = 0;

	if (d->pid > 0)
		return -2;
	docket_client_destroy(&d->client);
	argv[n++] = DOCKETD_PATH;
	argv[n++] = "--state-dir";
	argv[n++] = d->state_dir;
	argv[n++] = "--listen";
	argv[n++] = d->cmd;
	argv[n++] = "--publish";
	argv[n++] = d->ev;
	if (d->use_config) {
		argv[n++] = "-c";
		argv[n++] = d->config;
	}
	for (size_t i = 0; extra && extra[i] && n < HARNESS_MAX_ARGS - 1; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;

	snprintf(notify_env, sizeof notify_env, "NOTIFY_SOCKET=%s", d->notify);
	const char *env_extra[10] = {notify_env};
	for (size_t i = 0; i < 8 && d->env[i]; i++)
		env_extra[i + 1] = d->env[i];
	char **env = harness_child_env(env_extra);
	int out = open(d->stderr_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (!env || out < 0 || in < 0) {
		free(env);
		if (out >= 0)
			close(out);
		if (in >= 0)
			close(in);
		return -2;
	}
	/* Datagrams of an earlier docketd must not pass for this one's. */
	drain_notify(d);

	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		harness_child_prepare(parent, in, out, out);
		execve(argv[0], (char *const *)argv, env);
		_exit(127);
	}
	free(env);
	close(out);
	close(in);
	if (pid < 0)
		return -2;
	d->pid = pid;
	d->pidfd = harness_pidfd(pid);

	/* READY=1, or the child's end, whichever comes first. */
	double deadline = h_now() + H_READY_MS / 1000.0;
	for (;;) {
		char buf[1024];
		ssize_t len;
		while ((len = recv(d->notify_fd, buf, sizeof buf - 1, MSG_DONTWAIT)) >= 0) {
			buf[len] = '\0';
			if (strstr(buf, "READY=1")) {
				if (harness_use_keys(d) < 0 ||
				    docket_client_new(&d->client, d->cmd) < 0)
					return -2;
				docket_client_set_timeout(d->client, H_WAIT_MS);
				return 0;
			}
		}
		int raw;
		if (waitpid(pid, &raw, WNOHANG) == pid) {
			reaped(d, raw);
			return -1;
		}
		int left = harness_remaining_ms(deadline);
		if (left == 0) {
			h_kill9(d);
			return -2;
		}
		struct pollfd p[2] = {{.fd = d->notify_fd, .events = POLLIN},
		                      {.fd = d->pidfd, .events = POLLIN}};
		/* Without a pidfd an early exit is noticed at the next short wait. */
		poll(p, d->pidfd >= 0 ? 2 : 1, d->pidfd >= 0 ? left : (left < 20 ? left : 20));
	}
}

int h_start(struct h_daemon *d)
{
	return h_start_args(d, NULL);
}

void h_faketime(struct h_daemon *d, const char *spec)
{
	if (!spec) {
		d->env[0] = NULL;
		return;
	}
	if (access(H_LIBFAKETIME, R_OK) != 0)
		skip();
	snprintf(d->faketime, sizeof d->faketime, "FAKETIME=%s", spec);
	d->env[0] = "LD_PRELOAD=" H_LIBFAKETIME;
	d->env[1] = d->faketime;
	/* Read FAKETIME afresh at every call, not once a minute. */
	d->env[2] = "FAKETIME_NO_CACHE=1";
	/* AddressSanitizer wants to be loaded first; libfaketime before it is harmless. */
	const char *asan = getenv("ASAN_OPTIONS");
	snprintf(d->asan, sizeof d->asan, "ASAN_OPTIONS=%s%sverify_asan_link_order=0",
	         asan ? asan : "", asan && *asan ? ":" : "");
	d->env[3] = d->asan;
	/* FAKETIME's "@YYYY-MM-DD HH:MM:SS" is read in the local zone: make that UTC. */
	d->env[4] = "TZ=UTC";
	d->env[5] = NULL;
}

int h_stop(struct h_daemon *d, int timeout_ms)
{
	int raw;
	docket_client_destroy(&d->client);
	if (d->pid <= 0)
		return d->status;
	kill(d->pid, SIGTERM);
	if (harness_wait_exit(d->pid, d->pidfd, timeout_ms, &raw) < 0) {
		h_kill9(d);
		return -1;
	}
	reaped(d, raw);
	return d->status;
}

int h_wait_exit(struct h_daemon *d, int timeout_ms)
{
	int raw;
	if (d->pid <= 0)
		return d->status;
	if (harness_wait_exit(d->pid, d->pidfd, timeout_ms, &raw) < 0)
		return -1;
	docket_client_destroy(&d->client);
	reaped(d, raw);
	return d->status;
}

struct h_daemon *h_peer(struct h_daemon *d)
{
	void *state = NULL;
	if (d->peer)
		return d->peer;
	if (setup(&state, false) < 0)
		return NULL;
	d->peer = state;
	return d->peer;
}

void h_kill9(struct h_daemon *d)
{
	int raw;
	docket_client_destroy(&d->client);
	if (d->pid <= 0)
		return;
	kill(d->pid, SIGKILL);
	if (waitpid(d->pid, &raw, 0) == d->pid)
		reaped(d, raw);
	else
		d->pid = 0;
}

int h_restart(struct h_daemon *d)
{
	int st = h_stop(d, H_WAIT_MS);
	if (st != 0)
		return -1;
	return h_start(d);
}

void h_signal(struct h_daemon *d, int sig)
{
	if (d->pid > 0)
		kill(d->pid, sig);
}

bool h_alive(struct h_daemon *d)
{
	int raw;
	if (d->pid <= 0)
		return false;
	pid_t r = waitpid(d->pid, &raw, WNOHANG);
	if (r == d->pid) {
		reaped(d, raw);
		return false;
	}
	return r == 0;
}

int h_wait_notify(struct h_daemon *d, const char *substr, int timeout_ms)
{
	double deadline = h_now() + timeout_ms / 1000.0;
	for (;;) {
		char buf[1024];
		ssize_t len;
		while ((len = recv(d->notify_fd, buf, sizeof buf - 1, MSG_DONTWAIT)) >= 0) {
			buf[len] = '\0';
			if (strstr(buf, substr))
				return 0;
		}
		if (!h_alive(d))
			return -2;
		int left = harness_remaining_ms(deadline);
		if (left == 0)
			return -1;
		struct pollfd p[2] = {{.fd = d->notify_fd, .events = POLLIN},
		                      {.fd = d->pidfd, .events = POLLIN}};
		poll(p, d->pidfd >= 0 ? 2 : 1, d->pidfd >= 0 ? left : (left < 20 ? left : 20));
	}
}

size_t h_stderr_size(const struct h_daemon *d)
{
	struct stat st;
	return stat(d->stderr_path, &st) == 0 ? (size_t)st.st_size : 0;
}

char *h_stderr(const struct h_daemon *d)
{
	return h_read_file(d->stderr_path, NULL);
}

int h_wait_stderr(struct h_daemon *d, size_t from, const char *substr, int timeout_ms)
{
	double deadline = h_now() + timeout_ms / 1000.0;
	int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	int rc = -1;
	if (fd < 0)
		return -1;
	/* Watch first, then look, so that nothing written in between is missed. */
	if (inotify_add_watch(fd, d->stderr_path, IN_MODIFY) < 0)
		goto out;
	for (;;) {
		size_t len;
		char *text = h_read_file(d->stderr_path, &len);
		bool found = text && len > from && strstr(text + from, substr);
		free(text);
		if (found) {
			rc = 0;
			break;
		}
		int left = harness_remaining_ms(deadline);
		if (left == 0)
			break;
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, left) > 0) {
			char ev[4096];
			while (read(fd, ev, sizeof ev) > 0)
				;
		}
	}
out:
	close(fd);
	return rc;
}

int h_write_config(struct h_daemon *d, const char *text)
{
	d->use_config = true;
	return h_write_bytes(d->config, text, strlen(text));
}

int harness_use_keys(const struct h_daemon *d)
{
	char key[300], pub[300];
	if (strncmp(d->cmd, "tcp://", 6) != 0)
		return 0;
	snprintf(key, sizeof key, "%s/admin.key", d->state_dir);
	snprintf(pub, sizeof pub, "%s/server.pub", d->state_dir);
	return docket_credentials_set(key, pub);
}

int h_start_tcp(struct h_daemon *d)
{
	static const char *const extra[] = {"--listen", "tcp://127.0.0.1:0", "--publish",
	                                    "tcp://127.0.0.1:0", NULL};
	char key[300], pub[300];
	size_t from = h_stderr_size(d);
	int rc = h_start_args(d, extra);
	if (rc != 0)
		return rc;
	/* Logged before READY=1 is sent: it is in the file by now. */
	char *log = h_stderr(d);
	const char *at = log ? strstr(log + from, "ready: commands on ") : NULL;
	int n =
	    at ? sscanf(at, "ready: commands on %255[^,], events on %255[^,]", d->cmd, d->ev) : 0;
	free(log);
	if (n != 2)
		return -2;
	snprintf(key, sizeof key, "%s/admin.key", d->state_dir);
	snprintf(pub, sizeof pub, "%s/server.pub", d->state_dir);
	docket_client_destroy(&d->client);
	if (docket_credentials_set(key, pub) < 0 || docket_client_new(&d->client, d->cmd) < 0)
		return -2;
	docket_client_set_timeout(d->client, H_WAIT_MS);
	return 0;
}
