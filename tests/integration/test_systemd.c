/*
 * docketd under systemd's protocols, without systemd: readiness, STATUS=,
 * the watchdog, reload and stop read from the NOTIFY_SOCKET the harness
 * binds; SIGTERM under load; socket activation through
 * systemd-socket-activate, which passes listening sockets as systemd does.
 */
/* pidfd_open, prctl and SOCK_CLOEXEC: the test is Linux's, as docketd's unit is. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <regex.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

/* Debian's systemd package: tools/packages lists it. */
#define SOCKET_ACTIVATE "/usr/bin/systemd-socket-activate"

/* The watchdog interval the tests ask for: pings come every half of it. */
#define WATCHDOG_MS 1000

/* The clients of the SIGTERM test, and the acknowledged commands to have before it. */
#define LOAD_CLIENTS 4
#define LOAD_ACKED 200
/* How long docketd may take to stop with commands arriving. */
#define STOP_BOUND_S 5.0

/*
 * The next datagram on d's notify socket within timeout_ms, into buf.
 * Returns 0, or -1 when none came.
 */
static int notify_next(struct h_daemon *d, char *buf, size_t n, int timeout_ms)
{
	double deadline = h_now() + timeout_ms / 1000.0;
	for (;;) {
		ssize_t len = recv(d->notify_fd, buf, n - 1, MSG_DONTWAIT);
		if (len >= 0) {
			buf[len] = '\0';
			return 0;
		}
		double left = (deadline - h_now()) * 1000.0;
		if (left <= 0)
			return -1;
		struct pollfd p = {.fd = d->notify_fd, .events = POLLIN};
		poll(&p, 1, (int)left + 1);
	}
}

/* The next datagram holding substr within timeout_ms, into buf; 0 or -1. */
static int notify_until(struct h_daemon *d, const char *substr, char *buf, size_t n,
                        int timeout_ms)
{
	double deadline = h_now() + timeout_ms / 1000.0;
	for (;;) {
		double left = (deadline - h_now()) * 1000.0;
		if (left <= 0 || notify_next(d, buf, n, (int)left + 1) < 0)
			return -1;
		if (strstr(buf, substr))
			return 0;
	}
}

/* Drop what is queued on the notify socket. */
static void notify_drain(struct h_daemon *d)
{
	char buf[1024];
	while (recv(d->notify_fd, buf, sizeof buf, MSG_DONTWAIT) >= 0)
		;
}

/*
 * The last seq and commands per second of a STATUS= line of the form
 * docketd's unit documents. Returns 0, or -1 when buf holds none.
 */
static int status_line(const char *buf, long long *seq, long long *rate)
{
	regex_t re;
	regmatch_t m[3];
	assert_int_equal(regcomp(&re, "STATUS=serving: last seq ([0-9]+), ([0-9]+) commands/s",
	                         REG_EXTENDED),
	                 0);
	int rc = regexec(&re, buf, 3, m, 0);
	regfree(&re);
	if (rc != 0)
		return -1;
	*seq = strtoll(buf + m[1].rm_so, NULL, 10);
	*rate = strtoll(buf + m[2].rm_so, NULL, 10);
	return 0;
}

/*
 * The first STATUS= line of that form with a seq of at least min, within
 * timeout_ms; fails the test without one.
 */
static void status_reaching(struct h_daemon *d, long long min, long long *seq, long long *rate,
                            int timeout_ms)
{
	char buf[1024];
	double deadline = h_now() + timeout_ms / 1000.0;
	for (;;) {
		double left = (deadline - h_now()) * 1000.0;
		if (left <= 0 || notify_until(d, "STATUS=", buf, sizeof buf, (int)left + 1) < 0)
			fail_msg("no STATUS=serving: last seq N (N >= %lld), R commands/s within "
			         "%d ms",
			         min, timeout_ms);
		if (status_line(buf, seq, rate) == 0 && *seq >= min)
			return;
	}
}

/* Draft ref; it must be accepted. Returns the seq of its event. */
static long long draft_seq(struct h_daemon *d, const char *ref)
{
	docket_msg *m = NULL;
	assert_int_equal(h_draft(d, ref, &m), 0);
	long long seq = h_int(m, "seq");
	docket_msg_destroy(&m);
	assert_true(seq > 0);
	return seq;
}

/* READY=1 only once the database is open and both endpoints are bound; then STATUS= lines. */
static void test_ready_and_status(void **state)
{
	struct h_daemon *d = *state;
	long long seq, rate, first, last = 0;
	assert_int_equal(h_start(d), 0);
	/* Ready means serving: the first command needs no retry. */
	first = draft_seq(d, "R-1");

	/* An endpoint it cannot bind: it exits 69 and never says READY=1 (h_start saw none). */
	struct h_daemon *p = h_peer(d);
	assert_non_null(p);
	snprintf(p->cmd, sizeof p->cmd, "%s", d->cmd);
	assert_int_equal(h_start(p), -1);
	assert_int_equal(p->status, EX_UNAVAILABLE);

	/* The operator's line: the log's last seq and the rate, about once a second. */
	status_reaching(d, first, &seq, &rate, 5000);
	assert_int_equal(seq, first);
	assert_true(rate >= 0);
	for (int i = 2; i <= 6; i++) {
		char ref[16];
		snprintf(ref, sizeof ref, "R-%d", i);
		last = draft_seq(d, ref);
	}
	assert_int_equal(last, first + 5);
	status_reaching(d, last, &seq, &rate, 5000);
	assert_int_equal(seq, last);
	H_PASS(d);
}

/* Wait for WATCHDOG=1 within timeout_ms; returns 0 or -1. */
static int next_ping(struct h_daemon *d, int timeout_ms)
{
	char buf[1024];
	return notify_until(d, "WATCHDOG=1", buf, sizeof buf, timeout_ms);
}

/* The watchdog is pinged from the loop: a loop that does not turn sends nothing. */
static void test_watchdog(void **state)
{
	struct h_daemon *d = *state;
	char usec[64];
	snprintf(usec, sizeof usec, "WATCHDOG_USEC=%d", WATCHDOG_MS * 1000);
	/* No WATCHDOG_PID: the harness forks, and sd_watchdog_enabled(3) then takes it as ours. */
	d->env[0] = usec;
	size_t from = h_stderr_size(d);
	assert_int_equal(h_start(d), 0);
	assert_int_equal(h_wait_stderr(d, from, "watchdog: systemd expects a sign of life every 1000 ms",
	                               H_WAIT_MS),
	                 0);

	/* Pings come every half interval: never a whole interval without one. */
	int pings = 0;
	double last = h_now(), worst = 0, until = h_now() + 3.0;
	while (h_now() < until) {
		if (next_ping(d, WATCHDOG_MS) < 0)
			fail_msg("no WATCHDOG=1 within the %d ms interval", WATCHDOG_MS);
		double now = h_now();
		if (now - last > worst)
			worst = now - last;
		last = now;
		pings++;
	}
	print_message("%d pings in 3 s, the longest wait %.0f ms\n", pings, worst * 1000);
	assert_true(pings >= 4);
	assert_true(worst < WATCHDOG_MS / 1000.0);
	/* Commands go on meanwhile. */
	assert_int_equal(h_draft(d, "W-1", NULL), 0);

	/* A stopped loop is a wedged one: no ping for longer than the interval. */
	h_signal(d, SIGSTOP);
	int raw;
	assert_int_equal(waitpid(d->pid, &raw, WUNTRACED), d->pid);
	assert_true(WIFSTOPPED(raw));
	notify_drain(d);
	assert_int_equal(next_ping(d, WATCHDOG_MS * 3 / 2), -1);
	h_signal(d, SIGCONT);
	assert_int_equal(next_ping(d, WATCHDOG_MS), 0);
	assert_int_equal(h_draft(d, "W-2", NULL), 0);

	/* A watchdog meant for another process is not docketd's. */
	assert_int_equal(h_stop(d, H_WAIT_MS), 0);
	d->env[1] = "WATCHDOG_PID=1";
	from = h_stderr_size(d);
	assert_int_equal(h_start(d), 0);
	assert_int_equal(next_ping(d, WATCHDOG_MS * 3 / 2), -1);
	char *log = h_stderr(d);
	assert_non_null(log);
	assert_null(strstr(log + from, "watchdog:"));
	free(log);
	H_PASS(d);
}

/* SIGHUP: RELOADING=1, then READY=1 again; SIGTERM: STOPPING=1, then exit 0. */
static void test_reload_and_stop(void **state)
{
	struct h_daemon *d = *state;
	char buf[1024];
	h_signal(d, SIGHUP);
	assert_int_equal(notify_until(d, "RELOADING=1", buf, sizeof buf, H_WAIT_MS), 0);
	H_ASSERT_CONTAINS(buf, "MONOTONIC_USEC=");
	assert_int_equal(notify_until(d, "READY=1", buf, sizeof buf, H_WAIT_MS), 0);
	assert_int_equal(h_draft(d, "H-1", NULL), 0);
	h_signal(d, SIGTERM);
	assert_int_equal(notify_until(d, "STOPPING=1", buf, sizeof buf, H_WAIT_MS), 0);
	assert_int_equal(h_wait_exit(d, H_WAIT_MS), 0);
	H_PASS(d);
}

/*
 * One client of the load: drafts as fast as docketd answers, each with an
 * idempotency key, writing each acknowledged ref to out, until a call
 * fails (docketd stopped). Runs in a child process.
 */
static void load_client(const char *endpoint, int n, int out)
{
	docket_client *c = NULL;
	if (docket_client_new(&c, endpoint) < 0)
		_exit(1);
	docket_client_set_timeout(c, 3000);
	for (int i = 1;; i++) {
		char ref[32], idem[32], line[40];
		docket_request *r = NULL;
		docket_msg *m = NULL;
		snprintf(ref, sizeof ref, "L%d-%d", n, i);
		snprintf(idem, sizeof idem, "load-%d-%d", n, i);
		if (docket_request_new(&r, "draft") < 0 || docket_request_set_str(r, "ref", ref) < 0 ||
		    docket_request_set_str(r, "title", "Load") < 0 ||
		    docket_request_set_str(r, "text", "Drafted under load.") < 0 ||
		    docket_request_set_str(r, "justification", "A test.") < 0 ||
		    docket_request_set_str(r, "decision_maker", "pcc") < 0 ||
		    docket_request_set_str(r, "category", "spend") < 0 ||
		    docket_request_set_str(r, "idem", idem) < 0)
			_exit(1);
		int rc = docket_client_call(c, r, &m);
		docket_request_destroy(&r);
		docket_msg_destroy(&m);
		if (rc != 0)
			break;
		int len = snprintf(line, sizeof line, "%s\n", ref);
		if (write(out, line, (size_t)len) != len)
			_exit(1);
	}
	docket_client_destroy(&c);
	_exit(0);
}

/* Every command acknowledged before SIGTERM is in the database after it. */
static void test_sigterm_under_load(void **state)
{
	struct h_daemon *d = *state;
	int pipefd[2];
	pid_t kids[LOAD_CLIENTS];
	assert_int_equal(pipe(pipefd), 0);
	for (int i = 0; i < LOAD_CLIENTS; i++) {
		kids[i] = fork();
		assert_true(kids[i] >= 0);
		if (kids[i] == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			close(pipefd[0]);
			load_client(d->cmd, i + 1, pipefd[1]);
		}
		h_track(d, kids[i]);
	}
	close(pipefd[1]);

	/* The acknowledgements so far, one ref a line; SIGTERM once there are enough. */
	char *acked = NULL;
	size_t len = 0, cap = 0;
	int lines = 0;
	bool stopped = false;
	double stop_at = 0, deadline = h_now() + 60;
	for (;;) {
		char chunk[4096];
		struct pollfd p = {.fd = pipefd[0], .events = POLLIN};
		int left = (int)((deadline - h_now()) * 1000);
		if (left <= 0)
			fail_msg("the load stalled at %d acknowledged commands", lines);
		if (poll(&p, 1, left) <= 0)
			continue;
		ssize_t n = read(pipefd[0], chunk, sizeof chunk);
		if (n <= 0)
			break; /* every client has stopped */
		if (len + (size_t)n + 1 > cap) {
			cap = (len + (size_t)n + 1) * 2;
			acked = realloc(acked, cap);
			assert_non_null(acked);
		}
		memcpy(acked + len, chunk, (size_t)n);
		len += (size_t)n;
		acked[len] = '\0';
		for (ssize_t i = 0; i < n; i++)
			lines += chunk[i] == '\n';
		if (!stopped && lines >= LOAD_ACKED) {
			h_signal(d, SIGTERM);
			stop_at = h_now();
			stopped = true;
			int st = h_wait_exit(d, (int)(STOP_BOUND_S * 1000));
			double took = h_now() - stop_at;
			print_message("docketd stopped %.3f s after SIGTERM, with %d commands "
			              "acknowledged so far\n",
			              took, lines);
			if (st < 0)
				fail_msg("docketd did not stop within %.0f s of SIGTERM", STOP_BOUND_S);
			assert_int_equal(st, 0);
		}
	}
	close(pipefd[0]);
	for (int i = 0; i < LOAD_CLIENTS; i++) {
		assert_int_equal(h_reap(d, kids[i], H_WAIT_MS), 0);
		h_untrack(d, kids[i]);
	}
	assert_true(stopped);

	/* Each acknowledged draft is there, and the log runs without a gap. */
	assert_int_equal(h_start(d), 0);
	int found = 0;
	for (char *ref = strtok(acked, "\n"); ref; ref = strtok(NULL, "\n")) {
		docket_msg *m = NULL;
		if (h_call(d, &m, "get", "ref", ref, NULL) != 0)
			fail_msg("'%s' was acknowledged before SIGTERM and is not in the database",
			         ref);
		H_ASSERT_STR(h_str(m, "decision.ref"), ref);
		docket_msg_destroy(&m);
		found++;
	}
	print_message("%d acknowledged drafts, all kept\n", found);
	assert_true(found >= LOAD_ACKED);
	json_t *log = h_log_read(d);
	assert_true(json_array_size(log) >= (size_t)found);
	json_decref(log);
	free(acked);
	H_PASS(d);
}

/* A tcp port on 127.0.0.1 that nothing listens on now. */
static int free_port(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	close(fd);
	return ntohs(sa.sin_port);
}

/*
 * Run docketd under systemd-socket-activate listening on each of
 * listen[] (NULL-terminated; "ADDR:PORT" or a path), with names (NULL: none)
 * as --fdname, and docketd's own --listen / --publish. It becomes d's
 * docketd once it execs it, at the first connection: this returns when
 * the sockets are listening.
 */
static void activate(struct h_daemon *d, const char *const *listen, const char *names,
                     const char *cmd, const char *ev)
{
	const char *argv[40];
	char notify[160], fdname[80], san[3][300];
	int n = 0;
	if (access(SOCKET_ACTIVATE, X_OK) != 0)
		fail_msg("%s is missing: install Debian's systemd package (tools/packages)",
		         SOCKET_ACTIVATE);
	argv[n++] = SOCKET_ACTIVATE;
	int sockets = 0;
	for (; listen[sockets]; sockets++) {
		argv[n++] = "-l";
		argv[n++] = listen[sockets];
	}
	if (names) {
		snprintf(fdname, sizeof fdname, "--fdname=%s", names);
		argv[n++] = fdname;
	}
	/* It hands docketd only what -E names (and PATH, HOME...), as systemd would. */
	snprintf(notify, sizeof notify, "NOTIFY_SOCKET=%s", d->notify);
	argv[n++] = "-E";
	argv[n++] = notify;
	const char *sanitizers[] = {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"};
	for (int i = 0; i < 3; i++)
		if (getenv(sanitizers[i])) {
			snprintf(san[i], sizeof san[i], "%s=%s", sanitizers[i], getenv(sanitizers[i]));
			argv[n++] = "-E";
			argv[n++] = san[i];
		}
	argv[n++] = DOCKETD_PATH;
	argv[n++] = "--state-dir";
	argv[n++] = d->state_dir;
	argv[n++] = "--listen";
	argv[n++] = cmd;
	argv[n++] = "--publish";
	argv[n++] = ev;
	argv[n] = NULL;

	char *const env[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL};
	size_t from = h_stderr_size(d);
	int out = open(d->stderr_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	assert_true(out >= 0 && in >= 0);
	notify_drain(d);
	pid_t parent = getpid();
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		dup2(in, 0);
		dup2(out, 1);
		dup2(out, 2);
		execve(argv[0], (char *const *)argv, env);
		_exit(127);
	}
	close(out);
	close(in);
	/* The harness stops, waits for and tears down d->pid: the same process after the exec. */
	d->pid = pid;
	long pidfd = syscall(SYS_pidfd_open, pid, 0);
	d->pidfd = pidfd < 0 ? -1 : (int)pidfd;
	if (d->pidfd >= 0)
		fcntl(d->pidfd, F_SETFD, FD_CLOEXEC);
	char last[32];
	snprintf(last, sizeof last, " as %d.", 3 + sockets - 1);
	if (h_wait_stderr(d, from, last, H_WAIT_MS) != 0)
		fail_msg("systemd-socket-activate did not listen on its %d sockets", sockets);
}

/* Knock on the first socket (an address:port or a path): that starts docketd. */
static void knock(const char *at)
{
	int fd;
	if (at[0] == '/') {
		struct sockaddr_un sa = {.sun_family = AF_UNIX};
		snprintf(sa.sun_path, sizeof sa.sun_path, "%s", at);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		assert_true(fd >= 0);
		assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	} else {
		struct sockaddr_in sa = {.sin_family = AF_INET,
		                         .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
		                         .sin_port = htons((uint16_t)atoi(strrchr(at, ':') + 1))};
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		assert_true(fd >= 0);
		assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	}
	close(fd);
}

/*
 * After knock: wait for READY=1, take the endpoints from docketd's ready
 * line into d->cmd and d->ev, and connect d->client (with the state
 * directory's keys for tcp).
 */
static void activated(struct h_daemon *d, size_t from)
{
	if (h_wait_notify(d, "READY=1", H_READY_MS) != 0)
		fail_msg("docketd did not say READY=1 after the first connection");
	char *log = h_stderr(d);
	assert_non_null(log);
	const char *at = strstr(log + from, "ready: commands on ");
	assert_non_null(at);
	assert_int_equal(sscanf(at, "ready: commands on %255[^,], events on %255[^,]", d->cmd, d->ev),
	                 2);
	free(log);
	if (!strncmp(d->cmd, "tcp://", 6)) {
		char key[300], pub[300];
		snprintf(key, sizeof key, "%s/admin.key", d->state_dir);
		snprintf(pub, sizeof pub, "%s/server.pub", d->state_dir);
		assert_int_equal(docket_credentials_set(key, pub), 0);
	}
	assert_int_equal(docket_client_new(&d->client, d->cmd), 0);
	docket_client_set_timeout(d->client, H_WAIT_MS);
}

/* A subscriber on d->ev sees the draft of ref. */
static void event_seen(struct h_daemon *d, const char *ref)
{
	docket_msg *m = h_draft_seen(d, ref);
	H_ASSERT_STR(h_str(m, "ref"), ref);
	docket_msg_destroy(&m);
}

/* Sockets named commands and events are those endpoints, whatever docketd was told to bind. */
static void test_activation_by_name(void **state)
{
	struct h_daemon *d = *state;
	char a[2][32], want[2][96];
	int port[2] = {free_port(), free_port()};
	for (int i = 0; i < 2; i++) {
		snprintf(a[i], sizeof a[i], "127.0.0.1:%d", port[i]);
		snprintf(want[i], sizeof want[i], "tcp://%s", a[i]);
	}
	const char *listen[] = {a[0], a[1], NULL};
	size_t from = h_stderr_size(d);
	/* Port 0 would bind a port of its own: the ready line shows which it serves. */
	activate(d, listen, "commands:events", "tcp://127.0.0.1:0", "tcp://127.0.0.1:0");
	knock(a[0]);
	activated(d, from);
	H_ASSERT_STR(d->cmd, want[0]);
	H_ASSERT_STR(d->ev, want[1]);
	char *log = h_stderr(d);
	H_ASSERT_CONTAINS(log, "the command endpoint is the socket systemd passed as 'commands'");
	H_ASSERT_CONTAINS(log, "the event endpoint is the socket systemd passed as 'events'");
	free(log);

	/* Served with CURVE as a bound endpoint is: the admin key in, a stranger's key out. */
	event_seen(d, "S-1");
	struct h_key stranger;
	docket_client *c = NULL;
	docket_msg *m = NULL;
	h_key_make(d, "stranger.key", 0600, &stranger);
	assert_int_equal(h_client_as(d, stranger.path, NULL, 5000, &c), 0);
	docket_request *r = h_req("info", NULL);
	assert_int_not_equal(docket_client_call(c, r, &m), 0);
	docket_request_destroy(&r);
	docket_msg_destroy(&m);
	H_ASSERT_STR(docket_client_reason(c), "docketd refused this client's key");
	docket_client_destroy(&c);
	H_PASS(d);
}

/* Unnamed sockets (a socket unit's default name) go to the endpoint with their address. */
static void test_activation_by_address(void **state)
{
	struct h_daemon *d = *state;
	char a[2][32], ep[2][96];
	for (int i = 0; i < 2; i++) {
		snprintf(a[i], sizeof a[i], "127.0.0.1:%d", free_port());
		snprintf(ep[i], sizeof ep[i], "tcp://%s", a[i]);
	}
	const char *listen[] = {a[0], a[1], NULL};
	size_t from = h_stderr_size(d);
	/* systemd-socket-activate holds both ports: a docketd that bound them itself would exit 69. */
	activate(d, listen, NULL, ep[0], ep[1]);
	knock(a[0]);
	activated(d, from);
	H_ASSERT_STR(d->cmd, ep[0]);
	H_ASSERT_STR(d->ev, ep[1]);
	char *log = h_stderr(d);
	H_ASSERT_CONTAINS(log, "the command endpoint is the socket systemd passed as 'unknown'");
	H_ASSERT_CONTAINS(log, "the event endpoint is the socket systemd passed as 'unknown'");
	free(log);
	event_seen(d, "S-2");
	H_PASS(d);
}

/* A socket no endpoint takes would hold its clients for nobody: docketd refuses to start. */
static void test_activation_leftover(void **state)
{
	struct h_daemon *d = *state;
	char a[3][32], ep[2][96];
	for (int i = 0; i < 3; i++)
		snprintf(a[i], sizeof a[i], "127.0.0.1:%d", free_port());
	for (int i = 0; i < 2; i++)
		snprintf(ep[i], sizeof ep[i], "tcp://%s", a[i]);
	const char *listen[] = {a[0], a[1], a[2], NULL};
	size_t from = h_stderr_size(d);
	activate(d, listen, NULL, ep[0], ep[1]);
	knock(a[0]);
	assert_int_equal(h_wait_exit(d, H_READY_MS), EX_CONFIG);
	char *log = h_stderr(d);
	H_ASSERT_CONTAINS(log + from, "is neither the command nor the event endpoint");
	H_ASSERT_CONTAINS(log + from, a[2] + strlen("127.0.0.1:"));
	assert_null(strstr(log + from, "ready:"));
	free(log);
	assert_int_equal(h_wait_notify(d, "READY=1", 0), -2);

	/* A tcp socket named for an ipc endpoint would be served without CURVE: refused. */
	from = h_stderr_size(d);
	const char *two[] = {a[0], a[1], NULL};
	activate(d, two, "commands:events", d->cmd, d->ev);
	knock(a[0]);
	assert_int_equal(h_wait_exit(d, H_READY_MS), EX_CONFIG);
	log = h_stderr(d);
	H_ASSERT_CONTAINS(log + from, "is not a listening socket for the command endpoint ipc://");
	free(log);
	H_PASS(d);
}

/* ipc endpoints too; the socket files are systemd's and stay when docketd stops. */
static void test_activation_ipc(void **state)
{
	struct h_daemon *d = *state;
	const char *cmd = d->cmd + strlen("ipc://"), *ev = d->ev + strlen("ipc://");
	const char *listen[] = {cmd, ev, NULL};
	char want_cmd[256];
	snprintf(want_cmd, sizeof want_cmd, "%s", d->cmd);
	size_t from = h_stderr_size(d);
	activate(d, listen, "commands:events", d->cmd, d->ev);
	knock(cmd);
	activated(d, from);
	H_ASSERT_STR(d->cmd, want_cmd);
	event_seen(d, "S-3");
	assert_int_equal(h_stop(d, H_WAIT_MS), 0);
	struct stat st;
	assert_int_equal(stat(cmd, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	H_PASS(d);
}

/* Without LISTEN_FDS docketd binds its endpoints itself. */
static void test_activation_fallback(void **state)
{
	struct h_daemon *d = *state;
	size_t from = h_stderr_size(d);
	assert_int_equal(h_start_tcp(d), 0);
	assert_string_not_equal(d->cmd, "tcp://127.0.0.1:0");
	char *log = h_stderr(d);
	assert_null(strstr(log + from, "socket systemd passed"));
	free(log);
	event_seen(d, "S-4");
	H_PASS(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_ready_and_status, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_watchdog, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_reload_and_stop, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_sigterm_under_load, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_activation_by_name, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_activation_by_address, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_activation_leftover, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_activation_ipc, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_activation_fallback, h_setup, h_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
