/*
 * docket-hook against the real docketd, a real HTTP receiver and a real SMTP
 * server (hook_receiver.py, hook_smtp.py): Standard Webhooks signatures,
 * retries under one webhook-id, parking, topics per target, reminders by
 * mail, its configuration check, and a docketd restart under it.
 */
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "harness.h"

#if !defined(DOCKET_HOOK_PATH) || !defined(HOOK_PYTHON) || !defined(HOOK_SCRIPTS)
#error "DOCKET_HOOK_PATH, HOOK_PYTHON and HOOK_SCRIPTS must be defined"
#endif

/* 32 bytes, "docket-hook signs with this key!", as a Standard Webhooks secret. */
#define KEY "docket-hook signs with this key!"
#define SECRET "whsec_ZG9ja2V0LWhvb2sgc2lnbnMgd2l0aCB0aGlzIGtleSE="

/* Short waits between deliveries: the cursor keeps whole seconds, so these retry at once. */
#define FAST "backoff_initial = 0.05\nbackoff_max = 0.2\n"

/* Waits. */

static int left_ms(double deadline)
{
	double left = (deadline - h_now()) * 1000.0;
	return left <= 0 ? 0 : (int)left + 1;
}

/*
 * Wait until done(arg) is true, looking again whenever a file in dir
 * changes (inotify), and at least every 50 ms for what no file shows
 * (docketd's cursors). Returns true, or false at the deadline.
 */
static bool wait_until(const char *dir, bool (*done)(void *), void *arg, int timeout_ms)
{
	double deadline = h_now() + timeout_ms / 1000.0;
	int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (fd >= 0)
		inotify_add_watch(fd, dir, IN_MODIFY | IN_CREATE | IN_CLOSE_WRITE);
	bool ok;
	while (!(ok = done(arg)) && left_ms(deadline) > 0) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int left = left_ms(deadline);
		poll(fd >= 0 ? &p : NULL, fd >= 0 ? 1 : 0, left < 50 ? left : 50);
		char drain[4096];
		while (fd >= 0 && read(fd, drain, sizeof drain) > 0)
			;
	}
	if (fd >= 0)
		close(fd);
	return ok;
}

struct text_wait {
	const char *path;
	const char *needle;
};

static bool file_has(void *arg)
{
	struct text_wait *w = arg;
	char *text = h_read_file(w->path, NULL);
	bool found = text && strstr(text, w->needle);
	free(text);
	return found;
}

/* Test servers: python scripts that print their port, then record each delivery as JSON. */

struct server {
	pid_t pid;
	int port;
	char record[160];
};

/* Start script with args (NULL-terminated), recording into DIR/name.jsonl. Skips on 77. */
static void server_start(struct h_daemon *d, struct server *s, const char *name, const char *script,
                         ...)
{
	const char *argv[24];
	char path[256];
	int n = 0, fd = -1;
	va_list ap;

	snprintf(s->record, sizeof s->record, "%s/%s.jsonl", d->dir, name);
	snprintf(path, sizeof path, "%s/%s", HOOK_SCRIPTS, script);
	argv[n++] = HOOK_PYTHON;
	argv[n++] = path;
	va_start(ap, script);
	while (n < 20 && (argv[n] = va_arg(ap, const char *)))
		n++;
	va_end(ap);
	argv[n++] = "--record";
	argv[n++] = s->record;
	argv[n] = NULL;
	s->pid = h_spawn_piped(d, argv, NULL, &fd);
	assert_true(s->pid > 0);

	char buf[32];
	size_t len = 0;
	double deadline = h_now() + H_WAIT_MS / 1000.0;
	while (!memchr(buf, '\n', len)) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (left_ms(deadline) == 0)
			fail_msg("%s reported no port", script);
		poll(&p, 1, left_ms(deadline));
		ssize_t r = read(fd, buf + len, sizeof buf - 1 - len);
		if (r > 0)
			len += (size_t)r;
		if (r == 0) {
			close(fd);
			int status = h_reap(d, s->pid, H_WAIT_MS);
			if (status == 77)
				skip();
			fail_msg("%s exited %d before it reported its port", script, status);
		}
	}
	close(fd);
	buf[len] = '\0';
	s->port = atoi(buf);
	assert_true(s->port > 0);
}

/* The deliveries a server recorded so far: a JSON array of complete lines. */
static json_t *records(const struct server *s)
{
	json_t *all = json_array();
	char *text = h_read_file(s->record, NULL);
	for (char *line = text, *nl; line && (nl = strchr(line, '\n')); line = nl + 1) {
		*nl = '\0';
		json_t *j = h_json(line);
		if (!j)
			fail_msg("%s: not JSON: %s", s->record, line);
		json_array_append_new(all, j);
	}
	free(text);
	return all;
}

struct count_wait {
	const struct server *s;
	size_t n;
};

static bool has_records(void *arg)
{
	struct count_wait *w = arg;
	json_t *all = records(w->s);
	bool enough = json_array_size(all) >= w->n;
	json_decref(all);
	return enough;
}

/* Wait for n deliveries; returns them all (caller decrefs). */
static json_t *wait_records(struct h_daemon *d, const struct server *s, size_t n)
{
	struct count_wait w = {s, n};
	if (!wait_until(d->dir, has_records, &w, H_WAIT_MS)) {
		json_t *all = records(s);
		fail_msg("%s: %zu deliveries, not %zu", s->record, json_array_size(all), n);
	}
	return records(s);
}

/* docket-hook. */

struct hook {
	pid_t pid;
	char config[160];
	char log[160];
};

/* Write DIR/hook.conf: [docket] naming d's endpoints, then targets (printf-style). */
static void hook_config(struct h_daemon *d, struct hook *h, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void hook_config(struct h_daemon *d, struct hook *h, const char *fmt, ...)
{
	char targets[4096], text[4800];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(targets, sizeof targets, fmt, ap);
	va_end(ap);
	snprintf(h->config, sizeof h->config, "%s/hook.conf", d->dir);
	snprintf(h->log, sizeof h->log, "%s/hook.err", d->dir);
	snprintf(text, sizeof text, "# test_hook\n[docket]\nendpoint = %s\nevents = %s\n\n%s",
	         d->cmd, d->ev, targets);
	assert_int_equal(h_write_bytes(h->config, text, strlen(text)), 0);
}

/* Wait for text in docket-hook's log. */
static void hook_wait_log(struct h_daemon *d, struct hook *h, const char *needle)
{
	struct text_wait w = {h->log, needle};
	if (!wait_until(d->dir, file_has, &w, H_WAIT_MS)) {
		char *log = h_read_file(h->log, NULL);
		fail_msg("docket-hook did not log \"%s\":\n%s", needle, log ? log : "(nothing)");
	}
}

/* Start docket-hook, its stderr in DIR/hook.err, and wait until each cursor is followed. */
static void hook_start(struct h_daemon *d, struct hook *h, ...)
{
	const char *argv[] = {
	    "/bin/sh", "-c", "exec \"$0\" -c \"$1\" 2>>\"$2\"", DOCKET_HOOK_PATH, h->config,
	    h->log,    NULL};
	int fd = -1;
	h->pid = h_spawn_piped(d, argv, NULL, &fd);
	assert_true(h->pid > 0);
	close(fd);
	va_list ap;
	va_start(ap, h);
	for (const char *cursor; (cursor = va_arg(ap, const char *));) {
		char needle[96];
		snprintf(needle, sizeof needle, "following cursor %s", cursor);
		hook_wait_log(d, h, needle);
	}
	va_end(ap);
}

/* Stop docket-hook with SIGTERM: it must exit 0 (and so without a sanitizer report). */
static void hook_stop(struct h_daemon *d, struct hook *h)
{
	kill(h->pid, SIGTERM);
	int status = h_reap(d, h->pid, H_WAIT_MS);
	if (status != 0) {
		char *log = h_read_file(h->log, NULL);
		fail_msg("docket-hook exited %d on SIGTERM:\n%s", status, log ? log : "");
	}
	hook_wait_log(d, h, "stopped");
}

/* docketd's view. */

/* The cursor map of name from the cursors query (caller decrefs), or NULL. */
static json_t *cursor_of(struct h_daemon *d, const char *name)
{
	docket_msg *m = NULL;
	json_t *found = NULL;
	if (h_call(d, &m, "cursors", NULL) == 0) {
		json_t *all = h_msg_json(m), *c;
		size_t i;
		json_array_foreach(json_object_get(all, "cursors"), i, c)
		{
			if (!strcmp(h_jstr(c, "name") ? h_jstr(c, "name") : "", name))
				found = json_incref(c);
		}
		json_decref(all);
	}
	docket_msg_destroy(&m);
	return found;
}

struct cursor_wait {
	struct h_daemon *d;
	const char *name;
	const char *key;
	int64_t want;
	int64_t seen;
};

static bool cursor_is(void *arg)
{
	struct cursor_wait *w = arg;
	json_t *c = cursor_of(w->d, w->name);
	w->seen = c ? h_jint(c, w->key) : INT64_MIN;
	json_decref(c);
	return w->seen == w->want;
}

/* Wait until the cursor's key (pending, parked, acked...) is want. */
static void wait_cursor(struct h_daemon *d, const char *name, const char *key, int64_t want)
{
	struct cursor_wait w = {d, name, key, want, 0};
	if (!wait_until(d->dir, cursor_is, &w, H_WAIT_MS))
		fail_msg("cursor %s: %s is %lld, not %lld", name, key, (long long)w.seen,
		         (long long)want);
}

/* The event with seq from the log, as the events query gives it (caller decrefs). */
static json_t *logged_event(struct h_daemon *d, int64_t seq)
{
	char after[24];
	snprintf(after, sizeof after, "%lld", (long long)(seq - 1));
	docket_msg *m = NULL;
	assert_int_equal(h_call(d, &m, "events", "#after_seq", after, "#limit", "1", NULL), 0);
	json_t *all = h_msg_json(m);
	docket_msg_destroy(&m);
	json_t *ev = json_incref(h_jpath(all, "events.0"));
	json_decref(all);
	assert_non_null(ev);
	assert_int_equal(h_jint(ev, "seq"), seq);
	return ev;
}

static int64_t draft(struct h_daemon *d, const char *ref)
{
	docket_msg *m = NULL;
	assert_int_equal(h_draft(d, ref, &m), 0);
	int64_t seq = h_int(m, "seq");
	docket_msg_destroy(&m);
	return seq;
}

/* What a receiver saw. */

/* The Standard Webhooks signature, computed here apart from docket-hook's code. */
static void check_signature(json_t *rec)
{
	const char *id = h_jstr(rec, "id"), *ts = h_jstr(rec, "timestamp");
	const char *body = h_jstr(rec, "body"), *sig = h_jstr(rec, "signature");
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char b64[sodium_base64_ENCODED_LEN(sizeof mac, sodium_base64_VARIANT_ORIGINAL)];
	char expected[64];
	crypto_auth_hmacsha256_state st;

	assert_non_null(id);
	assert_non_null(ts);
	assert_non_null(body);
	assert_non_null(sig);
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)KEY, strlen(KEY));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)id, strlen(id));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, strlen(ts));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, strlen(body));
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2base64(b64, sizeof b64, mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
	snprintf(expected, sizeof expected, "v1,%s", b64);
	H_ASSERT_STR(sig, expected);
	/* And the receiver, with Python's hmac, agreed. */
	assert_true(json_is_true(json_object_get(rec, "verified")));
	long long t = atoll(ts);
	assert_true(llabs(t - (long long)time(NULL)) < 300);
}

/* The id names the event: "docket-SEQ-" and 16 hex digits. */
static void check_id(json_t *rec, int64_t seq)
{
	char prefix[32];
	const char *id = h_jstr(rec, "id");
	snprintf(prefix, sizeof prefix, "docket-%lld-", (long long)seq);
	assert_non_null(id);
	assert_memory_equal(id, prefix, strlen(prefix));
	assert_int_equal(strlen(id), strlen(prefix) + 16);
	assert_int_equal(strspn(id + strlen(prefix), "0123456789abcdef"), 16);
}

static int64_t status_of(json_t *recs, size_t i)
{
	return h_jint(json_array_get(recs, i), "status");
}

/* The record's body as JSON (caller decrefs). */
static json_t *body_of(json_t *recs, size_t i)
{
	json_t *b = h_json(h_jstr(json_array_get(recs, i), "body"));
	assert_non_null(b);
	return b;
}

/* Fixtures: show docket-hook's log and the servers' stderr when a test fails. */

static int teardown(void **state)
{
	struct h_daemon *d = *state;
	if (d && !d->passed) {
		char path[160];
		const char *const files[] = {"hook.err", "child.err"};
		for (size_t i = 0; i < 2; i++) {
			snprintf(path, sizeof path, "%s/%s", d->dir, files[i]);
			char *text = h_read_file(path, NULL);
			fprintf(stderr, "---- %s ----\n%s---- end ----\n", files[i],
			        text ? text : "(none)\n");
			free(text);
		}
	}
	return h_teardown(state);
}

/* libfaketime's shared memory outlives docketd when it is killed: remove what pid left. */
static void faketime_forget(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof path, "/dev/shm/faketime_shm_%ld", (long)pid);
	unlink(path);
	snprintf(path, sizeof path, "/dev/shm/sem.faketime_sem_%ld", (long)pid);
	unlink(path);
}

static int teardown_faketime(void **state)
{
	struct h_daemon *d = *state;
	pid_t pid = d ? d->pid : 0;
	int rc = teardown(state);
	if (pid > 0)
		faketime_forget(pid);
	return rc;
}

/* Tests. */

/* One event, POSTed once: signed, with the event's JSON, acknowledged. */
static void test_signed_delivery(void **state)
{
	struct h_daemon *d = *state;
	struct server rx;
	struct hook h;

	server_start(d, &rx, "rx", "hook_receiver.py", "--secret", SECRET, NULL);
	hook_config(d, &h,
	            "[webhook signed]\nurl = http://127.0.0.1:%d/docket?token=s3cret\n"
	            "secret = %s\n" FAST,
	            rx.port, SECRET);
	hook_start(d, &h, "hook.signed", NULL);

	int64_t seq = draft(d, "1/2030");
	json_t *recs = wait_records(d, &rx, 1);
	json_t *r = json_array_get(recs, 0);
	assert_int_equal(h_jint(r, "status"), 204);
	H_ASSERT_STR(h_jstr(r, "path"), "/docket?token=s3cret");
	H_ASSERT_STR(h_jstr(r, "content_type"), "application/json");
	check_id(r, seq);
	check_signature(r);
	/* The body is the event's map, as the log and docket history --json give it. */
	json_t *body = body_of(recs, 0), *logged = logged_event(d, seq);
	assert_true(json_equal(body, logged));
	H_ASSERT_STR(h_jstr(body, "type"), "decision.drafted");
	json_decref(body);
	json_decref(logged);
	json_decref(recs);

	wait_cursor(d, "hook.signed", "acked", seq);
	wait_cursor(d, "hook.signed", "pending", 0);
	hook_stop(d, &h);
	recs = records(&rx);
	assert_int_equal(json_array_size(recs), 1);
	json_decref(recs);
	H_PASS(d);
}

/* A receiver that fails twice: three POSTs of one webhook-id, the third acknowledged. */
static void test_retry_same_id(void **state)
{
	struct h_daemon *d = *state;
	struct server rx;
	struct hook h;

	server_start(d, &rx, "rx", "hook_receiver.py", "--secret", SECRET, "--fail", "2", NULL);
	hook_config(d, &h,
	            "[webhook flaky]\nurl = http://127.0.0.1:%d/in\nsecret = %s\n"
	            "attempts = 5\n" FAST,
	            rx.port, SECRET);
	hook_start(d, &h, "hook.flaky", NULL);

	int64_t seq = draft(d, "2/2030");
	json_t *recs = wait_records(d, &rx, 3);
	assert_int_equal(status_of(recs, 0), 500);
	assert_int_equal(status_of(recs, 1), 500);
	assert_int_equal(status_of(recs, 2), 204);
	const char *id = h_jstr(json_array_get(recs, 0), "id");
	for (size_t i = 0; i < 3; i++) {
		json_t *r = json_array_get(recs, i);
		check_id(r, seq);
		H_ASSERT_STR(h_jstr(r, "id"), id);
		check_signature(r);
	}
	json_decref(recs);

	wait_cursor(d, "hook.flaky", "acked", seq);
	wait_cursor(d, "hook.flaky", "pending", 0);
	wait_cursor(d, "hook.flaky", "parked", 0);
	hook_wait_log(d, &h, "delivered event");
	hook_stop(d, &h);
	/* Delivered once with a 2xx: nothing came after it. */
	recs = records(&rx);
	assert_int_equal(json_array_size(recs), 3);
	json_decref(recs);
	char *log = h_read_file(h.log, NULL);
	H_ASSERT_CONTAINS(log, "HTTP 500 from http://127.0.0.1:");
	H_ASSERT_CONTAINS(log, "HTTP 204, delivery 3");
	free(log);
	H_PASS(d);
}

/* A receiver that always fails: parked after attempts, with the failure as its reason. */
static void test_parked(void **state)
{
	struct h_daemon *d = *state;
	struct server rx;
	struct hook h;
	char url[64];

	server_start(d, &rx, "rx", "hook_receiver.py", "--secret", SECRET, "--fail", "1000", NULL);
	hook_config(d, &h,
	            "[webhook down]\nurl = http://127.0.0.1:%d/down?token=s3cret\n"
	            "secret = %s\nattempts = 3\n" FAST,
	            rx.port, SECRET);
	hook_start(d, &h, "hook.down", NULL);

	int64_t seq = draft(d, "3/2030");
	json_t *recs = wait_records(d, &rx, 3);
	json_decref(recs);
	wait_cursor(d, "hook.down", "parked", 1);
	wait_cursor(d, "hook.down", "pending", 0);

	docket_msg *m = NULL;
	assert_int_equal(h_call(d, &m, "parked", "cursor", "hook.down", NULL), 0);
	assert_int_equal(h_int(m, "parked.0.seq"), seq);
	assert_int_equal(h_int(m, "parked.0.deliveries"), 3);
	snprintf(url, sizeof url, "HTTP 500 from http://127.0.0.1:%d/down after 3 attempts",
	         rx.port);
	H_ASSERT_STR(h_str(m, "parked.0.reason"), url);
	docket_msg_destroy(&m);

	/* Put back by cursor_retry, it is tried attempts times afresh, and parked again. */
	assert_int_equal(h_call(d, &m, "cursor_retry", "cursor", "hook.down", NULL), 0);
	assert_int_equal(h_int(m, "retried"), 1);
	docket_msg_destroy(&m);
	recs = wait_records(d, &rx, 6);
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(status_of(recs, i), 500);
		check_id(json_array_get(recs, i), seq);
	}
	json_decref(recs);
	wait_cursor(d, "hook.down", "parked", 1);
	hook_stop(d, &h);
	recs = records(&rx);
	assert_int_equal(json_array_size(recs), 6);
	json_decref(recs);
	H_PASS(d);
}

/* Each target follows its own topics. */
static void test_topics(void **state)
{
	struct h_daemon *d = *state;
	struct server a, b;
	struct hook h;

	server_start(d, &a, "decisions", "hook_receiver.py", "--secret", SECRET, NULL);
	server_start(d, &b, "meetings", "hook_receiver.py", "--secret", SECRET, NULL);
	hook_config(d, &h,
	            "[webhook decisions]\nurl = http://127.0.0.1:%d/\nsecret = %s\n"
	            "topics = decision.\n" FAST "\n"
	            "[webhook meetings]\nurl = http://127.0.0.1:%d/\nsecret = %s\n"
	            "topics = meeting., item.created\n" FAST,
	            a.port, SECRET, b.port, SECRET);
	hook_start(d, &h, "hook.decisions", "hook.meetings", NULL);

	int64_t meeting, item;
	draft(d, "4/2030");
	h_meeting_item(d, 30 * 86400, &meeting, &item);
	int64_t last = h_change(d, "submit", "ref", "4/2030", NULL);

	json_t *ra = wait_records(d, &a, 2), *rb = wait_records(d, &b, 2);
	json_decref(ra);
	json_decref(rb);
	/* Both cursors have looked past every event: nothing more is on its way. */
	wait_cursor(d, "hook.decisions", "delivered", last);
	wait_cursor(d, "hook.meetings", "delivered", last);
	wait_cursor(d, "hook.decisions", "pending", 0);
	wait_cursor(d, "hook.meetings", "pending", 0);
	hook_stop(d, &h);

	ra = records(&a);
	rb = records(&b);
	assert_int_equal(json_array_size(ra), 2);
	assert_int_equal(json_array_size(rb), 2);
	const char *want_a[] = {"decision.drafted", "decision.submitted"};
	const char *want_b[] = {"meeting.created", "item.created"};
	for (size_t i = 0; i < 2; i++) {
		json_t *ba = body_of(ra, i), *bb = body_of(rb, i);
		H_ASSERT_STR(h_jstr(ba, "type"), want_a[i]);
		H_ASSERT_STR(h_jstr(bb, "type"), want_b[i]);
		json_decref(ba);
		json_decref(bb);
	}
	json_decref(ra);
	json_decref(rb);
	H_PASS(d);
}

/* A message's header, unfolded (RFC 5322: a line break before white space joins the lines). */
static char *header(const char *msg, const char *name)
{
	char key[64];
	snprintf(key, sizeof key, "\r\n%s: ", name);
	const char *p = strstr(msg, key);
	if (!p)
		return NULL;
	p += strlen(key);
	char *out = calloc(1, strlen(p) + 1);
	size_t n = 0;
	for (; *p && !(p[0] == '\r' && p[1] == '\n' && p[2] != ' ' && p[2] != '\t'); p++)
		if (*p != '\r' && *p != '\n')
			out[n++] = *p;
	return out;
}

/* A meeting reminder, fired by docketd, sent by mail through a relay that refuses it once. */
static void test_mail_reminder(void **state)
{
	struct h_daemon *d = *state;
	struct server smtp;
	struct hook h;
	char id[24];

	h_write_config(d, "[reminders]\nmeeting = 7\ntime = 09:00\n"
	                  "[office]\ntimezone = Europe/London\n");
	/* 2030-09-01 07:00 UTC; the reminder comes a week before 10:00 BST on 8 September. */
	h_faketime(d, "@2030-09-01 07:00:00");
	assert_int_equal(h_start(d), 0);
	docket_msg *m = NULL;
	assert_int_equal(h_call(d, &m, "meeting_add", "panel",
	                        "Kent and Medway Police and Crime Panel", "starts_at",
	                        "2030-09-08 10:00", "venue", "Sessions House", NULL),
	                 0);
	int64_t meeting = h_int(m, "meeting.id");
	docket_msg_destroy(&m);
	snprintf(id, sizeof id, "%lld", (long long)meeting);
	h_change(d, "item_add", "#meeting", id, "code", "C1", "subject",
	         "Commissioner's Key Decisions", NULL);
	/* docketd is away when it comes due, and sends it when it starts again (late). */
	assert_int_equal(h_stop(d, H_WAIT_MS), 0);
	h_faketime(d, "@2030-09-01 08:30:00");
	assert_int_equal(h_start(d), 0);

	server_start(d, &smtp, "smtp", "hook_smtp.py", "--fail", "1", NULL);
	hook_config(d, &h,
	            "[email office]\nsmtp = smtp://127.0.0.1:%d\nfrom = docket@pcc.example.gov.uk\n"
	            "to = clerk@panel.example.gov.uk, office@pcc.example.gov.uk\n"
	            "topics = reminder.\nsince = 1\nattempts = 3\n" FAST,
	            smtp.port);
	hook_start(d, &h, "hook.office", NULL);

	json_t *recs = wait_records(d, &smtp, 2);
	assert_int_equal(status_of(recs, 0), 451);
	assert_int_equal(status_of(recs, 1), 250);
	json_t *r = json_array_get(recs, 1);
	H_ASSERT_STR(h_jstr(r, "from"), "docket@pcc.example.gov.uk");
	H_ASSERT_STR(h_jstr(h_jpath(r, "to"), "0"), "clerk@panel.example.gov.uk");
	H_ASSERT_STR(h_jstr(h_jpath(r, "to"), "1"), "office@pcc.example.gov.uk");
	const char *msg = h_jstr(r, "data");
	assert_non_null(msg);

	char *subject = header(msg, "Subject"), *mid = header(msg, "Message-ID");
	char *first_mid = header(h_jstr(json_array_get(recs, 0), "data"), "Message-ID");
	H_ASSERT_STR(subject,
	             "Reminder: Kent and Medway Police and Crime Panel meets in 7 days (8 Sep 2030 "
	             "10:00 BST)");
	/* The retry is the same message. */
	assert_non_null(mid);
	H_ASSERT_STR(first_mid, mid);
	H_ASSERT_CONTAINS(mid, "@pcc.example.gov.uk>");
	H_ASSERT_CONTAINS(msg,
	                  "\r\nTo: clerk@panel.example.gov.uk,\r\n office@pcc.example.gov.uk\r\n");
	H_ASSERT_CONTAINS(msg, "\r\nContent-Type: text/plain; charset=utf-8\r\n");
	H_ASSERT_CONTAINS(msg, "\r\nDate: Sun, 01 Sep 2030 08:30:");
	/* The reminder, readably: its kind and days, the meeting, when it was due, the agenda. */
	H_ASSERT_CONTAINS(msg,
	                  "\r\n\r\nKent and Medway Police and Crime Panel meets in 7 days.\r\n");
	H_ASSERT_CONTAINS(msg, "Reminder:     meeting, 7 days before\r\n");
	H_ASSERT_CONTAINS(msg, "Starts:       8 Sep 2030 10:00 BST\r\n");
	H_ASSERT_CONTAINS(msg, "Venue:        Sessions House\r\n");
	H_ASSERT_CONTAINS(msg, "Due:          1 Sep 2030 08:00 UTC\r\n");
	H_ASSERT_CONTAINS(msg, "sent late");
	H_ASSERT_CONTAINS(msg, "\r\nAgenda\r\n  C1  Commissioner's Key Decisions\r\n");
	free(subject);
	free(mid);
	free(first_mid);
	json_decref(recs);

	wait_cursor(d, "hook.office", "pending", 0);
	hook_stop(d, &h);
	recs = records(&smtp);
	assert_int_equal(json_array_size(recs), 2);
	json_decref(recs);
	H_PASS(d);
}

/* docketd stops and starts again under docket-hook: it goes on where it was. */
static void test_docketd_restart(void **state)
{
	struct h_daemon *d = *state;
	struct server rx;
	struct hook h;

	server_start(d, &rx, "rx", "hook_receiver.py", "--secret", SECRET, NULL);
	hook_config(d, &h, "[webhook steady]\nurl = http://127.0.0.1:%d/\nsecret = %s\n" FAST,
	            rx.port, SECRET);
	hook_start(d, &h, "hook.steady", NULL);
	int64_t first = draft(d, "5/2030");
	json_decref(wait_records(d, &rx, 1));
	wait_cursor(d, "hook.steady", "pending", 0);

	assert_int_equal(h_restart(d), 0);
	int64_t second = draft(d, "6/2030");
	json_t *recs = wait_records(d, &rx, 2);
	check_id(json_array_get(recs, 0), first);
	check_id(json_array_get(recs, 1), second);
	check_signature(json_array_get(recs, 1));
	json_decref(recs);
	wait_cursor(d, "hook.steady", "acked", second);
	hook_stop(d, &h);
	H_PASS(d);
}

/* docket-hook started before docketd waits for it, then follows from its start. */
static void test_docketd_late(void **state)
{
	struct h_daemon *d = *state;
	struct server rx;
	struct hook h;

	server_start(d, &rx, "rx", "hook_receiver.py", "--secret", SECRET, NULL);
	hook_config(d, &h, "[webhook early]\nurl = http://127.0.0.1:%d/\nsecret = %s\n" FAST,
	            rx.port, SECRET);
	hook_start(d, &h, NULL);
	hook_wait_log(d, &h, "webhook early: docketd is not reachable at ");
	assert_int_equal(h_start(d), 0);
	hook_wait_log(d, &h, "following cursor hook.early (docketd is back)");
	int64_t seq = draft(d, "7/2030");
	json_t *recs = wait_records(d, &rx, 1);
	check_id(json_array_get(recs, 0), seq);
	json_decref(recs);
	wait_cursor(d, "hook.early", "pending", 0);
	hook_stop(d, &h);
	H_PASS(d);
}

/* A cursor of the target's name that follows other topics: docket-hook says so and exits 78. */
static void test_cursor_conflict(void **state)
{
	struct h_daemon *d = *state;
	struct hook h;
	docket_msg *m = NULL;
	docket_request *r = h_req("cursor_add", "cursor", "hook.taken", NULL);

	assert_int_equal(docket_request_append_str(r, "topics", "meeting."), 0);
	assert_int_equal(docket_client_call(d->client, r, &m), 0);
	docket_msg_destroy(&m);
	docket_request_destroy(&r);
	hook_config(d, &h,
	            "[webhook taken]\nurl = http://127.0.0.1:9/\nsecret = %s\n"
	            "topics = decision.\n",
	            SECRET);
	hook_start(d, &h, NULL);
	int status = h_reap(d, h.pid, H_WAIT_MS);
	assert_int_equal(status, 78);
	char *log = h_read_file(h.log, NULL);
	H_ASSERT_CONTAINS(log, "cursor hook.taken exists with other topics");
	free(log);
	H_PASS(d);
}

/* --check: the file's mistakes with their lines, exit 78; a good file lists its targets. */
static void test_check(void **state)
{
	struct h_daemon *d = *state;
	struct hook h;
	struct h_proc p;
	const char *argv[] = {DOCKET_HOOK_PATH, "-c", h.config, "--check", NULL};

	hook_config(d, &h, "[webhook w]\nurl = http://127.0.0.1:9/in\ncolour = blue\n");
	assert_int_equal(h_run(&p, argv, NULL, H_WAIT_MS), 0);
	assert_int_equal(p.status, 78);
	/* The file's first five lines are [docket]'s. */
	H_ASSERT_CONTAINS(p.err, "hook.conf:8: unknown key colour in [webhook w]");
	h_proc_free(&p);

	hook_config(d, &h, "[webhook w]\nurl = http://127.0.0.1:9/in\n");
	assert_int_equal(h_run(&p, argv, NULL, H_WAIT_MS), 0);
	assert_int_equal(p.status, 78);
	H_ASSERT_CONTAINS(p.err, "hook.conf:6: [webhook w] has no secret");
	h_proc_free(&p);

	hook_config(d, &h, "[webhook w]\nurl = http://127.0.0.1:9/in\nsecret = whsec_c2hvcnQ=\n");
	assert_int_equal(h_run(&p, argv, NULL, H_WAIT_MS), 0);
	assert_int_equal(p.status, 78);
	H_ASSERT_CONTAINS(p.err, "hook.conf:8: secret: must decode to 24 to 64 bytes, not 5");
	h_proc_free(&p);

	hook_config(d, &h,
	            "[webhook w]\nurl = https://hooks.example.org/in?token=s3cret\nsecret = %s\n"
	            "topics = decision., reminder.\n\n"
	            "[email office]\nsmtp = smtp://127.0.0.1:25\nfrom = docket@example.org\n"
	            "to = clerk@example.org\ncursor = office-mail\nattempts = 2\n",
	            SECRET);
	assert_int_equal(h_run(&p, argv, NULL, H_WAIT_MS), 0);
	assert_int_equal(p.status, 0);
	H_ASSERT_STR(p.out, "webhook w: https://hooks.example.org/in, cursor hook.w, topics "
	                    "decision.,reminder., 8 attempts\n"
	                    "email office: smtp://127.0.0.1:25 to clerk@example.org, cursor "
	                    "office-mail, topics all, "
	                    "2 attempts\n");
	h_proc_free(&p);
	H_PASS(d);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_signed_delivery, h_setup_started, teardown),
	    cmocka_unit_test_setup_teardown(test_retry_same_id, h_setup_started, teardown),
	    cmocka_unit_test_setup_teardown(test_parked, h_setup_started, teardown),
	    cmocka_unit_test_setup_teardown(test_topics, h_setup_started, teardown),
	    cmocka_unit_test_setup_teardown(test_mail_reminder, h_setup, teardown_faketime),
	    cmocka_unit_test_setup_teardown(test_docketd_restart, h_setup_started, teardown),
	    cmocka_unit_test_setup_teardown(test_docketd_late, h_setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cursor_conflict, h_setup_started, teardown),
	    cmocka_unit_test_setup_teardown(test_check, h_setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
