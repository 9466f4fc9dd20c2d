/*
 * Reminders (protocol section 9): docketd under libfaketime fires each
 * reminder once, at 09:00 office time, across restarts, kill -9, calendar
 * changes, new settings and steps of the clock.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <msgpack.h>
#include <sqlite3.h>

#include "harness.h"

/* How long a reminder due within seconds may take to arrive. */
#define EVENT_MS 15000

#define CONFIG_DEFAULT                                                                             \
	"[reminders]\nmeeting = 21, 7, 1\nresponse = 14, 3, 0\nreview = 14, 0\ntime = 09:00\n"     \
	"[office]\ntimezone = Europe/London\nresponse_period = 28\n"

#define J_STR(j, path, expected) H_ASSERT_STR(h_jstr((j), (path)), (expected))
#define J_INT(j, path, expected) assert_int_equal(h_jint((j), (path)), (expected))

/* The clock. */

/* From the next start, docketd runs under libfaketime with FAKETIME=spec, "@..." read as UTC. */
static void fake_clock(struct h_daemon *d, const char *spec)
{
	h_faketime(d, spec);
}

/* FAKETIME_TIMESTAMP_FILE=DIR/clock for the test that steps the clock of a running docketd. */
static char clock_env[128];

/* YYYY-MM-DDTHH:MM:SS... (UTC) in seconds since the epoch. */
static int64_t epoch_of(const char *utc)
{
	struct tm tm = {0};
	assert_non_null(utc);
	if (sscanf(utc, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
	           &tm.tm_min, &tm.tm_sec) != 6)
		fail_msg("not a time: %s", utc);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm);
}

static const char *utc_of(char *buf, size_t size, int64_t epoch)
{
	time_t t = (time_t)epoch;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

/* docketd reads its clock from a file, which clock_set rewrites while it runs. */
static void clock_file_use(struct h_daemon *d)
{
	/* h_faketime's environment, with the file in place of FAKETIME. */
	h_faketime(d, "+0");
	snprintf(clock_env, sizeof clock_env, "FAKETIME_TIMESTAMP_FILE=%s/clock", d->dir);
	d->env[1] = clock_env;
}

/*
 * Make docketd's clock read utc from now on: an offset from the real clock,
 * whole seconds, so that it reads utc to utc + 1 s (never earlier). The file
 * is replaced by rename, so docketd never reads half of it.
 */
static void clock_set(struct h_daemon *d, const char *utc)
{
	char path[128], tmp[128], text[48];
	snprintf(path, sizeof path, "%s/clock", d->dir);
	snprintf(tmp, sizeof tmp, "%s/clock.new", d->dir);
	snprintf(text, sizeof text, "%+lld\n", (long long)(epoch_of(utc) - (int64_t)time(NULL)));
	assert_int_equal(h_write_bytes(tmp, text, strlen(text)), 0);
	assert_int_equal(rename(tmp, path), 0);
}

/* London's clocks change at 01:00 UTC on the last Sunday of March and of October. */
static int64_t last_sunday_0100(int year, int month)
{
	struct tm tm = {.tm_year = year - 1900, .tm_mon = month, .tm_mday = 1, .tm_hour = 1};
	int64_t t = (int64_t)timegm(&tm) - 86400; /* the last day of month, 01:00 */
	time_t tt = (time_t)t;
	struct tm g;
	gmtime_r(&tt, &g);
	return t - (int64_t)g.tm_wday * 86400;
}

/*
 * An independent oracle for the office's zone: hh:mm on y-m-d in London as
 * UTC seconds (not for the hour the clocks skip or repeat).
 */
static int64_t london(int y, int m, int d, int hh, int mm)
{
	struct tm tm = {
	    .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = hh, .tm_min = mm};
	int64_t wall = (int64_t)timegm(&tm);
	int64_t t = wall - 3600;
	bool bst = t >= last_sunday_0100(y, 3) && t < last_sunday_0100(y, 10);
	return bst ? t : wall;
}

/* The date days after date (YYYY-MM-DD), into out (11 bytes or more). */
static void date_add(char *out, size_t size, const char *date, int days)
{
	struct tm tm = {.tm_hour = 12};
	assert_int_equal(sscanf(date, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday), 3);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t t = timegm(&tm) + (time_t)days * 86400;
	gmtime_r(&t, &tm);
	strftime(out, size, "%Y-%m-%d", &tm);
}

/* docketd. */

static void start(struct h_daemon *d)
{
	int rc = h_start(d);
	if (rc != 0)
		fail_msg("docketd did not start: %d (status %d)", rc, d->status);
}

/* Stop docketd cleanly and start it again with the clock at spec. */
static void restart_at(struct h_daemon *d, const char *spec)
{
	assert_int_equal(h_stop(d, H_WAIT_MS), 0);
	fake_clock(d, spec);
	start(d);
}

/*
 * libfaketime's shared memory outlives a killed process and would stop a
 * later one that gets the same pid: remove what docketd pid left.
 */
static void faketime_forget(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof path, "/dev/shm/faketime_shm_%ld", (long)pid);
	unlink(path);
	snprintf(path, sizeof path, "/dev/shm/sem.faketime_sem_%ld", (long)pid);
	unlink(path);
}

static void kill9(struct h_daemon *d)
{
	pid_t pid = d->pid;
	h_kill9(d);
	assert_int_equal(d->status, 128 + SIGKILL);
	faketime_forget(pid);
}

/* h_teardown, which kills docketd after a failure: then clean up after libfaketime too. */
static int teardown(void **state)
{
	struct h_daemon *d = *state;
	pid_t pid = d ? d->pid : 0;
	int rc = h_teardown(state);
	if (pid > 0)
		faketime_forget(pid);
	return rc;
}

/* Requests. */

/* Run op (pairs as h_req); it must be accepted. Returns the reply as JSON (caller decrefs). */
static json_t *call(struct h_daemon *d, const char *op, ...) __attribute__((sentinel));
static json_t *call(struct h_daemon *d, const char *op, ...)
{
	va_list ap;
	va_start(ap, op);
	docket_msg *m = h_vmust(d, op, ap);
	va_end(ap);
	json_t *j = h_msg_json(m);
	docket_msg_destroy(&m);
	assert_non_null(j);
	return j;
}


/* Add a meeting at starts_at; its id as a number and, in ms, as text. */
static int64_t meeting(struct h_daemon *d, const char *starts_at, char *ms, size_t size)
{
	json_t *j =
	    call(d, "meeting_add", "panel", "Police and Crime Panel", "starts_at", starts_at, NULL);
	int64_t id = h_jint(j, "meeting.id");
	json_decref(j);
	assert_true(id > 0);
	snprintf(ms, size, "%lld", (long long)id);
	return id;
}

static int64_t item(struct h_daemon *d, const char *ms, const char *code, const char *from,
                    const char *to, char *is, size_t size)
{
	json_t *j = from ? call(d, "item_add", "#meeting", ms, "code", code, "subject", "Decisions",
	                        "period_start", from, "period_end", to, NULL)
	                 : call(d, "item_add", "#meeting", ms, "code", code, "subject",
	                        "Any other business", NULL);
	int64_t id = h_jint(j, "item.id");
	json_decref(j);
	assert_true(id > 0);
	snprintf(is, size, "%lld", (long long)id);
	return id;
}

/* ref drafted, submitted and endorsed on decided_on (NULL: today). Returns the last seq. */
static int64_t endorsed(struct h_daemon *d, const char *ref, const char *decided_on)
{
	assert_int_equal(h_draft(d, ref, NULL), 0);
	h_change(d, "submit", "ref", ref, NULL);
	if (decided_on)
		return h_change(d, "endorse", "ref", ref, "decided_on", decided_on, NULL);
	return h_change(d, "endorse", "ref", ref, NULL);
}

/* ref (published) scheduled on the item is of a meeting that has started, and reported. */
static int64_t reported(struct h_daemon *d, const char *ref, const char *is)
{
	h_change(d, "schedule", "ref", ref, "#item", is, NULL);
	return h_change(d, "report", "ref", ref, NULL);
}

/* The `reminders` query with filters (pairs as h_req): its array (caller decrefs). */
static json_t *reminders(struct h_daemon *d, ...) __attribute__((sentinel));
static json_t *reminders(struct h_daemon *d, ...)
{
	va_list ap;
	va_start(ap, d);
	docket_msg *m = h_vmust(d, "reminders", ap);
	va_end(ap);
	json_t *j = h_msg_json(m);
	docket_msg_destroy(&m);
	json_t *list = json_incref(json_object_get(j, "reminders"));
	assert_true(json_is_array(list));
	assert_true(json_is_false(json_object_get(j, "more")));
	json_decref(j);
	return list;
}

/* The one reminder of list with kind, days and status (NULL: any). Borrowed. */
static json_t *rem(json_t *list, const char *kind, int days, const char *status)
{
	json_t *found = NULL, *r;
	size_t i, n = 0;
	json_array_foreach(list, i, r)
	{
		if (strcmp(h_jstr(r, "kind"), kind) || h_jint(r, "days") != days ||
		    (status && strcmp(h_jstr(r, "status"), status)))
			continue;
		found = r;
		n++;
	}
	if (n != 1) {
		char *text = json_dumps(list, JSON_INDENT(1));
		fail_msg("%zu %s reminders %d days before with status %s in %s", n, kind, days,
		         status ? status : "(any)", text);
	}
	return found;
}

/* The number of reminders of list with status. */
static size_t count_status(json_t *list, const char *status)
{
	json_t *r;
	size_t i, n = 0;
	json_array_foreach(list, i, r)
	{
		n += !strcmp(h_jstr(r, "status"), status);
	}
	return n;
}

/* Events. */

/* The next event within timeout_ms as JSON (the event map; caller decrefs), NULL when none came. */
static json_t *next_event(docket_sub *sub, int timeout_ms)
{
	docket_msg *ev = NULL;
	int rc = docket_sub_recv(sub, &ev, timeout_ms);
	if (rc == -DOCKET_ETIMEDOUT)
		return NULL;
	if (rc != 0)
		fail_msg("docket_sub_recv: %s", docket_strerror(rc));
	json_t *j = h_msg_json(ev);
	H_ASSERT_STR(h_jstr(j, "topic"), h_jstr(j, "event.type"));
	json_t *e = json_incref(json_object_get(j, "event"));
	json_decref(j);
	docket_msg_destroy(&ev);
	return e;
}

/* The next event, which must come within timeout_ms and be of type. */
static json_t *expect_event(docket_sub *sub, const char *type, int timeout_ms)
{
	json_t *e = next_event(sub, timeout_ms);
	if (!e)
		fail_msg("no %s event within %d ms", type, timeout_ms);
	if (strcmp(h_jstr(e, "type"), type)) {
		char *text = json_dumps(e, JSON_COMPACT);
		fail_msg("expected %s, got %s", type, text);
	}
	return e;
}

static docket_sub *subscribe(struct h_daemon *d)
{
	docket_sub *sub = NULL;
	assert_int_equal(docket_sub_new(&sub, d->ev, NULL, H_WAIT_MS), 0);
	return sub;
}

/* Events of log of type (a prefix when it ends in '.') and reminder (any when < 0). */
static size_t log_count(json_t *log, const char *type, int64_t reminder)
{
	json_t *e;
	size_t i, n = 0;
	size_t len = strlen(type);
	bool prefix = len && type[len - 1] == '.';
	json_array_foreach(log, i, e)
	{
		const char *t = h_jstr(e, "type");
		if (prefix ? strncmp(t, type, len) != 0 : strcmp(t, type) != 0)
			continue;
		n += reminder < 0 || h_jint(e, "reminder") == reminder;
	}
	return n;
}

/* The event of log at seq (borrowed). */
static json_t *log_at(json_t *log, int64_t seq)
{
	json_t *e = json_array_get(log, (size_t)(seq - 1));
	assert_non_null(e);
	return e;
}

static void assert_json_equal(json_t *got, json_t *want, const char *what)
{
	if (!json_equal(got, want)) {
		char *a = json_dumps(want, JSON_SORT_KEYS | JSON_COMPACT);
		char *b = json_dumps(got, JSON_SORT_KEYS | JSON_COMPACT);
		fail_msg("%s differs:\n want %s\n got  %s", what, a, b);
	}
}

/* The refs of a JSON array of decision maps, joined by spaces in sorted order. */
static const char *refs_of(json_t *decisions, char *buf, size_t size)
{
	const char *refs[32];
	size_t n = 0, i;
	json_t *x;
	json_array_foreach(decisions, i, x)
	{
		if (n < 32)
			refs[n++] = h_jstr(x, "ref");
	}
	for (size_t a = 1; a < n; a++)
		for (size_t b = a; b > 0 && strcmp(refs[b - 1], refs[b]) > 0; b--) {
			const char *t = refs[b];
			refs[b] = refs[b - 1];
			refs[b - 1] = t;
		}
	buf[0] = '\0';
	for (size_t k = 0; k < n; k++)
		snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", k ? " " : "", refs[k]);
	return buf;
}

/*
 * 1. A meeting reminder fires at 09:00 office time, 7 days before, with the
 * meeting's agenda: what is on each item, what belongs on it and is not yet
 * scheduled, the empty items and the responses due.
 */
static void test_meeting_reminder_fires_at_its_time_with_agenda(void **state)
{
	struct h_daemon *d = *state;
	char ms[24], ps[24], i1s[24], i2s[24], pis[24], buf[256];

	fake_clock(d, "@2030-09-10 12:00:00");
	start(d);
	meeting(d, "2030-09-01T10:00", ps, sizeof ps); /* a meeting that took place */
	item(d, ps, "P1", NULL, NULL, pis, sizeof pis);
	int64_t m = meeting(d, "2030-09-22T10:00", ms, sizeof ms);
	int64_t i1 = item(d, ms, "C1", "2030-08-01", "2030-09-14", i1s, sizeof i1s);
	int64_t i2 = item(d, ms, "C2", NULL, NULL, i2s, sizeof i2s);

	/* Waiting for the commissioner's response. */
	endorsed(d, "R/1", "2030-08-20");
	h_change(d, "publish", "ref", "R/1", "published_on", "2030-08-25", NULL);
	reported(d, "R/1", pis);
	h_change(d, "recommend", "ref", "R/1", "recommendation", "Publish the evaluation.",
	       "response_due", "2030-10-20", NULL);
	/* On item C1. */
	endorsed(d, "S/1", NULL);
	h_change(d, "publish", "ref", "S/1", NULL);
	h_change(d, "schedule", "ref", "S/1", "#item", i1s, NULL);
	/* Belong on C1 by their dates, not scheduled: published, and endorsed only. */
	endorsed(d, "U/1", NULL);
	h_change(d, "publish", "ref", "U/1", NULL);
	endorsed(d, "U/2", "2030-09-05");
	/* Decided and published before C1's period: not a candidate. */
	endorsed(d, "O/1", "2030-07-15");
	int64_t last = h_change(d, "publish", "ref", "O/1", "published_on", "2030-07-20", NULL);

	/* 21 days before was 2030-09-01: already past, so only 7 and 1 are planned. */
	json_t *list = reminders(d, "#meeting", ms, NULL);
	assert_int_equal(json_array_size(list), 2);
	json_t *r7 = rem(list, "meeting", 7, "pending");
	J_STR(r7, "due_at", "2030-09-15T08:00:00Z");
	J_STR(r7, "target_at", "2030-09-22T09:00:00Z");
	J_INT(r7, "meeting", m);
	assert_true(json_is_null(json_object_get(r7, "ref")));
	assert_true(json_is_null(json_object_get(r7, "seq")));
	assert_true(json_is_null(json_object_get(r7, "settled_at")));
	int64_t id7 = h_jint(r7, "id");
	J_STR(rem(list, "meeting", 1, "pending"), "due_at", "2030-09-21T08:00:00Z");
	json_decref(list);

	/* A few seconds before it is due; the timer must fire it while we wait. */
	restart_at(d, "@2030-09-15 07:59:57");
	docket_sub *sub = subscribe(d);
	json_t *info = call(d, "info", NULL);
	if (strcmp(h_jstr(info, "now"), "2030-09-15T08:00:00") >= 0)
		fail_msg("docketd took too long to start: it is already %s", h_jstr(info, "now"));
	json_decref(info);

	json_t *ev = expect_event(sub, "reminder.due", EVENT_MS);
	J_INT(ev, "seq", last + 1);
	J_STR(ev, "actor", "docketd");
	J_INT(ev, "reminder", id7);
	J_STR(ev, "kind", "meeting");
	J_INT(ev, "meeting", m);
	assert_null(json_object_get(ev, "ref"));
	const char *ts = h_jstr(ev, "ts");
	assert_non_null(ts);
	if (strcmp(ts, "2030-09-15T08:00:00.000Z") < 0 || strcmp(ts, "2030-09-15T08:01:00") >= 0)
		fail_msg("the 7-day reminder due 08:00:00Z fired at %s", ts);
	J_STR(ev, "data.due_at", "2030-09-15T08:00:00Z");
	J_STR(ev, "data.target_at", "2030-09-22T09:00:00Z");
	J_INT(ev, "data.days", 7);
	assert_true(json_is_false(h_jpath(ev, "data.late")));
	J_STR(ev, "data.today", "2030-09-15");
	J_INT(ev, "data.meeting.id", m);
	J_STR(ev, "data.meeting.status", "scheduled");
	J_STR(ev, "data.meeting.starts_at", "2030-09-22T09:00:00Z");
	J_STR(ev, "data.meeting.starts_at_local", "2030-09-22T10:00:00+01:00");
	J_STR(ev, "data.meeting.zone", "BST");
	assert_int_equal(json_array_size(h_jpath(ev, "data.items")), 2);
	J_INT(ev, "data.items.0.id", i1);
	H_ASSERT_STR(refs_of(h_jpath(ev, "data.items.0.decisions"), buf, sizeof buf), "S/1");
	H_ASSERT_STR(refs_of(h_jpath(ev, "data.items.0.unscheduled"), buf, sizeof buf), "U/1 U/2");
	assert_true(json_is_false(h_jpath(ev, "data.items.0.empty")));
	J_INT(ev, "data.items.1.id", i2);
	assert_int_equal(json_array_size(h_jpath(ev, "data.items.1.decisions")), 0);
	assert_int_equal(json_array_size(h_jpath(ev, "data.items.1.unscheduled")), 0);
	assert_true(json_is_true(h_jpath(ev, "data.items.1.empty")));
	assert_int_equal(json_array_size(h_jpath(ev, "data.empty_items")), 1);
	J_INT(ev, "data.empty_items.0", i2);
	H_ASSERT_STR(refs_of(h_jpath(ev, "data.responses_due"), buf, sizeof buf), "R/1");
	J_STR(ev, "data.responses_due.0.response_due", "2030-10-20");

	/* It carries the agenda as the agenda query gives it. */
	json_t *agenda = call(d, "agenda", "#meeting", ms, NULL);
	const char *keys[] = {"meeting", "items", "empty_items", "responses_due", "today"};
	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
		assert_json_equal(json_object_get(json_object_get(ev, "data"), keys[k]),
		                  json_object_get(agenda, keys[k]), keys[k]);
	json_decref(agenda);

	/* Recorded: fired by that event; in the log once, as published; nothing else. */
	list = reminders(d, "#meeting", ms, NULL);
	r7 = rem(list, "meeting", 7, "fired");
	J_INT(r7, "seq", last + 1);
	H_ASSERT_CONTAINS(h_jstr(r7, "settled_at"), "2030-09-15T08:00:0");
	rem(list, "meeting", 1, "pending");
	json_decref(list);
	json_t *log = h_log_read(d);
	assert_int_equal(json_array_size(log), last + 1);
	assert_json_equal(log_at(log, last + 1), ev, "the logged reminder.due");
	json_decref(log);
	json_decref(ev);
	docket_sub_destroy(&sub);
	H_PASS(d);
}

/*
 * 2. kill -9 while the reminder is not yet due; docketd starts again after
 * its time and before the meeting: it fires at start, late, once.
 */
static void test_kill9_before_due_fires_once_at_start(void **state)
{
	struct h_daemon *d = *state;
	char ms[24];
	fake_clock(d, "@2030-09-15 07:00:00");
	start(d);
	int64_t m = meeting(d, "2030-09-22T10:00", ms, sizeof ms);
	json_t *list = reminders(d, "#meeting", ms, "kind", "meeting", NULL);
	int64_t id7 = h_jint(rem(list, "meeting", 7, "pending"), "id");
	json_decref(list);
	kill9(d);

	fake_clock(d, "@2030-09-15 08:30:00");
	start(d);
	list = reminders(d, "#meeting", ms, NULL);
	json_t *r7 = rem(list, "meeting", 7, "fired");
	J_INT(r7, "id", id7);
	J_INT(r7, "seq", 2);
	char settled[64];
	snprintf(settled, sizeof settled, "%s", h_jstr(r7, "settled_at"));
	H_ASSERT_CONTAINS(settled, "2030-09-15T08:30:0");
	rem(list, "meeting", 1, "pending");
	json_decref(list);
	json_t *log = h_log_read(d);
	assert_int_equal(json_array_size(log), 2); /* meeting.created, reminder.due */
	json_t *e = log_at(log, 2);
	J_STR(e, "type", "reminder.due");
	J_STR(e, "actor", "docketd");
	J_INT(e, "reminder", id7);
	J_INT(e, "meeting", m);
	J_INT(e, "data.days", 7);
	J_STR(e, "data.due_at", "2030-09-15T08:00:00Z");
	assert_true(json_is_true(h_jpath(e, "data.late")));
	J_STR(e, "data.meeting.status", "scheduled");
	J_STR(e, "data.today", "2030-09-15");
	json_decref(log);

	/* Killed again and started again, or stopped and started: it stays fired once. */
	kill9(d);
	start(d);
	assert_int_equal(h_restart(d), 0);
	list = reminders(d, "#meeting", ms, NULL);
	r7 = rem(list, "meeting", 7, "fired");
	J_INT(r7, "seq", 2);
	J_STR(r7, "settled_at", settled);
	json_decref(list);
	log = h_log_read(d);
	assert_int_equal(json_array_size(log), 2);
	json_decref(log);
	H_PASS(d);
}

/* 2b. kill -9 just after a reminder fired: it never fires again. */
static void test_kill9_after_firing_never_fires_again(void **state)
{
	struct h_daemon *d = *state;
	char ms[24];
	fake_clock(d, "@2030-09-15 07:00:00");
	start(d);
	meeting(d, "2030-09-22T10:00", ms, sizeof ms);
	restart_at(d, "@2030-09-15 07:59:58");
	docket_sub *sub = subscribe(d);
	json_t *ev = expect_event(sub, "reminder.due", EVENT_MS);
	kill9(d);
	int64_t seq = h_jint(ev, "seq"), id = h_jint(ev, "reminder");
	assert_int_equal(seq, 2);
	J_INT(ev, "data.days", 7);
	assert_true(json_is_false(h_jpath(ev, "data.late")));

	/* Back within the minute after its time: pending, it would fire again now. */
	fake_clock(d, "@2030-09-15 08:00:30");
	start(d);
	json_t *list = reminders(d, "#meeting", ms, NULL);
	json_t *r7 = rem(list, "meeting", 7, "fired");
	J_INT(r7, "id", id);
	J_INT(r7, "seq", seq);
	rem(list, "meeting", 1, "pending");
	json_decref(list);
	json_t *log = h_log_read(d);
	assert_int_equal(json_array_size(log), 2);
	assert_int_equal(log_count(log, "reminder.due", id), 1);
	assert_json_equal(log_at(log, seq), ev, "the logged reminder.due");
	json_decref(log);
	/* The next change continues the log: nothing was appended unseen. */
	assert_int_equal(h_change(d, "item_add", "#meeting", ms, "code", "C1", "subject", "S", NULL),
	                 3);
	json_decref(ev);
	docket_sub_destroy(&sub);
	H_PASS(d);
}

/*
 * 3. Reminders that came due while docketd was down: one whose meeting is
 * still ahead fires at start (late); one whose meeting has started is
 * recorded missed, never due.
 */
static void test_missed_while_down_is_recorded_missed(void **state)
{
	struct h_daemon *d = *state;
	char as[24], bs[24];
	fake_clock(d, "@2030-09-10 12:00:00");
	start(d);
	int64_t a = meeting(d, "2030-09-22T10:00", as, sizeof as);
	int64_t b = meeting(d, "2030-09-16T10:00", bs, sizeof bs);
	json_t *list = reminders(d, "#meeting", bs, NULL);
	/* B: 21 and 7 days before are past; 1 day before is 2030-09-15 09:00 BST. */
	assert_int_equal(json_array_size(list), 1);
	json_t *rb = rem(list, "meeting", 1, "pending");
	J_STR(rb, "due_at", "2030-09-15T08:00:00Z");
	int64_t idb = h_jint(rb, "id");
	json_decref(list);
	list = reminders(d, "#meeting", as, NULL);
	int64_t ida = h_jint(rem(list, "meeting", 7, "pending"), "id");
	json_decref(list);
	assert_int_equal(h_stop(d, H_WAIT_MS), 0);

	/* Down from before both came due until after B started (2030-09-16T09:00Z). */
	fake_clock(d, "@2030-09-16 09:30:00");
	start(d);
	list = reminders(d, NULL);
	assert_int_equal(json_array_size(list), 3);
	json_t *ra = rem(list, "meeting", 7, "fired");
	J_INT(ra, "id", ida);
	J_INT(ra, "meeting", a);
	/* A's 1-day reminder (2030-09-21) is still ahead. */
	json_t *filtered = reminders(d, "#meeting", as, "status", "pending", NULL);
	assert_int_equal(json_array_size(filtered), 1);
	J_INT(json_array_get(filtered, 0), "days", 1);
	json_decref(filtered);
	filtered = reminders(d, "#meeting", bs, NULL);
	assert_int_equal(json_array_size(filtered), 1);
	rb = json_array_get(filtered, 0);
	J_INT(rb, "id", idb);
	J_INT(rb, "meeting", b);
	if (strcmp(h_jstr(rb, "status"), "missed")) {
		json_t *log = h_log_read(d);
		fail_msg("B's 1-day reminder, due while docketd was down, its meeting started "
		         "since, is '%s', not 'missed' (section 9); the log holds %zu "
		         "reminder.missed events",
		         h_jstr(rb, "status"), log_count(log, "reminder.missed", -1));
	}
	H_ASSERT_CONTAINS(h_jstr(rb, "settled_at"), "2030-09-16T09:30:0");
	int64_t seqa = h_jint(ra, "seq"), seqb = h_jint(rb, "seq");
	json_decref(filtered);

	json_t *log = h_log_read(d);
	assert_int_equal(json_array_size(log), 4); /* two meeting.created, then these two */
	assert_true((seqa == 3 && seqb == 4) || (seqa == 4 && seqb == 3));
	json_t *ea = log_at(log, seqa), *eb = log_at(log, seqb);
	J_STR(ea, "type", "reminder.due");
	J_INT(ea, "reminder", ida);
	assert_true(json_is_true(h_jpath(ea, "data.late")));
	J_STR(ea, "data.due_at", "2030-09-15T08:00:00Z");
	J_STR(eb, "type", "reminder.missed");
	J_STR(eb, "actor", "docketd");
	J_INT(eb, "reminder", idb);
	J_STR(eb, "kind", "meeting");
	J_INT(eb, "meeting", b);
	J_STR(eb, "data.due_at", "2030-09-15T08:00:00Z");
	J_STR(eb, "data.target_at", "2030-09-16T09:00:00Z");
	J_INT(eb, "data.days", 1);
	const char *reason = h_jstr(eb, "data.reason");
	assert_true(reason && strlen(reason) > 0);
	assert_int_equal(log_count(log, "reminder.due", idb), 0);
	json_decref(log);

	/* A restart settles nothing again. */
	assert_int_equal(h_restart(d), 0);
	json_t *again = reminders(d, NULL);
	assert_json_equal(again, list, "the reminders after a restart");
	json_decref(again);
	json_decref(list);
	log = h_log_read(d);
	assert_int_equal(json_array_size(log), 4);
	json_decref(log);
	H_PASS(d);
}

/*
 * 3b. The same for a decision: response reminders whose deadline passed
 * while docketd was down are recorded missed.
 */
static void test_response_reminders_missed_while_down(void **state)
{
	struct h_daemon *d = *state;
	char ps[24], pis[24];
	fake_clock(d, "@2030-09-10 12:00:00");
	start(d);
	meeting(d, "2030-09-01T10:00", ps, sizeof ps);
	item(d, ps, "P1", NULL, NULL, pis, sizeof pis);
	endorsed(d, "M/1", "2030-08-20");
	h_change(d, "publish", "ref", "M/1", "published_on", "2030-08-25", NULL);
	reported(d, "M/1", pis);
	int64_t last = h_change(d, "recommend", "ref", "M/1", "recommendation", "Consult.",
	                      "response_due", "2030-09-24", NULL);
	json_t *list = reminders(d, "ref", "M/1", NULL);
	assert_int_equal(json_array_size(list), 2); /* 14 days before was today, 09:00 */
	json_decref(list);

	/* Down until after the end of 2030-09-24. */
	restart_at(d, "@2030-09-25 12:00:00");
	list = reminders(d, "ref", "M/1", NULL);
	assert_int_equal(count_status(list, "missed"), 2);
	json_t *r = rem(list, "response", 0, "missed");
	J_STR(r, "target_at", "2030-09-24T23:00:00Z");
	int64_t seq = h_jint(r, "seq");
	assert_true(seq == last + 1 || seq == last + 2);
	json_decref(list);
	json_t *h = call(d, "history", "ref", "M/1", NULL);
	json_t *events = json_object_get(h, "events");
	size_t n = json_array_size(events);
	for (size_t i = n - 2; i < n; i++) {
		json_t *e = json_array_get(events, i);
		J_STR(e, "type", "reminder.missed");
		J_STR(e, "kind", "response");
		J_STR(e, "ref", "M/1");
		assert_true(strlen(h_jstr(e, "data.reason")) > 0);
	}
	json_decref(h);
	json_t *log = h_log_read(d);
	assert_int_equal(json_array_size(log), last + 2);
	assert_int_equal(log_count(log, "reminder.due", -1), 0);
	json_decref(log);
	H_PASS(d);
}

/*
 * 4. The calendar re-plans a meeting's reminders: moved (they move),
 * postponed (cancelled; nothing fires at the old times), moved again
 * (planned anew), cancelled (cancelled).
 */
static void test_meeting_changes_replan(void **state)
{
	struct h_daemon *d = *state;
	char ms[24];
	fake_clock(d, "@2030-09-10 12:00:00");
	start(d);
	int64_t m = meeting(d, "2030-09-22T10:00", ms, sizeof ms);
	json_t *list = reminders(d, "#meeting", ms, NULL);
	assert_int_equal(json_array_size(list), 2);
	int64_t id7 = h_jint(rem(list, "meeting", 7, "pending"), "id");
	int64_t id1 = h_jint(rem(list, "meeting", 1, "pending"), "id");
	json_decref(list);

	/* Moved a week on: the same reminders, due a week later. */
	json_t *j = call(d, "meeting_move", "#meeting", ms, "starts_at", "2030-09-29T10:00", NULL);
	J_STR(j, "meeting.starts_at", "2030-09-29T09:00:00Z");
	json_decref(j);
	list = reminders(d, "#meeting", ms, NULL);
	assert_int_equal(json_array_size(list), 2); /* 21 days before, 2030-09-08, has passed */
	json_t *r = rem(list, "meeting", 7, "pending");
	J_INT(r, "id", id7);
	J_STR(r, "due_at", "2030-09-22T08:00:00Z");
	J_STR(r, "target_at", "2030-09-29T09:00:00Z");
	r = rem(list, "meeting", 1, "pending");
	J_INT(r, "id", id1);
	J_STR(r, "due_at", "2030-09-28T08:00:00Z");
	J_STR(r, "target_at", "2030-09-29T09:00:00Z");
	json_decref(list);

	/* Postponed: cancelled. */
	j = call(d, "meeting_postpone", "#meeting", ms, "reason", "The panel is not quorate", NULL);
	J_STR(j, "meeting.status", "postponed");
	json_decref(j);
	list = reminders(d, "#meeting", ms, NULL);
	assert_int_equal(json_array_size(list), 2);
	assert_int_equal(count_status(list, "cancelled"), 2);
	H_ASSERT_CONTAINS(h_jstr(rem(list, "meeting", 7, NULL), "settled_at"), "2030-09-10T12:0");
	assert_true(json_is_null(json_object_get(rem(list, "meeting", 7, NULL), "seq")));
	json_decref(list);

	/* docketd starts after every old time: nothing fires or is missed. */
	restart_at(d, "@2030-09-23 12:00:00");
	json_t *log = h_log_read(d);
	assert_int_equal(log_count(log, "reminder.", -1), 0);
	json_decref(log);
	list = reminders(d, "#meeting", ms, NULL);
	assert_int_equal(count_status(list, "cancelled"), 2);
	json_decref(list);

	/* Moved again: planned anew, every day whose time is ahead. */
	j = call(d, "meeting_move", "#meeting", ms, "starts_at", "2030-10-20T10:00", NULL);
	J_STR(j, "meeting.status", "scheduled");
	json_decref(j);
	list = reminders(d, "#meeting", ms, "status", "pending", NULL);
	assert_int_equal(json_array_size(list), 3);
	const int days[] = {21, 7, 1};
	const char *due[] = {"2030-09-29T08:00:00Z", "2030-10-13T08:00:00Z",
	                     "2030-10-19T08:00:00Z"};
	for (int k = 0; k < 3; k++) {
		r = rem(list, "meeting", days[k], "pending");
		J_STR(r, "due_at", due[k]);
		J_STR(r, "target_at", "2030-10-20T09:00:00Z");
		J_INT(r, "meeting", m);
		assert_true(h_jint(r, "id") != id7 && h_jint(r, "id") != id1);
	}
	/* In due_at order. */
	J_INT(json_array_get(list, 0), "days", 21);
	J_INT(json_array_get(list, 2), "days", 1);
	json_decref(list);

	/* Cancelled: every pending one is cancelled; the earlier ones stay as they were. */
	h_change(d, "meeting_cancel", "#meeting", ms, "reason", "Merged with October's", NULL);
	list = reminders(d, "#meeting", ms, NULL);
	assert_int_equal(json_array_size(list), 5);
	assert_int_equal(count_status(list, "cancelled"), 5);
	json_decref(list);
	log = h_log_read(d);
	assert_int_equal(json_array_size(log), 5);
	assert_int_equal(log_count(log, "reminder.", -1), 0);
	json_decref(log);
	H_PASS(d);
}

/*
 * 4b. A meeting moved earlier: a pending reminder whose new time has passed
 * fires at once, its target being ahead; moved later again, the fired one
 * stays fired and a new one is planned for the new time.
 */
static void test_meeting_moved_earlier_fires_at_once(void **state)
{
	struct h_daemon *d = *state;
	char ms[24];
	fake_clock(d, "@2030-09-10 12:00:00");
	start(d);
	int64_t m = meeting(d, "2030-09-22T10:00", ms, sizeof ms);
	json_t *list = reminders(d, "#meeting", ms, NULL);
	int64_t id7 = h_jint(rem(list, "meeting", 7, "pending"), "id");
	int64_t id1 = h_jint(rem(list, "meeting", 1, "pending"), "id");
	json_decref(list);
	docket_sub *sub = subscribe(d);

	/* To 2030-09-16: 7 days before is 2030-09-09, passed; 1 day before is ahead. */
	int64_t seq =
	    h_change(d, "meeting_move", "#meeting", ms, "starts_at", "2030-09-16T10:00", NULL);
	json_t *ev = expect_event(sub, "meeting.moved", H_WAIT_MS);
	J_INT(ev, "seq", seq);
	json_decref(ev);
	ev = expect_event(sub, "reminder.due", H_WAIT_MS);
	J_INT(ev, "seq", seq + 1);
	J_INT(ev, "reminder", id7);
	J_INT(ev, "meeting", m);
	J_STR(ev, "data.due_at", "2030-09-09T08:00:00Z");
	J_STR(ev, "data.target_at", "2030-09-16T09:00:00Z");
	assert_true(json_is_true(h_jpath(ev, "data.late")));
	J_STR(ev, "data.meeting.starts_at", "2030-09-16T09:00:00Z");
	json_decref(ev);
	list = reminders(d, "#meeting", ms, NULL);
	assert_int_equal(json_array_size(list), 2);
	J_INT(rem(list, "meeting", 7, "fired"), "seq", seq + 1);
	json_t *r = rem(list, "meeting", 1, "pending");
	J_INT(r, "id", id1);
	J_STR(r, "due_at", "2030-09-15T08:00:00Z");
	json_decref(list);

	/* To 2030-09-30: the fired one stays; a new 7-day one for the new time. */
	seq = h_change(d, "meeting_move", "#meeting", ms, "starts_at", "2030-09-30T10:00", NULL);
	list = reminders(d, "#meeting", ms, NULL);
	assert_int_equal(json_array_size(list), 3);
	r = rem(list, "meeting", 7, "fired");
	J_INT(r, "id", id7);
	J_STR(r, "due_at", "2030-09-09T08:00:00Z");
	J_STR(r, "target_at", "2030-09-16T09:00:00Z");
	r = rem(list, "meeting", 7, "pending");
	assert_true(h_jint(r, "id") != id7);
	J_STR(r, "due_at", "2030-09-23T08:00:00Z");
	J_STR(r, "target_at", "2030-09-30T09:00:00Z");
	r = rem(list, "meeting", 1, "pending");
	J_INT(r, "id", id1);
	J_STR(r, "due_at", "2030-09-29T08:00:00Z");
	json_decref(list);
	/* The limit cuts the list in due_at order and says so. */
	docket_msg *m1 = NULL;
	assert_int_equal(h_call(d, &m1, "reminders", "#meeting", ms, "#limit", "1", NULL), 0);
	json_t *j = h_msg_json(m1);
	docket_msg_destroy(&m1);
	assert_int_equal(json_array_size(json_object_get(j, "reminders")), 1);
	J_INT(j, "reminders.0.id", id7);
	assert_true(json_is_true(json_object_get(j, "more")));
	json_decref(j);

	ev = expect_event(sub, "meeting.moved", H_WAIT_MS);
	J_INT(ev, "seq", seq);
	json_decref(ev);
	json_t *log = h_log_read(d);
	assert_int_equal(json_array_size(log), seq);
	assert_int_equal(log_count(log, "reminder.", -1), 1);
	json_decref(log);
	docket_sub_destroy(&sub);
	H_PASS(d);
}

/*
 * 5. New reminder days by SIGHUP: days no longer listed are cancelled, new
 * ones planned, and the one that fired stays fired and never fires again.
 */
static void test_sighup_replans_days(void **state)
{
	struct h_daemon *d = *state;
	char ms[24];
	assert_int_equal(h_write_config(d, CONFIG_DEFAULT), 0);
	fake_clock(d, "@2030-08-30 12:00:00");
	start(d);
	meeting(d, "2030-09-22T10:00", ms, sizeof ms);
	json_t *list = reminders(d, "#meeting", ms, NULL);
	assert_int_equal(json_array_size(list), 3);
	int64_t id21 = h_jint(rem(list, "meeting", 21, "pending"), "id");
	J_STR(rem(list, "meeting", 21, NULL), "due_at", "2030-09-01T08:00:00Z");
	int64_t id7 = h_jint(rem(list, "meeting", 7, "pending"), "id");
	int64_t id1 = h_jint(rem(list, "meeting", 1, "pending"), "id");
	json_decref(list);

	/* The 21-day reminder fires (at start, 20 s after its time). */
	restart_at(d, "@2030-09-01 08:00:20");
	list = reminders(d, "#meeting", ms, "status", "fired", NULL);
	assert_int_equal(json_array_size(list), 1);
	J_INT(json_array_get(list, 0), "id", id21);
	int64_t seq21 = h_jint(json_array_get(list, 0), "seq");
	assert_int_equal(seq21, 2);
	json_decref(list);

	assert_int_equal(h_write_config(d, "[reminders]\nmeeting = 10, 2\n"), 0);
	h_signal(d, SIGHUP);
	assert_int_equal(h_wait_notify(d, "READY=1", H_WAIT_MS), 0);
	json_t *info = call(d, "info", NULL);
	assert_int_equal(json_array_size(h_jpath(info, "reminders.meeting")), 2);
	J_INT(info, "reminders.meeting.0", 10);
	J_INT(info, "reminders.meeting.1", 2);
	J_STR(info, "reminders.time", "09:00");
	json_decref(info);

	list = reminders(d, "#meeting", ms, NULL);
	assert_int_equal(json_array_size(list), 5);
	json_t *r = rem(list, "meeting", 21, "fired");
	J_INT(r, "id", id21);
	J_INT(r, "seq", seq21);
	J_INT(rem(list, "meeting", 7, "cancelled"), "id", id7);
	J_INT(rem(list, "meeting", 1, "cancelled"), "id", id1);
	r = rem(list, "meeting", 10, "pending");
	J_STR(r, "due_at", "2030-09-12T08:00:00Z");
	J_STR(r, "target_at", "2030-09-22T09:00:00Z");
	int64_t id10 = h_jint(r, "id");
	J_STR(rem(list, "meeting", 2, "pending"), "due_at", "2030-09-20T08:00:00Z");
	int64_t id2 = h_jint(rem(list, "meeting", 2, "pending"), "id");
	json_decref(list);

	/* 21 listed again: its time has passed and it fired, so nothing new. */
	assert_int_equal(h_write_config(d, "[reminders]\nmeeting = 21, 10, 2\n"), 0);
	h_signal(d, SIGHUP);
	assert_int_equal(h_wait_notify(d, "READY=1", H_WAIT_MS), 0);
	info = call(d, "info", NULL);
	assert_int_equal(json_array_size(h_jpath(info, "reminders.meeting")), 3);
	json_decref(info);
	list = reminders(d, "#meeting", ms, NULL);
	assert_int_equal(json_array_size(list), 5);
	J_INT(rem(list, "meeting", 21, "fired"), "seq", seq21);
	J_INT(rem(list, "meeting", 10, "pending"), "id", id10);
	J_INT(rem(list, "meeting", 2, "pending"), "id", id2);
	json_decref(list);

	/* A new time of day moves what is pending: 10:00 BST. */
	assert_int_equal(h_write_config(d, "[reminders]\nmeeting = 21, 10, 2\ntime = 10:00\n"), 0);
	h_signal(d, SIGHUP);
	assert_int_equal(h_wait_notify(d, "READY=1", H_WAIT_MS), 0);
	list = reminders(d, "#meeting", ms, NULL);
	assert_int_equal(json_array_size(list), 5);
	J_STR(rem(list, "meeting", 10, "pending"), "due_at", "2030-09-12T09:00:00Z");
	J_STR(rem(list, "meeting", 2, "pending"), "due_at", "2030-09-20T09:00:00Z");
	J_INT(rem(list, "meeting", 2, "pending"), "id", id2);
	json_decref(list);

	/* After 10 and 2 came due: they fire, the 21-day one does not fire again. */
	restart_at(d, "@2030-09-21 12:00:00");
	list = reminders(d, "#meeting", ms, NULL);
	assert_int_equal(count_status(list, "fired"), 3);
	J_INT(rem(list, "meeting", 21, "fired"), "seq", seq21);
	json_decref(list);
	json_t *log = h_log_read(d);
	assert_int_equal(json_array_size(log), 4);
	assert_int_equal(log_count(log, "reminder.due", id21), 1);
	assert_int_equal(log_count(log, "reminder.due", id10), 1);
	assert_int_equal(log_count(log, "reminder.due", id2), 1);
	assert_int_equal(log_count(log, "reminder.", -1), 3);
	json_decref(log);
	H_PASS(d);
}

/*
 * 6. Across the changes of the clocks a reminder stays at 09:00 office time
 * and its UTC time moves by the hour: meetings on the Wednesdays after the
 * last Sundays of March and October 2031.
 */
static void test_reminders_keep_office_time_across_clock_changes(void **state)
{
	struct h_daemon *d = *state;
	char ms[24], os[24];
	fake_clock(d, "@2031-03-01 12:00:00");
	start(d);
	int64_t spring = meeting(d, "2031-04-02T10:00", ms, sizeof ms);
	meeting(d, "2031-10-29T10:00", os, sizeof os);
	json_t *meetings = call(d, "meetings", NULL);
	J_STR(meetings, "meetings.0.starts_at", "2031-04-02T09:00:00Z");
	J_STR(meetings, "meetings.0.starts_at_local", "2031-04-02T10:00:00+01:00");
	J_STR(meetings, "meetings.0.zone", "BST");
	J_STR(meetings, "meetings.1.starts_at", "2031-10-29T10:00:00Z");
	J_STR(meetings, "meetings.1.starts_at_local", "2031-10-29T10:00:00+00:00");
	J_STR(meetings, "meetings.1.zone", "GMT");
	json_decref(meetings);

	/* March: 7 days before is GMT (09:00Z), 1 day before BST (08:00Z). */
	json_t *list = reminders(d, "#meeting", ms, NULL);
	J_STR(rem(list, "meeting", 21, "pending"), "due_at", "2031-03-12T09:00:00Z");
	const char *d7 = h_jstr(rem(list, "meeting", 7, "pending"), "due_at");
	const char *d1 = h_jstr(rem(list, "meeting", 1, "pending"), "due_at");
	H_ASSERT_STR(d7, "2031-03-26T09:00:00Z");
	H_ASSERT_STR(d1, "2031-04-01T08:00:00Z");
	assert_int_equal(epoch_of(d1) - epoch_of(d7), 6 * 86400 - 3600);
	json_decref(list);

	/* October: the reverse. */
	list = reminders(d, "#meeting", os, NULL);
	J_STR(rem(list, "meeting", 21, "pending"), "due_at", "2031-10-08T08:00:00Z");
	d7 = h_jstr(rem(list, "meeting", 7, "pending"), "due_at");
	d1 = h_jstr(rem(list, "meeting", 1, "pending"), "due_at");
	H_ASSERT_STR(d7, "2031-10-22T08:00:00Z");
	H_ASSERT_STR(d1, "2031-10-28T09:00:00Z");
	assert_int_equal(epoch_of(d1) - epoch_of(d7), 6 * 86400 + 3600);
	J_STR(rem(list, "meeting", 1, NULL), "target_at", "2031-10-29T10:00:00Z");
	json_decref(list);

	/* And the 1-day one of March does come at 09:00 BST, 08:00Z. */
	restart_at(d, "@2031-04-01 07:59:58");
	docket_sub *sub = subscribe(d);
	json_t *ev = expect_event(sub, "reminder.due", EVENT_MS);
	J_INT(ev, "meeting", spring);
	J_INT(ev, "data.days", 1);
	J_STR(ev, "data.due_at", "2031-04-01T08:00:00Z");
	assert_true(json_is_false(h_jpath(ev, "data.late")));
	H_ASSERT_CONTAINS(h_jstr(ev, "ts"), "2031-04-01T08:00:");
	J_STR(ev, "data.meeting.zone", "BST");
	J_STR(ev, "data.today", "2031-04-01");
	json_decref(ev);
	docket_sub_destroy(&sub);
	/* The 21- and 7-day ones had come due while it was down: they fired late at start. */
	list = reminders(d, "#meeting", ms, NULL);
	assert_int_equal(count_status(list, "fired"), 3);
	json_decref(list);
	H_PASS(d);
}

/*
 * 6b. At a time of day the clocks skip, a reminder moves forward past the
 * gap; at one they pass twice, it takes the earlier (section 9).
 */
static void test_reminder_time_in_gap_and_fold(void **state)
{
	struct h_daemon *d = *state;
	char ms[24], os[24];
	assert_int_equal(h_write_config(d, "[reminders]\nmeeting = 7, 0\ntime = 01:30\n"), 0);
	fake_clock(d, "@2031-03-01 12:00:00");
	start(d);
	json_t *info = call(d, "info", NULL);
	J_STR(info, "reminders.time", "01:30");
	J_STR(info, "timezone", "Europe/London");
	J_STR(info, "today", "2031-03-01");
	J_STR(info, "zone", "GMT");
	json_decref(info);
	/* 7 days before: Sunday 2031-03-30, whose 01:30 does not exist; 2031-10-26, twice. */
	meeting(d, "2031-04-06T10:00", ms, sizeof ms);
	meeting(d, "2031-11-02T10:00", os, sizeof os);
	json_t *list = reminders(d, "#meeting", ms, NULL);
	/* Forward past the gap by its length: 02:30 BST. */
	J_STR(rem(list, "meeting", 7, "pending"), "due_at", "2031-03-30T01:30:00Z");
	json_decref(list);
	list = reminders(d, "#meeting", os, NULL);
	/* The earlier of 01:30 BST and 01:30 GMT. */
	J_STR(rem(list, "meeting", 7, "pending"), "due_at", "2031-10-26T00:30:00Z");
	json_decref(list);
	/* On the day at 01:30, before a 10:00 meeting: planned. */
	list = reminders(d, "#meeting", ms, NULL);
	J_STR(rem(list, "meeting", 0, "pending"), "due_at", "2031-04-06T00:30:00Z");
	json_decref(list);
	/* A meeting at 01:00: 01:30 on the day would come after its start, so none. */
	char es[24];
	meeting(d, "2031-05-07T01:00", es, sizeof es);
	list = reminders(d, "#meeting", es, NULL);
	assert_int_equal(json_array_size(list), 1);
	J_STR(rem(list, "meeting", 7, "pending"), "due_at", "2031-04-30T00:30:00Z");
	json_decref(list);
	H_PASS(d);
}

/*
 * 7. Steps of the wall clock (libfaketime's timestamp file): forward past a
 * due reminder, it fires once when a command makes docketd look; back, the
 * fired one does not fire again and a pending one does not fire early.
 */
static void test_wall_clock_steps(void **state)
{
	struct h_daemon *d = *state;
	char ms[24], ref[16];
	const char *due7 = "2030-09-15T08:00:00Z", *due1 = "2030-09-21T08:00:00Z";
	char at[32];

	clock_file_use(d);
	clock_set(d, "2030-09-15T07:00:00Z");
	start(d);
	int64_t m = meeting(d, "2030-09-22T10:00", ms, sizeof ms);
	json_t *list = reminders(d, "#meeting", ms, NULL);
	int64_t id7 = h_jint(rem(list, "meeting", 7, "pending"), "id");
	int64_t id1 = h_jint(rem(list, "meeting", 1, "pending"), "id");
	json_decref(list);
	docket_sub *sub = subscribe(d);

	/* Forward, to 3 s before the 1-day reminder: the 7-day one is due, long since. */
	clock_set(d, utc_of(at, sizeof at, epoch_of(due1) - 3));
	assert_int_equal(h_draft(d, "J/1", NULL), 0);
	json_t *ev = expect_event(sub, "reminder.due", H_WAIT_MS);
	J_INT(ev, "seq", 2);
	J_INT(ev, "reminder", id7);
	J_INT(ev, "meeting", m);
	J_STR(ev, "data.due_at", due7);
	assert_true(json_is_true(h_jpath(ev, "data.late")));
	json_decref(ev);
	ev = expect_event(sub, "decision.drafted", H_WAIT_MS);
	J_INT(ev, "seq", 3);
	json_decref(ev);

	/*
	 * Back, to 2 s before the 7-day one's time. docketd's timer, armed for
	 * the 1-day one by the forward clock, wakes in about 3 s, when the clock
	 * reads about due7 + 1 s: nothing is due then, and the 7-day one, fired,
	 * passes its time again without firing.
	 */
	clock_set(d, utc_of(at, sizeof at, epoch_of(due7) - 2));
	ev = next_event(sub, 4500);
	if (ev) {
		char *text = json_dumps(ev, JSON_COMPACT);
		fail_msg("after the step back an event came: %s", text);
	}
	assert_int_equal(h_draft(d, "J/2", NULL), 0);
	ev = expect_event(sub, "decision.drafted", H_WAIT_MS);
	J_INT(ev, "seq", 4);
	json_decref(ev);
	json_t *info = call(d, "info", NULL);
	assert_true(strcmp(h_jstr(info, "now"), "2030-09-15T08:00:00") > 0);
	assert_true(strcmp(h_jstr(info, "now"), "2030-09-15T08:01:00") < 0);
	json_decref(info);
	list = reminders(d, "#meeting", ms, NULL);
	J_INT(rem(list, "meeting", 7, "fired"), "seq", 2);
	json_t *r1 = rem(list, "meeting", 1, "pending");
	J_INT(r1, "id", id1);
	J_STR(r1, "due_at", due1);
	json_decref(list);

	/* Forward past the 1-day one: it fires once, before the command that noticed. */
	clock_set(d, utc_of(at, sizeof at, epoch_of(due1) + 20));
	for (int i = 3; i <= 4; i++) {
		snprintf(ref, sizeof ref, "J/%d", i);
		assert_int_equal(h_draft(d, ref, NULL), 0);
	}
	ev = expect_event(sub, "reminder.due", H_WAIT_MS);
	J_INT(ev, "seq", 5);
	J_INT(ev, "reminder", id1);
	assert_true(json_is_false(h_jpath(ev, "data.late")));
	json_decref(ev);
	for (int seq = 6; seq <= 7; seq++) {
		ev = expect_event(sub, "decision.drafted", H_WAIT_MS);
		J_INT(ev, "seq", seq);
		json_decref(ev);
	}
	json_t *log = h_log_read(d);
	assert_int_equal(json_array_size(log), 7);
	assert_int_equal(log_count(log, "reminder.due", id7), 1);
	assert_int_equal(log_count(log, "reminder.due", id1), 1);
	assert_int_equal(log_count(log, "reminder.", -1), 2);
	json_decref(log);
	docket_sub_destroy(&sub);
	H_PASS(d);
}

/*
 * 8. docketd thirty days ahead (FAKETIME="+30d") works by its own clock:
 * now, today, plans and business dates; nothing fires by the real one.
 */
static void test_clock_thirty_days_ahead(void **state)
{
	struct h_daemon *d = *state;
	char as[24], bs[24], date[16], when[32], want[32];
	fake_clock(d, "+30d");
	start(d);
	json_t *info = call(d, "info", NULL);
	int64_t now = epoch_of(h_jstr(info, "now"));
	int64_t ahead = now - (int64_t)time(NULL);
	if (ahead < 30 * 86400 - 60 || ahead > 30 * 86400 + 60)
		fail_msg("docketd's now %s is %lld s ahead of the real clock, not 30 days",
		         h_jstr(info, "now"), (long long)ahead);
	char today[16];
	snprintf(today, sizeof today, "%s", h_jstr(info, "today"));
	/* Near midnight the office's date and the UTC date may differ: the UTC one, or a day on. */
	char utc_today[16];
	snprintf(utc_today, sizeof utc_today, "%.10s", h_jstr(info, "now"));
	date_add(date, sizeof date, utc_today, 1);
	assert_true(!strcmp(today, utc_today) || !strcmp(today, date));
	json_decref(info);

	/* 35 days ahead of docketd's today: every reminder planned from its date. */
	date_add(date, sizeof date, today, 35);
	snprintf(when, sizeof when, "%sT10:00", date);
	meeting(d, when, as, sizeof as);
	json_t *list = reminders(d, "#meeting", as, NULL);
	assert_int_equal(json_array_size(list), 3);
	const int days[] = {21, 7, 1};
	for (int k = 0; k < 3; k++) {
		int y, mo, dd;
		date_add(date, sizeof date, today, 35 - days[k]);
		assert_int_equal(sscanf(date, "%d-%d-%d", &y, &mo, &dd), 3);
		utc_of(want, sizeof want, london(y, mo, dd, 9, 0));
		J_STR(rem(list, "meeting", days[k], "pending"), "due_at", want);
	}
	json_decref(list);

	/* 20 days before docketd's today (10 days after the real one): in the past. */
	date_add(date, sizeof date, today, -20);
	snprintf(when, sizeof when, "%sT10:00", date);
	json_t *j = call(d, "meeting_add", "panel", "P", "starts_at", when, NULL);
	J_STR(j, "meeting.status", "held");
	snprintf(bs, sizeof bs, "%lld", (long long)h_jint(j, "meeting.id"));
	json_decref(j);
	list = reminders(d, "#meeting", bs, NULL);
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);

	endorsed(d, "F/1", NULL);
	j = call(d, "get", "ref", "F/1", NULL);
	J_STR(j, "decision.decided_on", today);
	json_decref(j);

	json_t *log = h_log_read(d);
	assert_int_equal(log_count(log, "reminder.", -1), 0);
	json_decref(log);
	list = reminders(d, "status", "pending", NULL);
	assert_int_equal(json_array_size(list), 3);
	json_decref(list);
	H_PASS(d);
}

/*
 * 9. Response and review reminders follow a decision: recommend plans,
 * set_response_due moves, respond cancels; publish with a restriction
 * plans, set_review_date moves, lift_restriction cancels. One of each fires
 * with the decision.
 */
static void test_response_and_review_reminders(void **state)
{
	struct h_daemon *d = *state;
	char ps[24], pis[24];
	fake_clock(d, "@2030-09-10 12:00:00");
	start(d);
	meeting(d, "2030-09-01T10:00", ps, sizeof ps);
	item(d, ps, "P1", NULL, NULL, pis, sizeof pis);

	endorsed(d, "D/1", "2030-08-20");
	h_change(d, "publish", "ref", "D/1", "restriction", "part", "restriction_reason",
	       "Commercially sensitive", "review_date", "2030-12-31", "published_on", "2030-08-25",
	       NULL);
	json_t *list = reminders(d, "ref", "D/1", NULL);
	assert_int_equal(json_array_size(list), 2);
	json_t *r = rem(list, "review", 14, "pending");
	J_STR(r, "due_at", "2030-12-17T09:00:00Z");
	J_STR(r, "target_at", "2031-01-01T00:00:00Z");
	J_STR(r, "ref", "D/1");
	assert_true(json_is_null(json_object_get(r, "meeting")));
	int64_t rv14 = h_jint(r, "id");
	J_STR(rem(list, "review", 0, "pending"), "due_at", "2030-12-31T09:00:00Z");
	json_decref(list);

	reported(d, "D/1", pis);
	h_change(d, "recommend", "ref", "D/1", "recommendation", "Publish the evaluation.",
	       "response_due", "2030-10-31", NULL);
	list = reminders(d, "ref", "D/1", "kind", "response", NULL);
	assert_int_equal(json_array_size(list), 3);
	r = rem(list, "response", 14, "pending");
	J_STR(r, "due_at", "2030-10-17T08:00:00Z"); /* BST */
	J_STR(r, "target_at", "2030-11-01T00:00:00Z");
	int64_t rs14 = h_jint(r, "id");
	J_STR(rem(list, "response", 3, "pending"), "due_at", "2030-10-28T09:00:00Z"); /* GMT */
	J_STR(rem(list, "response", 0, "pending"), "due_at", "2030-10-31T09:00:00Z");
	json_decref(list);

	h_change(d, "set_response_due", "ref", "D/1", "response_due", "2030-11-14", NULL);
	list = reminders(d, "ref", "D/1", "kind", "response", NULL);
	assert_int_equal(json_array_size(list), 3);
	r = rem(list, "response", 14, "pending");
	J_INT(r, "id", rs14);
	J_STR(r, "due_at", "2030-10-31T09:00:00Z");
	J_STR(r, "target_at", "2030-11-15T00:00:00Z");
	J_STR(rem(list, "response", 3, "pending"), "due_at", "2030-11-11T09:00:00Z");
	J_STR(rem(list, "response", 0, "pending"), "due_at", "2030-11-14T09:00:00Z");
	json_decref(list);

	h_change(d, "respond", "ref", "D/1", "response", "The evaluation will be published.", NULL);
	list = reminders(d, "ref", "D/1", "kind", "response", NULL);
	assert_int_equal(count_status(list, "cancelled"), 3);
	json_decref(list);

	h_change(d, "set_review_date", "ref", "D/1", "review_date", "2031-01-31", NULL);
	list = reminders(d, "ref", "D/1", "kind", "review", NULL);
	assert_int_equal(json_array_size(list), 2);
	r = rem(list, "review", 14, "pending");
	J_INT(r, "id", rv14);
	J_STR(r, "due_at", "2031-01-17T09:00:00Z");
	J_STR(r, "target_at", "2031-02-01T00:00:00Z");
	json_decref(list);

	h_change(d, "lift_restriction", "ref", "D/1", "comment", "Reviewed", NULL);
	list = reminders(d, "ref", "D/1", NULL);
	assert_int_equal(json_array_size(list), 5);
	assert_int_equal(count_status(list, "cancelled"), 5);
	json_decref(list);

	/* E/1: a review and a response reminder both due 2030-09-21 09:00 BST. */
	endorsed(d, "E/1", "2030-08-21");
	h_change(d, "publish", "ref", "E/1", "restriction", "part", "restriction_reason",
	       "Personal data", "review_date", "2030-10-05", "published_on", "2030-08-26", NULL);
	reported(d, "E/1", pis);
	int64_t last = h_change(d, "recommend", "ref", "E/1", "recommendation", "Consult.",
	                      "response_due", "2030-09-24", NULL);
	list = reminders(d, "ref", "E/1", "status", "pending", NULL);
	/* 14 days before 2030-09-24 (today, 09:00) has passed: not planned. */
	assert_int_equal(json_array_size(list), 4);
	J_STR(rem(list, "response", 3, "pending"), "due_at", "2030-09-21T08:00:00Z");
	J_STR(rem(list, "response", 3, "pending"), "target_at", "2030-09-24T23:00:00Z");
	J_STR(rem(list, "response", 0, "pending"), "due_at", "2030-09-24T08:00:00Z");
	J_STR(rem(list, "review", 14, "pending"), "due_at", "2030-09-21T08:00:00Z");
	J_STR(rem(list, "review", 0, "pending"), "due_at", "2030-10-05T08:00:00Z");
	int64_t rs3 = h_jint(rem(list, "response", 3, NULL), "id");
	int64_t rve14 = h_jint(rem(list, "review", 14, NULL), "id");
	json_decref(list);

	restart_at(d, "@2030-09-21 07:59:58");
	docket_sub *sub = subscribe(d);
	json_t *seen[2];
	for (int i = 0; i < 2; i++) {
		seen[i] = expect_event(sub, "reminder.due", EVENT_MS);
		J_INT(seen[i], "seq", last + 1 + i);
		J_STR(seen[i], "actor", "docketd");
		J_STR(seen[i], "ref", "E/1");
		assert_null(json_object_get(seen[i], "meeting"));
		J_STR(seen[i], "data.due_at", "2030-09-21T08:00:00Z");
		assert_true(json_is_false(h_jpath(seen[i], "data.late")));
		J_STR(seen[i], "data.decision.ref", "E/1");
		J_STR(seen[i], "data.decision.state", "response_due");
		H_ASSERT_CONTAINS(h_jstr(seen[i], "ts"), "2030-09-21T08:00:");
	}
	json_t *resp = !strcmp(h_jstr(seen[0], "kind"), "response") ? seen[0] : seen[1];
	json_t *rev = resp == seen[0] ? seen[1] : seen[0];
	J_STR(resp, "kind", "response");
	J_INT(resp, "reminder", rs3);
	J_INT(resp, "data.days", 3);
	J_STR(resp, "data.target_at", "2030-09-24T23:00:00Z");
	J_STR(resp, "data.response_due", "2030-09-24");
	J_STR(rev, "kind", "review");
	J_INT(rev, "reminder", rve14);
	J_INT(rev, "data.days", 14);
	J_STR(rev, "data.review_date", "2030-10-05");
	J_STR(rev, "data.restriction", "part");

	/* history holds them as the subscriber saw them, after the decision's own events. */
	json_t *h = call(d, "history", "ref", "E/1", NULL);
	json_t *events = json_object_get(h, "events");
	size_t n = json_array_size(events);
	assert_true(n >= 2);
	assert_json_equal(json_array_get(events, n - 2), seen[0], "history's reminder event");
	assert_json_equal(json_array_get(events, n - 1), seen[1], "history's reminder event");
	J_STR(json_array_get(events, n - 3), "type", "decision.recommended");
	json_decref(h);
	h = call(d, "history", "ref", "D/1", NULL);
	events = json_object_get(h, "events");
	json_t *e;
	size_t i;
	json_array_foreach(events, i, e)
	{
		assert_true(strncmp(h_jstr(e, "type"), "reminder.", 9) != 0);
	}
	json_decref(h);

	list = reminders(d, "status", "fired", NULL);
	assert_int_equal(json_array_size(list), 2);
	json_decref(list);
	json_decref(seen[0]);
	json_decref(seen[1]);
	docket_sub_destroy(&sub);
	H_PASS(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_meeting_reminder_fires_at_its_time_with_agenda,
	                                    h_setup, teardown),
	    cmocka_unit_test_setup_teardown(test_kill9_before_due_fires_once_at_start, h_setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_kill9_after_firing_never_fires_again, h_setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_missed_while_down_is_recorded_missed, h_setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_response_reminders_missed_while_down, h_setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_meeting_changes_replan, h_setup, teardown),
	    cmocka_unit_test_setup_teardown(test_meeting_moved_earlier_fires_at_once, h_setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_sighup_replans_days, h_setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reminders_keep_office_time_across_clock_changes,
	                                    h_setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reminder_time_in_gap_and_fold, h_setup, teardown),
	    cmocka_unit_test_setup_teardown(test_wall_clock_steps, h_setup, teardown),
	    cmocka_unit_test_setup_teardown(test_clock_thirty_days_ahead, h_setup, teardown),
	    cmocka_unit_test_setup_teardown(test_response_and_review_reminders, h_setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
