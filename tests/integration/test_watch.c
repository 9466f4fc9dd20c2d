/*
 * docket watch on libdocket's stream and durable cursors, against the real
 * docketd: the log as JSON lines and as --format lines, --count and
 * --timeout, a docketd killed and restarted under it, cursors that resume
 * with nothing repeated and acknowledge only what was handled, --exec, and
 * the cursor commands.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

#define MAX_ARGS 32

/* A docket watch running beside the test, its stdout read as it comes. */
struct watcher {
	pid_t pid;
	int fd;
	char out[1 << 17];
	size_t len;
	bool eof;
};

static void w_start(struct h_daemon *d, struct watcher *w, const char *const *args)
{
	const char *argv[MAX_ARGS] = {DOCKET_CLI_PATH};
	char ep[300], ev[300];
	int n = 1;

	for (size_t i = 0; args[i] && n < MAX_ARGS - 1; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	snprintf(ep, sizeof ep, "DOCKET_ENDPOINT=%s", d->cmd);
	snprintf(ev, sizeof ev, "DOCKET_EVENTS=%s", d->ev);
	const char *env[] = {ep, ev, NULL};
	w->len = 0;
	w->eof = false;
	w->out[0] = '\0';
	w->pid = h_spawn_piped(d, argv, env, &w->fd);
	assert_true(w->pid > 0);
}

/* Read what the watcher wrote, waiting up to timeout_ms for the first of it. */
static void w_read(struct watcher *w, int timeout_ms)
{
	struct pollfd p = {.fd = w->fd, .events = POLLIN};
	if (w->eof || poll(&p, 1, timeout_ms) <= 0)
		return;
	for (;;) {
		assert_true(w->len + 1 < sizeof w->out);
		ssize_t n = read(w->fd, w->out + w->len, sizeof w->out - 1 - w->len);
		if (n > 0) {
			w->len += (size_t)n;
			w->out[w->len] = '\0';
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else {
			w->eof = n == 0 || errno != EAGAIN;
			return;
		}
	}
}

static int w_lines(const struct watcher *w)
{
	int n = 0;
	for (size_t i = 0; i < w->len; i++)
		n += w->out[i] == '\n';
	return n;
}

/* Wait until the watcher has printed n lines, or ended, or timeout_ms passed. */
static int w_wait_lines(struct watcher *w, int n, int timeout_ms)
{
	double deadline = h_now() + timeout_ms / 1000.0;
	while (!w->eof && w_lines(w) < n && h_now() < deadline)
		w_read(w, 100);
	return w_lines(w);
}

/* Read to the end and reap the watcher: its exit status. */
static int w_finish(struct h_daemon *d, struct watcher *w)
{
	double deadline = h_now() + H_WAIT_MS / 1000.0;
	while (!w->eof && h_now() < deadline)
		w_read(w, 100);
	close(w->fd);
	return h_reap(d, w->pid, H_WAIT_MS);
}

/* Run "docket ARGS..." to its end; p receives what it left (h_proc_free it). */
static void cli(struct h_daemon *d, struct h_proc *p, ...)
{
	const char *a[MAX_ARGS];
	int n = 0;
	va_list ap;
	va_start(ap, p);
	while (n < MAX_ARGS - 1 && (a[n] = va_arg(ap, const char *)))
		n++;
	va_end(ap);
	a[n] = NULL;
	if (h_cli_argv(d, p, a) != 0) {
		h_proc_free(p);
		fail_msg("docket %s %s: did not finish in time (killed)", a[0], n > 1 ? a[1] : "");
	}
}

/* Fail unless p exited with status, showing what it printed otherwise. */
static void expect_status(const struct h_proc *p, int status, const char *what)
{
	if (p->status != status)
		fail_msg("%s: exit %d, expected %d\nstdout: %s\nstderr: %s", what, p->status,
		         status, p->out, p->err);
}

/* Line i (from 0) of text as JSON, or NULL. */
static json_t *line_json(const char *text, int i)
{
	for (; i > 0 && text; i--)
		if ((text = strchr(text, '\n')))
			text++;
	if (!text || !*text)
		return NULL;
	char *line = strndup(text, strcspn(text, "\n"));
	json_t *j = h_json(line);
	free(line);
	return j;
}

static int count_lines(const char *text)
{
	int n = 0;
	for (; *text; text++)
		n += *text == '\n';
	return n;
}

/* Every event in the log, from the events query (caller json_decref). */
static json_t *log_events(struct h_daemon *d)
{
	docket_msg *m = NULL;
	assert_int_equal(h_call(d, &m, "events", "#after_seq", "0", NULL), 0);
	json_t *j = h_msg_json(m);
	docket_msg_destroy(&m);
	json_t *events = json_incref(h_jpath(j, "events"));
	json_decref(j);
	assert_non_null(events);
	return events;
}

/* Fail unless out is n lines, line i the log's event seqs[i], as JSON. */
static void expect_log_seqs(struct h_daemon *d, const char *out, const int64_t *seqs, int n)
{
	json_t *events = log_events(d);
	if (count_lines(out) != n)
		fail_msg("%d lines, expected %d:\n%s", count_lines(out), n, out);
	for (int i = 0; i < n; i++) {
		json_t *line = line_json(out, i);
		if (!line)
			fail_msg("line %d is not JSON: %s", i, out);
		json_t *want = json_array_get(events, (size_t)(seqs[i] - 1));
		if (!json_equal(line, want)) {
			char *a = json_dumps(line, JSON_COMPACT),
			     *b = json_dumps(want, JSON_COMPACT);
			fail_msg("line %d differs from the log:\n%s\n%s", i, a, b);
		}
		json_decref(line);
	}
	json_decref(events);
}

/* expect_log_seqs for the seqs first..first+n-1. */
static void expect_log_lines(struct h_daemon *d, const char *out, int64_t first, int n)
{
	int64_t seqs[64];
	assert_true(n <= 64);
	for (int i = 0; i < n; i++)
		seqs[i] = first + i;
	expect_log_seqs(d, out, seqs, n);
}

/* Six events of four kinds: drafts, a submit, a return with a comment, a meeting and an item. */
static void make_events(struct h_daemon *d)
{
	int64_t meeting, item;
	assert_int_equal(h_draft(d, "A-1", NULL), 0);
	assert_int_equal(h_draft(d, "A-2", NULL), 0);
	assert_int_equal(h_change(d, "submit", "ref", "A-1", NULL), 3);
	assert_int_equal(
	    h_change(d, "return", "ref", "A-1", "comment", "costs {not} \"shown\"\tyet", NULL), 4);
	h_meeting_item(d, 86400, &meeting, &item);
}

/* A cursor's map from the cursors query, as JSON (caller json_decref); NULL when none. */
static json_t *cursor_state(struct h_daemon *d, const char *name)
{
	docket_msg *m = NULL;
	json_t *found = NULL;
	assert_int_equal(h_call(d, &m, "cursors", NULL), 0);
	json_t *j = h_msg_json(m);
	docket_msg_destroy(&m);
	json_t *all = json_object_get(j, "cursors");
	for (size_t i = 0; i < json_array_size(all); i++) {
		json_t *c = json_array_get(all, i);
		if (!strcmp(h_jstr(c, "name") ? h_jstr(c, "name") : "", name))
			found = json_incref(c);
	}
	json_decref(j);
	return found;
}

/* Wait until cursor name's key reaches want (polled with a deadline). */
static void wait_cursor(struct h_daemon *d, const char *name, const char *key, int64_t want)
{
	double deadline = h_now() + H_WAIT_MS / 1000.0;
	int64_t got = INT64_MIN;
	while (h_now() < deadline) {
		json_t *c = cursor_state(d, name);
		got = c ? h_jint(c, key) : INT64_MIN;
		json_decref(c);
		if (got == want)
			return;
		poll(NULL, 0, 20);
	}
	fail_msg("cursor %s: %s is %lld, expected %lld", name, key, (long long)got,
	         (long long)want);
}

/* --since 1 --json gives the log itself, history's shape; prefixes and a middle start too. */
static void test_watch_since_json(void **state)
{
	struct h_daemon *d = *state;
	struct h_proc p;

	make_events(d);
	cli(d, &p, "watch", "--since", "1", "--count", "6", "--json", NULL);
	expect_status(&p, 0, "watch --since 1 --count 6 --json");
	H_ASSERT_STR(p.err, "");
	expect_log_lines(d, p.out, 1, 6);

	/* history --json gives the same maps for the decision's events. */
	struct h_proc h;
	cli(d, &h, "--json", "history", "A-1", NULL);
	expect_status(&h, 0, "history --json");
	json_t *hist = h_json(h.out);
	json_t *mine = json_array();
	for (int i = 0; i < 6; i++) {
		json_t *line = line_json(p.out, i);
		const char *ref = h_jstr(line, "ref");
		if (ref && !strcmp(ref, "A-1"))
			json_array_append(mine, line);
		json_decref(line);
	}
	assert_int_equal(json_array_size(mine), 3);
	assert_true(json_equal(mine, json_object_get(hist, "events")));
	json_decref(mine);
	json_decref(hist);
	h_proc_free(&h);
	h_proc_free(&p);

	/* SEQ is inclusive. */
	cli(d, &p, "watch", "--since", "3", "--count", "2", "--json", NULL);
	expect_status(&p, 0, "watch --since 3");
	expect_log_lines(d, p.out, 3, 2);
	h_proc_free(&p);

	/* Prefixes keep the meeting and the item, in order. */
	cli(d, &p, "watch", "meeting.", "item.", "--since", "1", "--count", "2", "--json", NULL);
	expect_status(&p, 0, "watch meeting. item.");
	expect_log_lines(d, p.out, 5, 2);
	h_proc_free(&p);

	/* A time: everything recorded since 2000. */
	cli(d, &p, "watch", "--since", "2000-01-01T00:00Z", "--count", "6", "--json", NULL);
	expect_status(&p, 0, "watch --since TIME");
	expect_log_lines(d, p.out, 1, 6);
	h_proc_free(&p);

	/* Readable lines are history's lines. */
	cli(d, &p, "--utc", "watch", "--since", "1", "--count", "6", NULL);
	expect_status(&p, 0, "watch readable");
	cli(d, &h, "--utc", "history", "A-2", NULL);
	expect_status(&h, 0, "history");
	H_ASSERT_CONTAINS(p.out, h.out);
	H_ASSERT_CONTAINS(p.out, "meeting.created");
	h_proc_free(&h);
	h_proc_free(&p);
	H_PASS(d);
}

/* --format: fields, dotted paths, missing ones empty, the escapes; bad formats refused. */
static void test_watch_format(void **state)
{
	struct h_daemon *d = *state;
	struct h_proc p;

	make_events(d);
	cli(d, &p, "watch", "--since", "4", "--count", "3", "--format",
	    "{seq}|{type}|{ref}|{state}|{version}|{data.comment}|{nothing.here}|{{x}}\\t\\\\",
	    NULL);
	expect_status(&p, 0, "watch --format");
	H_ASSERT_STR(p.err, "");
	/* A control character in a value prints as '?': one event, one line. */
	H_ASSERT_STR(p.out, "4|decision.returned|A-1|draft|3|costs {not} \"shown\"?yet||{x}\t\\\n"
	                    "5|meeting.created||scheduled|1|||{x}\t\\\n"
	                    "6|item.created||||||{x}\t\\\n");
	h_proc_free(&p);

	cli(d, &p, "watch", "--since", "1", "--count", "1", "--format", "{actor} {ts}\\nnext",
	    NULL);
	expect_status(&p, 0, "watch --format {actor} {ts}");
	json_t *events = log_events(d);
	char want[256];
	snprintf(want, sizeof want, "%s %s\nnext\n", h_jstr(json_array_get(events, 0), "actor"),
	         h_jstr(json_array_get(events, 0), "ts"));
	json_decref(events);
	H_ASSERT_STR(p.out, want);
	h_proc_free(&p);

	static const char *const bad[] = {"{seq", "seq}", "{}", "{a..b}", "{.a}", "{a b}", NULL};
	for (size_t i = 0; bad[i]; i++) {
		cli(d, &p, "watch", "--since", "1", "--count", "1", "--format", bad[i], NULL);
		expect_status(&p, 64, bad[i]);
		H_ASSERT_CONTAINS(p.err, "--format");
		H_ASSERT_STR(p.out, "");
		h_proc_free(&p);
	}
	cli(d, &p, "watch", "--format", "{seq}", "--json", NULL);
	expect_status(&p, 64, "--format with --json");
	h_proc_free(&p);
	H_PASS(d);
}

/* --count ends with 0; --timeout with 0, or 75 before --count is reached; SIGTERM with 0. */
static void test_watch_count_timeout(void **state)
{
	struct h_daemon *d = *state;
	struct h_proc p;

	make_events(d);
	cli(d, &p, "watch", "--since", "1", "--count", "2", "--json", NULL);
	expect_status(&p, 0, "--count 2");
	assert_int_equal(count_lines(p.out), 2);
	h_proc_free(&p);

	/* Nothing new: the run time passes, exit 0. The global --timeout still goes before. */
	double start = h_now();
	cli(d, &p, "--timeout", "3000", "watch", "--timeout", "0.5", NULL);
	double took = h_now() - start;
	expect_status(&p, 0, "--timeout 0.5");
	H_ASSERT_STR(p.out, "");
	assert_true(took >= 0.5 && took < 5.0);
	h_proc_free(&p);

	/* Six in the log, seven asked for: what there is, then 75. */
	cli(d, &p, "watch", "--since", "1", "--count", "7", "--timeout", "0.5", "--json", NULL);
	expect_status(&p, 75, "--count 7 --timeout 0.5");
	expect_log_lines(d, p.out, 1, 6);
	H_ASSERT_CONTAINS(p.err, "6 of 7");
	h_proc_free(&p);

	static const char *const bad[] = {"0", "-1", "abc", "inf", "1e3", "0x10", "", NULL};
	for (size_t i = 0; bad[i]; i++) {
		cli(d, &p, "watch", "--timeout", bad[i], NULL);
		expect_status(&p, 64, bad[i]);
		h_proc_free(&p);
	}
	static const char *const bad_since[] = {"yesterday", "-1", "2030-02-30T10:00Z", NULL};
	for (size_t i = 0; bad_since[i]; i++) {
		cli(d, &p, "watch", "--since", bad_since[i], NULL);
		expect_status(&p, 64, bad_since[i]);
		h_proc_free(&p);
	}

	/* SIGTERM after the first event: a clean end. */
	struct watcher *w = calloc(1, sizeof *w);
	w_start(d, w, (const char *const[]){"watch", "--json", NULL});
	for (int i = 0; w_lines(w) == 0 && !w->eof && i < 200; i++) {
		char ref[16];
		snprintf(ref, sizeof ref, "T-%d", i);
		assert_int_equal(h_draft(d, ref, NULL), 0);
		w_read(w, 100);
	}
	assert_true(w_lines(w) > 0);
	kill(w->pid, SIGTERM);
	assert_int_equal(w_finish(d, w), 0);
	free(w);
	H_PASS(d);
}

/* docketd killed (-9) and restarted, then stopped and restarted: every event once, in order. */
static void test_watch_across_restart(void **state)
{
	struct h_daemon *d = *state;
	struct watcher *w = calloc(1, sizeof *w);
	char ref[16];

	for (int i = 1; i <= 3; i++) {
		snprintf(ref, sizeof ref, "R-%d", i);
		assert_int_equal(h_draft(d, ref, NULL), 0);
	}
	w_start(d, w, (const char *const[]){"watch", "--since", "1", "--json", NULL});
	assert_int_equal(w_wait_lines(w, 3, H_WAIT_MS), 3);

	h_kill9(d);
	assert_int_equal(h_start(d), 0);
	/* Made at once: the watcher has to find these in the log. */
	for (int i = 4; i <= 6; i++) {
		snprintf(ref, sizeof ref, "R-%d", i);
		assert_int_equal(h_draft(d, ref, NULL), 0);
	}
	assert_int_equal(w_wait_lines(w, 6, 2 * H_WAIT_MS), 6);

	assert_int_equal(h_restart(d), 0);
	for (int i = 7; i <= 8; i++) {
		snprintf(ref, sizeof ref, "R-%d", i);
		assert_int_equal(h_draft(d, ref, NULL), 0);
	}
	assert_int_equal(w_wait_lines(w, 8, 2 * H_WAIT_MS), 8);
	kill(w->pid, SIGTERM);
	assert_int_equal(w_finish(d, w), 0);
	/* Nothing came after the eighth: no repeats. */
	expect_log_lines(d, w->out, 1, 8);
	free(w);
	H_PASS(d);
}

/* A cursor resumes where the last watch left it; it acknowledges only what was handled. */
static void test_watch_cursor_resumes(void **state)
{
	struct h_daemon *d = *state;
	struct h_proc p;
	char ref[16];

	for (int i = 1; i <= 5; i++) {
		snprintf(ref, sizeof ref, "C-%d", i);
		assert_int_equal(h_draft(d, ref, NULL), 0);
	}
	cli(d, &p, "watch", "--cursor", "c1", "--since", "1", "--count", "3", "--json", NULL);
	expect_status(&p, 0, "watch --cursor c1 --count 3");
	expect_log_lines(d, p.out, 1, 3);
	h_proc_free(&p);
	/* Made on first use: --since applies only then. */
	cli(d, &p, "watch", "--cursor", "c1", "--since", "1", "--count", "2", "--json", NULL);
	expect_status(&p, 0, "watch --cursor c1 --count 2");
	expect_log_lines(d, p.out, 4, 2);
	h_proc_free(&p);
	wait_cursor(d, "c1", "acked", 5);
	wait_cursor(d, "c1", "pending", 0);

	/* Killed outright once its events are acknowledged: the next watch goes on after them. */
	struct watcher *w = calloc(1, sizeof *w);
	w_start(d, w, (const char *const[]){"watch", "--cursor", "c1", "--json", NULL});
	for (int i = 6; i <= 7; i++) {
		snprintf(ref, sizeof ref, "C-%d", i);
		assert_int_equal(h_draft(d, ref, NULL), 0);
	}
	assert_int_equal(w_wait_lines(w, 2, H_WAIT_MS), 2);
	expect_log_lines(d, w->out, 6, 2);
	wait_cursor(d, "c1", "acked", 7);
	kill(w->pid, SIGKILL);
	assert_int_equal(w_finish(d, w), 128 + SIGKILL);
	assert_int_equal(h_draft(d, "C-8", NULL), 0);
	cli(d, &p, "watch", "--cursor", "c1", "--count", "1", "--json", NULL);
	expect_status(&p, 0, "watch --cursor c1 after a kill");
	expect_log_lines(d, p.out, 8, 1);
	h_proc_free(&p);

	/* An event in hand is pending, not acknowledged, until its command has finished. */
	char gate[300], got[300], cmd[800];
	snprintf(gate, sizeof gate, "%s/gate", d->dir);
	snprintf(got, sizeof got, "%s/got.json", d->dir);
	assert_int_equal(mkfifo(gate, 0600), 0);
	snprintf(cmd, sizeof cmd, "cat > '%s' && read x < '%s'", got, gate);
	w_start(d, w,
	        (const char *const[]){"watch", "--cursor", "c2", "--since", "8", "--count", "1",
	                              "--exec", cmd, NULL});
	double deadline = h_now() + H_WAIT_MS / 1000.0;
	struct stat st = {0};
	while ((stat(got, &st) != 0 || st.st_size == 0) && h_now() < deadline)
		poll(NULL, 0, 20);
	assert_true(st.st_size > 0);
	json_t *c = cursor_state(d, "c2");
	assert_int_equal(h_jint(c, "pending"), 1);
	assert_true(h_jint(c, "acked") < 8);
	json_decref(c);
	int fd = -1;
	while ((fd = open(gate, O_WRONLY | O_NONBLOCK)) < 0 && errno == ENXIO && h_now() < deadline)
		poll(NULL, 0, 20);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "go\n", 3), 3);
	close(fd);
	assert_int_equal(w_finish(d, w), 0);
	wait_cursor(d, "c2", "acked", 8);
	wait_cursor(d, "c2", "pending", 0);
	/* What the command read: event 8 as one line. */
	char *text = h_read_file(got, NULL);
	int64_t eight = 8;
	expect_log_seqs(d, text, &eight, 1);
	free(text);
	free(w);
	H_PASS(d);
}

/* --exec: the event as JSON on stdin, its variables; with a cursor a failure comes back. */
static void test_watch_exec(void **state)
{
	struct h_daemon *d = *state;
	struct h_proc p;
	char cmd[1024], path[300];

	make_events(d);
	/* Fails for event 4 the first time it is delivered. */
	snprintf(
	    cmd, sizeof cmd,
	    "cat > '%s/ev.'$DOCKET_SEQ.$DOCKET_DELIVERIES && "
	    "printf '%%s|%%s' \"$DOCKET_TYPE\" \"${DOCKET_REF-unset}\" > '%s/env.'$DOCKET_SEQ && "
	    "{ [ $DOCKET_SEQ != 4 ] || [ $DOCKET_DELIVERIES -ge 2 ]; }",
	    d->dir, d->dir);
	cli(d, &p, "watch", "--cursor", "ex", "--since", "1", "--count", "7", "--exec", cmd, NULL);
	expect_status(&p, 0, "watch --cursor --exec");
	H_ASSERT_STR(p.out, "");
	H_ASSERT_CONTAINS(p.err, "event 4");
	h_proc_free(&p);

	json_t *events = log_events(d);
	for (int seq = 1; seq <= 6; seq++) {
		for (int n = 1; n <= 2; n++) {
			snprintf(path, sizeof path, "%s/ev.%d.%d", d->dir, seq, n);
			size_t len = 0;
			char *text = h_read_file(path, &len);
			bool want = n == 1 || seq == 4;
			if (!want) {
				if (text)
					fail_msg("event %d was delivered %d times", seq, n);
				continue;
			}
			if (!text)
				fail_msg("event %d: no delivery %d", seq, n);
			/* One line of JSON: the log's map. */
			assert_true(len > 0 && text[len - 1] == '\n');
			assert_int_equal(count_lines(text), 1);
			json_t *j = h_json(text);
			assert_true(json_equal(j, json_array_get(events, (size_t)seq - 1)));
			json_decref(j);
			free(text);
		}
	}
	json_decref(events);
	static const char *const env[] = {NULL,
	                                  "decision.drafted|A-1",
	                                  "decision.drafted|A-2",
	                                  "decision.submitted|A-1",
	                                  "decision.returned|A-1",
	                                  "meeting.created|unset",
	                                  "item.created|unset"};
	for (int seq = 1; seq <= 6; seq++) {
		snprintf(path, sizeof path, "%s/env.%d", d->dir, seq);
		char *text = h_read_file(path, NULL);
		H_ASSERT_STR(text, env[seq]);
		free(text);
	}
	wait_cursor(d, "ex", "acked", 6);
	wait_cursor(d, "ex", "pending", 0);
	wait_cursor(d, "ex", "parked", 0);

	/* Without a cursor a failure is reported, the rest go on, and the status says so. */
	cli(d, &p, "watch", "--since", "1", "--count", "3", "--exec", "test $DOCKET_SEQ != 2",
	    NULL);
	expect_status(&p, 123, "watch --exec failing");
	H_ASSERT_CONTAINS(p.err, "event 2");
	assert_null(strstr(p.err, "event 1"));
	assert_null(strstr(p.err, "event 3"));
	h_proc_free(&p);
	cli(d, &p, "watch", "--since", "1", "--count", "2", "--exec", "cat", NULL);
	expect_status(&p, 0, "watch --exec cat");
	expect_log_lines(d, p.out, 1, 2);
	h_proc_free(&p);
	H_PASS(d);
}

/* The cursor commands: add, list with lag, parked, retry, skip, rewind, delete. */
static void test_cursor_commands(void **state)
{
	struct h_daemon *d = *state;
	struct h_proc p;
	json_t *j;

	make_events(d);
	cli(d, &p, "cursor", "add", "k", "decision.", "--since", "1", "--max-deliveries", "1",
	    "--ack-wait", "60", NULL);
	expect_status(&p, 0, "cursor add");
	H_ASSERT_CONTAINS(p.out, "Cursor k\n");
	H_ASSERT_CONTAINS(p.out, "decision.");
	h_proc_free(&p);
	cli(d, &p, "cursor-add", "k", NULL);
	expect_status(&p, 1, "cursor-add again");
	H_ASSERT_CONTAINS(p.err, "conflict");
	h_proc_free(&p);

	/* Nothing delivered or acknowledged yet: 6 behind, the log's last seq. */
	cli(d, &p, "cursors", NULL);
	expect_status(&p, 0, "cursors");
	H_ASSERT_CONTAINS(p.out, "NAME  TOPICS     DELIVERED  ACKED  PENDING  PARKED  LAG\n");
	H_ASSERT_CONTAINS(p.out, "\nk     decision.  0          0      0        0       6\n");
	h_proc_free(&p);
	cli(d, &p, "--json", "cursors", NULL);
	expect_status(&p, 0, "cursors --json");
	j = h_json(p.out);
	assert_int_equal(h_jint(j, "cursors.0.lag"), 6);
	H_ASSERT_STR(h_jstr(j, "cursors.0.topics.0"), "decision.");
	json_decref(j);
	h_proc_free(&p);

	/* Its four decision events, handled: none pending, nothing behind. */
	cli(d, &p, "watch", "decision.", "--cursor", "k", "--count", "4", "--json", NULL);
	expect_status(&p, 0, "watch --cursor k --count 4");
	expect_log_lines(d, p.out, 1, 4);
	h_proc_free(&p);
	wait_cursor(d, "k", "pending", 0);

	/* max_deliveries 1: a failed delivery is parked at once. */
	assert_int_equal(h_draft(d, "P-1", NULL), 0);
	cli(d, &p, "watch", "decision.", "--cursor", "k", "--count", "1", "--exec", "exit 3", NULL);
	expect_status(&p, 0, "watch --cursor k --exec 'exit 3'");
	h_proc_free(&p);
	wait_cursor(d, "k", "parked", 1);
	cli(d, &p, "cursor", "parked", "k", NULL);
	expect_status(&p, 0, "cursor parked");
	H_ASSERT_CONTAINS(p.out, "SEQ  TYPE              RECORDED");
	H_ASSERT_CONTAINS(p.out, "\n7    decision.drafted  ");
	h_proc_free(&p);
	cli(d, &p, "--json", "cursor", "parked", "k", NULL);
	j = h_json(p.out);
	assert_int_equal(h_jint(j, "parked.0.seq"), 7);
	assert_int_equal(h_jint(j, "parked.0.deliveries"), 1);
	assert_null(h_jpath(j, "parked.1"));
	json_decref(j);
	h_proc_free(&p);

	/* retry puts it back: the next watch gets it. */
	cli(d, &p, "cursor", "retry", "k", "7", NULL);
	expect_status(&p, 0, "cursor retry");
	H_ASSERT_CONTAINS(p.out, "retried 1 parked event\n");
	h_proc_free(&p);
	cli(d, &p, "watch", "decision.", "--cursor", "k", "--count", "1", "--json", NULL);
	expect_status(&p, 0, "watch after retry");
	expect_log_lines(d, p.out, 7, 1);
	h_proc_free(&p);
	wait_cursor(d, "k", "pending", 0);
	wait_cursor(d, "k", "parked", 0);

	/* Parked again (event 8), then skipped: counted as handled. */
	assert_int_equal(h_draft(d, "P-2", NULL), 0);
	cli(d, &p, "watch", "decision.", "--cursor", "k", "--count", "1", "--exec", "false", NULL);
	expect_status(&p, 0, "watch --exec false");
	h_proc_free(&p);
	wait_cursor(d, "k", "parked", 1);
	cli(d, &p, "cursor-skip", "k", NULL);
	expect_status(&p, 0, "cursor-skip");
	H_ASSERT_CONTAINS(p.out, "skipped 1 parked event\n");
	h_proc_free(&p);
	wait_cursor(d, "k", "parked", 0);
	wait_cursor(d, "k", "acked", 8);
	wait_cursor(d, "k", "lag", 0);
	cli(d, &p, "cursor", "parked", "k", NULL);
	H_ASSERT_STR(p.out, "no parked events\n");
	h_proc_free(&p);

	/* rewind to event 1 (SEQ is inclusive), then to a time: delivered afresh. */
	cli(d, &p, "cursor", "rewind", "k", "1", NULL);
	expect_status(&p, 0, "cursor rewind SEQ");
	h_proc_free(&p);
	wait_cursor(d, "k", "delivered", 0);
	cli(d, &p, "watch", "decision.", "--cursor", "k", "--count", "6", "--json", NULL);
	expect_status(&p, 0, "watch after rewind");
	expect_log_seqs(d, p.out, (const int64_t[]){1, 2, 3, 4, 7, 8}, 6);
	h_proc_free(&p);
	cli(d, &p, "--json", "cursor", "rewind", "k", "2000-01-01 00:00", NULL);
	expect_status(&p, 0, "cursor rewind TIME");
	j = h_json(p.out);
	assert_int_equal(h_jint(j, "cursor.delivered"), 0);
	json_decref(j);
	h_proc_free(&p);

	/* A cursor made by watch has watch's prefixes as its topics. */
	cli(d, &p, "watch", "meeting.", "--cursor", "m", "--since", "1", "--count", "1", "--json",
	    NULL);
	expect_status(&p, 0, "watch --cursor m");
	expect_log_lines(d, p.out, 5, 1);
	h_proc_free(&p);
	json_t *m = cursor_state(d, "m");
	H_ASSERT_STR(h_jstr(m, "topics.0"), "meeting.");
	json_decref(m);

	cli(d, &p, "cursor", "delete", "k", NULL);
	expect_status(&p, 0, "cursor delete");
	H_ASSERT_CONTAINS(p.out, "Deleted cursor k\n");
	h_proc_free(&p);
	cli(d, &p, "cursor", "delete", "k", NULL);
	expect_status(&p, 1, "cursor delete again");
	H_ASSERT_CONTAINS(p.err, "not_found");
	h_proc_free(&p);
	cli(d, &p, "cursor", "delete", "m", NULL);
	expect_status(&p, 0, "cursor delete m");
	h_proc_free(&p);
	cli(d, &p, "cursors", NULL);
	H_ASSERT_STR(p.out, "no cursors\n");
	h_proc_free(&p);
	H_PASS(d);
}

/* Usage errors exit 64 before any connection; the help names the options. */
static void test_watch_usage(void **state)
{
	struct h_daemon *d = *state; /* no daemon needed */
	struct h_proc p;
	const char *const *bad[] = {
	    (const char *const[]){"cursor", NULL},
	    (const char *const[]){"cursor", "frob", "k", NULL},
	    (const char *const[]){"cursor", "add", NULL},
	    (const char *const[]){"cursor", "add", "bad name", NULL},
	    (const char *const[]){"cursor", "add", "k", "--since", "soon", NULL},
	    (const char *const[]){"cursor", "retry", "k", "x", NULL},
	    (const char *const[]){"cursor", "skip", "k", "1", "2", NULL},
	    (const char *const[]){"cursor", "rewind", "k", NULL},
	    (const char *const[]){"cursor", "rewind", "k", "now", NULL},
	    (const char *const[]){"cursor", "delete", NULL},
	    (const char *const[]){"cursor", "parked", "k", "--limit", "x", NULL},
	    (const char *const[]){"watch", "--cursor", "a/b", NULL},
	    (const char *const[]){"watch", "--count", "0", NULL},
	    (const char *const[]){"watch", "--exec", "", NULL},
	    (const char *const[]){"watch", "--exec", "true", "--format", "{seq}", NULL},
	    (const char *const[]){"watch", "--idem", "k", NULL},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(h_cli_argv(d, &p, bad[i]), 0);
		if (p.status != 64)
			fail_msg("docket %s %s ...: exit %d, stderr %s", bad[i][0],
			         bad[i][1] ? bad[i][1] : "", p.status, p.err);
		h_proc_free(&p);
	}
	const struct {
		const char *const *args;
		const char *needle;
	} help[] = {
	    {(const char *const[]){"watch", "--help", NULL}, "--since SEQ|TIME|now"},
	    {(const char *const[]){"watch", "--help", NULL}, "--exec CMD"},
	    {(const char *const[]){"watch", "--help", NULL}, "--timeout S"},
	    {(const char *const[]){"watch", "--help", NULL}, "--format FMT"},
	    {(const char *const[]){"watch", "--help", NULL}, "--cursor NAME"},
	    {(const char *const[]){"cursor", "add", "--help", NULL}, "usage: docket cursor-add"},
	    {(const char *const[]){"cursor", "add", "--help", NULL}, "--max-deliveries N"},
	    {(const char *const[]){"cursor-parked", "--help", NULL}, "--limit N"},
	    {(const char *const[]){"--help", NULL}, "\n  cursors "},
	    {(const char *const[]){"--help", NULL}, "\n  cursor-rewind "},
	};
	for (size_t i = 0; i < sizeof help / sizeof help[0]; i++) {
		assert_int_equal(h_cli_argv(d, &p, help[i].args), 0);
		expect_status(&p, 0, help[i].args[0]);
		H_ASSERT_CONTAINS(p.out, help[i].needle);
		h_proc_free(&p);
	}
	H_PASS(d);
}

/* No docketd: watch and watch --cursor exit 69 at once, saying why. */
static void test_watch_unreachable(void **state)
{
	struct h_daemon *d = *state; /* a directory, no daemon */
	struct h_proc p;

	for (int cursor = 0; cursor < 2; cursor++) {
		double start = h_now();
		if (cursor)
			cli(d, &p, "watch", "--cursor", "k", NULL);
		else
			cli(d, &p, "watch", NULL);
		expect_status(&p, 69, "watch without docketd");
		assert_true(h_now() - start < 3.0);
		H_ASSERT_CONTAINS(p.err, "not reachable");
		H_ASSERT_CONTAINS(p.err, d->cmd);
		h_proc_free(&p);
	}
	cli(d, &p, "cursors", NULL);
	expect_status(&p, 69, "cursors without docketd");
	h_proc_free(&p);
	H_PASS(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_watch_since_json, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_watch_format, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_watch_count_timeout, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_watch_across_restart, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_watch_cursor_resumes, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_watch_exec, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_cursor_commands, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_watch_usage, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_watch_unreachable, h_setup, h_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
