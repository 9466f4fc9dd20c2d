/* watch --exec: one event handed to the user's command, through /bin/sh -c, and its verdict. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

extern char **environ;

/* The variables watch sets: the command never sees watch's own values of them. */
static const char *const own[] = {
    "DOCKET_SEQ=", "DOCKET_TYPE=", "DOCKET_REF=", "DOCKET_DELIVERIES=", NULL};

static bool is_own(const char *entry)
{
	for (size_t i = 0; own[i]; i++)
		if (!strncmp(entry, own[i], strlen(own[i])))
			return true;
	return false;
}

static char *variable(const char *name, const char *value)
{
	size_t n = strlen(name) + strlen(value) + 2;
	char *s = malloc(n);
	if (s)
		snprintf(s, n, "%s=%s", name, value);
	return s;
}

/*
 * The command's environment: watch's, with the event's variables. Built
 * before the command starts, since libzmq's threads make anything but
 * exec unsafe in a forked child. vars receives what to free.
 */
static char **environment(const docket_msg *ev, int deliveries, char *vars[4])
{
	size_t n = 0;
	int64_t seq = 0;
	const char *type = NULL, *ref = NULL;
	char num[32];

	while (environ[n])
		n++;
	char **env = calloc(n + 5, sizeof *env);
	if (!env)
		return NULL;
	docket_msg_get_int(ev, "seq", &seq);
	docket_msg_get_str(ev, "type", &type);
	docket_msg_get_str(ev, "ref", &ref);
	snprintf(num, sizeof num, "%" PRId64, seq);
	vars[0] = variable("DOCKET_SEQ", num);
	vars[1] = variable("DOCKET_TYPE", type ? type : "");
	snprintf(num, sizeof num, "%d", deliveries);
	vars[2] = variable("DOCKET_DELIVERIES", num);
	/* Only decision events have a ref: DOCKET_REF is unset for the others. */
	vars[3] = ref ? variable("DOCKET_REF", ref) : NULL;
	if (!vars[0] || !vars[1] || !vars[2] || (ref && !vars[3])) {
		free(env);
		return NULL;
	}
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!is_own(environ[i]))
			env[k++] = environ[i];
	for (int i = 0; i < 4; i++)
		if (vars[i])
			env[k++] = vars[i];
	env[k] = NULL;
	return env;
}

/*
 * Write all of buf to the command's stdin. A command that does not read it
 * (touch, curl without -d @-) closes the pipe early: that is no failure, so
 * SIGPIPE is held off here and taken back before it can end watch.
 */
static void feed(int fd, const char *buf, size_t len)
{
	sigset_t pipe_only, old, pending;

	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		buf += n;
		len -= (size_t)n;
	}
	sigemptyset(&pending);
	if (sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE))
		sigtimedwait(&pipe_only, NULL, &(struct timespec){0, 0});
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

int cli_exec_event(const struct cli *cli, const char *cmd, const docket_msg *ev, const char *json,
                   int deliveries)
{
	char *vars[4] = {NULL, NULL, NULL, NULL};
	char **env = NULL;
	int fds[2] = {-1, -1}, raw, rc, status = -1;
	pid_t pid;
	posix_spawn_file_actions_t fa;
	char *const argv[] = {"sh", "-c", (char *)cmd, NULL};

	if (!(env = environment(ev, deliveries, vars))) {
		cli_fail(cli, 0, "--exec: out of memory");
		goto out;
	}
	if (pipe(fds) < 0 || fcntl(fds[0], F_SETFD, FD_CLOEXEC) < 0 ||
	    fcntl(fds[1], F_SETFD, FD_CLOEXEC) < 0) {
		cli_fail(cli, 0, "--exec: cannot make a pipe: %s", strerror(errno));
		goto out;
	}
	/* What watch printed before must come before what the command prints. */
	fflush(stdout);
	if ((rc = posix_spawn_file_actions_init(&fa)) != 0) {
		cli_fail(cli, 0, "--exec: %s", strerror(rc));
		goto out;
	}
	rc = posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
	if (rc == 0)
		rc = posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		cli_fail(cli, 0, "--exec: cannot run /bin/sh: %s", strerror(rc));
		goto out;
	}
	close(fds[0]);
	fds[0] = -1;
	feed(fds[1], json, strlen(json));
	feed(fds[1], "\n", 1);
	close(fds[1]);
	fds[1] = -1;
	/* A signal to watch ends it after this event: the command is waited for all the same. */
	while (waitpid(pid, &raw, 0) < 0)
		if (errno != EINTR) {
			cli_fail(cli, 0, "--exec: %s", strerror(errno));
			goto out;
		}
	status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
out:
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	for (int i = 0; i < 4; i++)
		free(vars[i]);
	free(env);
	return status;
}
