/*
 * The office's calendar through the real docketd: business dates beside
 * record times, meeting statuses, item and reference checks, and the order
 * list gives (PROTOCOL.md sections 4.1 to 4.4).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "date.h"
#include "harness.h"

/* op with the pairs must succeed; returns the reply (caller frees). */
static docket_msg *must(struct h_daemon *d, const char *op, ...)
{
	va_list ap;
	va_start(ap, op);
	docket_msg *m = h_vmust(d, op, ap);
	va_end(ap);
	return m;
}

#define OK(d, ...) docket_msg_destroy(&(docket_msg *){must((d), __VA_ARGS__)})
#define REFUSE(d, code, ...) docket_msg_destroy(&(docket_msg *){h_refuse((d), (code), __VA_ARGS__)})

/* The office's date today as docketd reads it, plus days. */
static void today_plus(struct h_daemon *d, int days, char *out)
{
	docket_msg *m = must(d, "info", NULL);
	int64_t today;
	const char *t = h_str(m, "today");
	assert_non_null(t);
	assert_int_equal(date_parse(t, strlen(t), &today), 0);
	date_format(today + days, out);
	docket_msg_destroy(&m);
}

/* A decision's field as get shows it (copied into buf; "" for nil). */
static const char *field(struct h_daemon *d, const char *ref, const char *key, char *buf,
                         size_t len)
{
	char path[64];
	docket_msg *m = must(d, "get", "ref", ref, NULL);
	snprintf(path, sizeof path, "decision.%s", key);
	const char *v = h_str(m, path);
	snprintf(buf, len, "%s", v ? v : "");
	docket_msg_destroy(&m);
	return buf;
}

#define ASSERT_FIELD(d, ref, key, want)                                                            \
	do {                                                                                       \
		char f_buf_[128];                                                                  \
		assert_string_equal(field((d), (ref), (key), f_buf_, sizeof f_buf_), (want));      \
	} while (0)

/* Draft ref and take it to submitted. */
static void submitted(struct h_daemon *d, const char *ref)
{
	assert_int_equal(h_draft(d, ref, NULL), 0);
	OK(d, "submit", "ref", ref, NULL);
}

/* The data of the last event in ref's history, at key; NULL when absent. */
static char *last_data(struct h_daemon *d, const char *ref, const char *key)
{
	char path[96];
	docket_msg *m = must(d, "history", "ref", ref, NULL);
	size_t n = docket_msg_count(m, "events");
	snprintf(path, sizeof path, "events.%zu.data.%s", n - 1, key);
	const char *v = h_str(m, path);
	char *copy = v ? strdup(v) : NULL;
	docket_msg_destroy(&m);
	return copy;
}

/* A meeting at when (any form docketd takes) with one item over a period; returns the item. */
static int64_t meeting_item(struct h_daemon *d, const char *when, const char *from,
                            const char *to, int64_t *meeting)
{
	char ms[32];
	docket_msg *m = must(d, "meeting_add", "panel", "Kent and Medway Police and Crime Panel",
	                     "starts_at", when, NULL);
	*meeting = h_int(m, "meeting.id");
	docket_msg_destroy(&m);
	snprintf(ms, sizeof ms, "%lld", (long long)*meeting);
	m = must(d, "item_add", "#meeting", ms, "code", "C1", "subject", "Key decisions",
	         "period_start", from, "period_end", to, NULL);
	int64_t item = h_int(m, "item.id");
	docket_msg_destroy(&m);
	return item;
}

static void test_decided_on(void **state)
{
	struct h_daemon *d = *state;
	char today[DATE_LEN], tomorrow[DATE_LEN];
	today_plus(d, 0, today);
	today_plus(d, 1, tomorrow);

	/* By default the decision is taken today, and the event says so. */
	submitted(d, "A1");
	OK(d, "endorse", "ref", "A1", NULL);
	ASSERT_FIELD(d, "A1", "decided_on", today);
	char *v = last_data(d, "A1", "decided_on");
	assert_non_null(v);
	assert_string_equal(v, today);
	free(v);

	/* Never in the future; a date in the past is recorded as given. */
	submitted(d, "A2");
	docket_msg *m = h_refuse(d, DOCKET_EBADREQ, "endorse", "ref", "A2", "decided_on", tomorrow,
	                       NULL);
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "future");
	H_ASSERT_CONTAINS(docket_msg_error_message(m), tomorrow);
	docket_msg_destroy(&m);
	ASSERT_FIELD(d, "A2", "state", "submitted");
	OK(d, "endorse", "ref", "A2", "decided_on", "2024-03-05", NULL);
	ASSERT_FIELD(d, "A2", "decided_on", "2024-03-05");
	/* The record time is when docket recorded it, not the decision date. */
	ASSERT_FIELD(d, "A2", "state", "endorsed");
	char at[64];
	field(d, "A2", "endorsed_at", at, sizeof at);
	assert_memory_equal(at, today, 4); /* this year, not 2024's record */

	/* Published on a day not before the decision. */
	REFUSE(d, DOCKET_EPRECONDITION, "publish", "ref", "A2", "published_on", "2024-03-04", NULL);
	REFUSE(d, DOCKET_EBADREQ, "publish", "ref", "A2", "published_on", tomorrow, NULL);
	OK(d, "publish", "ref", "A2", "published_on", "2024-03-06", NULL);
	ASSERT_FIELD(d, "A2", "published_on", "2024-03-06");
	OK(d, "publish", "ref", "A1", NULL);
	ASSERT_FIELD(d, "A1", "published_on", today);
	H_PASS(d);
}

static void test_recorded_past(void **state)
{
	struct h_daemon *d = *state;
	char today[DATE_LEN], is[32], ms[32];
	int64_t meeting;
	today_plus(d, 0, today);

	/*
	 * A meeting in the past, at 00:30 office time in summer: the UTC date is the
	 * day before, and the office's date is the one that counts.
	 */
	int64_t item = meeting_item(d, "2024-07-10T00:30", "2024-04-01", "2024-06-30", &meeting);
	snprintf(is, sizeof is, "%lld", (long long)item);
	snprintf(ms, sizeof ms, "%lld", (long long)meeting);
	docket_msg *m = must(d, "meetings", NULL);
	H_ASSERT_STR(h_str(m, "meetings.0.starts_at"), "2024-07-09T23:30:00Z");
	H_ASSERT_STR(h_str(m, "meetings.0.starts_at_local"), "2024-07-10T00:30:00+01:00");
	H_ASSERT_STR(h_str(m, "meetings.0.zone"), "BST");
	H_ASSERT_STR(h_str(m, "meetings.0.status"), "held");
	docket_msg_destroy(&m);

	const char *refs[] = {"R1", "R2", "R3", NULL};
	for (int i = 0; refs[i]; i++) {
		submitted(d, refs[i]);
		OK(d, "endorse", "ref", refs[i], "decided_on", "2024-05-02", NULL);
		OK(d, "publish", "ref", refs[i], "published_on", "2024-05-03", NULL);
		/* A held meeting takes decisions when the office records the past. */
		OK(d, "schedule", "ref", refs[i], "#item", is, NULL);
	}
	m = must(d, "report", "#item", is, NULL);
	assert_int_equal(docket_msg_count(m, "decisions"), 3);
	H_ASSERT_STR(h_str(m, "decisions.0.reported_on"), "2024-07-10");
	docket_msg_destroy(&m);
	char *v = last_data(d, "R1", "reported_on");
	assert_non_null(v);
	assert_string_equal(v, "2024-07-10");
	free(v);

	/* Reporting did not move the meeting. */
	m = must(d, "meetings", NULL);
	H_ASSERT_STR(h_str(m, "meetings.0.starts_at"), "2024-07-09T23:30:00Z");
	assert_int_equal(h_int(m, "meetings.0.version"), 1);
	docket_msg_destroy(&m);

	/* Noted: the meeting's date by default, never before it, never in the future. */
	OK(d, "note", "ref", "R1", NULL);
	ASSERT_FIELD(d, "R1", "noted_on", "2024-07-10");
	REFUSE(d, DOCKET_EPRECONDITION, "note", "ref", "R2", "noted_on", "2024-07-09", NULL);
	OK(d, "note", "ref", "R2", "noted_on", "2024-07-20", NULL);
	ASSERT_FIELD(d, "R2", "noted_on", "2024-07-20");

	/* A recommendation: due after the configured period (28 days) unless given. */
	REFUSE(d, DOCKET_EPRECONDITION, "recommend", "ref", "R3", "recommendation", "Review it",
	       "recommended_on", "2024-07-01", NULL);
	REFUSE(d, DOCKET_EPRECONDITION, "recommend", "ref", "R3", "recommendation", "Review it",
	       "response_due", "2024-07-09", NULL);
	OK(d, "recommend", "ref", "R3", "recommendation", "Review it", NULL);
	ASSERT_FIELD(d, "R3", "recommended_on", "2024-07-10");
	ASSERT_FIELD(d, "R3", "response_due", "2024-08-07");
	v = last_data(d, "R3", "response_due");
	assert_non_null(v);
	assert_string_equal(v, "2024-08-07");
	free(v);

	/* The panel agrees another date; the response comes, dated. */
	REFUSE(d, DOCKET_EPRECONDITION, "set_response_due", "ref", "R3", "response_due",
	       "2024-07-01", NULL);
	m = must(d, "set_response_due", "ref", "R3", "response_due", "2024-09-01", NULL);
	H_ASSERT_STR(h_str(m, "decision.state"), "response_due");
	docket_msg_destroy(&m);
	m = must(d, "history", "ref", "R3", NULL);
	char path[64];
	snprintf(path, sizeof path, "events.%zu.type", docket_msg_count(m, "events") - 1);
	H_ASSERT_STR(h_str(m, path), "decision.response_due_changed");
	docket_msg_destroy(&m);
	REFUSE(d, DOCKET_EPRECONDITION, "respond", "ref", "R3", "response", "Done",
	       "responded_on", "2024-07-09", NULL);
	OK(d, "respond", "ref", "R3", "response", "Done", NULL);
	ASSERT_FIELD(d, "R3", "responded_on", today);
	REFUSE(d, DOCKET_ETRANSITION, "set_response_due", "ref", "R3", "response_due",
	       "2024-09-02", NULL);

	/* The meeting is history now: it cannot move. */
	REFUSE(d, DOCKET_EPRECONDITION, "meeting_move", "#meeting", ms, "starts_at",
	       "2024-07-11T10:00", NULL);
	H_PASS(d);
}

static void test_review_date(void **state)
{
	struct h_daemon *d = *state;
	submitted(d, "V1");
	OK(d, "endorse", "ref", "V1", "decided_on", "2025-01-10", NULL);
	REFUSE(d, DOCKET_EPRECONDITION, "publish", "ref", "V1", "published_on", "2025-01-11",
	       "restriction", "part", "restriction_reason", "Commercially sensitive", "review_date",
	       "2025-01-10", NULL);
	OK(d, "publish", "ref", "V1", "published_on", "2025-01-11", "restriction", "part",
	   "restriction_reason", "Commercially sensitive", "review_date", "2030-01-11", NULL);
	REFUSE(d, DOCKET_EPRECONDITION, "set_review_date", "ref", "V1", "review_date",
	       "2025-01-01", NULL);
	OK(d, "set_review_date", "ref", "V1", "review_date", "2030-06-30", NULL);
	ASSERT_FIELD(d, "V1", "review_date", "2030-06-30");
	OK(d, "lift_restriction", "ref", "V1", NULL);
	ASSERT_FIELD(d, "V1", "review_date", "");
	ASSERT_FIELD(d, "V1", "restriction", "none");
	docket_msg *m = h_refuse(d, DOCKET_EPRECONDITION, "set_review_date", "ref", "V1",
	                       "review_date", "2030-06-30", NULL);
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "not restricted");
	docket_msg_destroy(&m);
	H_PASS(d);
}

/* The meeting map as the meetings query shows meeting id. */
static const char *status_of(struct h_daemon *d, int64_t id, char *buf, size_t len)
{
	docket_msg *m = must(d, "meetings", NULL);
	size_t n = docket_msg_count(m, "meetings");
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char path[64];
		snprintf(path, sizeof path, "meetings.%zu.id", i);
		if (h_int(m, path) != id)
			continue;
		snprintf(path, sizeof path, "meetings.%zu.status", i);
		snprintf(buf, len, "%s", h_str(m, path) ? h_str(m, path) : "");
	}
	docket_msg_destroy(&m);
	return buf;
}

static void test_meeting_status(void **state)
{
	struct h_daemon *d = *state;
	char ms[32], st[32];
	int64_t meeting;

	/* Office time in winter is GMT: 10:00 is 10:00Z. */
	docket_msg *m = must(d, "meeting_add", "panel", "Kent and Medway Police and Crime Panel",
	                     "starts_at", "2030-12-04 10:00", "venue", "Sessions House", NULL);
	meeting = h_int(m, "meeting.id");
	H_ASSERT_STR(h_str(m, "meeting.starts_at"), "2030-12-04T10:00:00Z");
	H_ASSERT_STR(h_str(m, "meeting.zone"), "GMT");
	H_ASSERT_STR(h_str(m, "meeting.status"), "scheduled");
	docket_msg_destroy(&m);
	snprintf(ms, sizeof ms, "%lld", (long long)meeting);

	/* Not held before it starts. */
	m = h_refuse(d, DOCKET_EPRECONDITION, "meeting_held", "#meeting", ms, NULL);
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "has not come");
	docket_msg_destroy(&m);

	m = must(d, "meeting_postpone", "#meeting", ms, "reason", "Not quorate", NULL);
	H_ASSERT_STR(h_str(m, "meeting.status"), "postponed");
	assert_int_equal(h_int(m, "meeting.version"), 2);
	docket_msg_destroy(&m);
	m = h_refuse(d, DOCKET_EPRECONDITION, "meeting_postpone", "#meeting", ms, NULL);
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "postponed");
	docket_msg_destroy(&m);
	REFUSE(d, DOCKET_EPRECONDITION, "meeting_held", "#meeting", ms, NULL);
	/* A postponed meeting keeps taking items; a move gives it a time again. */
	OK(d, "item_add", "#meeting", ms, "code", "C1", "subject", "Key decisions", NULL);
	m = must(d, "meeting_move", "#meeting", ms, "starts_at", "2031-01-15T10:00:00Z", NULL);
	H_ASSERT_STR(h_str(m, "meeting.status"), "scheduled");
	docket_msg_destroy(&m);
	m = must(d, "meeting_cancel", "#meeting", ms, "reason", "Merged into the February meeting",
	         NULL);
	H_ASSERT_STR(h_str(m, "meeting.status"), "cancelled");
	docket_msg_destroy(&m);
	REFUSE(d, DOCKET_EPRECONDITION, "meeting_move", "#meeting", ms, "starts_at",
	       "2031-02-15T10:00:00Z", NULL);
	REFUSE(d, DOCKET_EPRECONDITION, "meeting_postpone", "#meeting", ms, NULL);
	REFUSE(d, DOCKET_EPRECONDITION, "item_add", "#meeting", ms, "code", "C2", "subject", "s",
	       NULL);
	assert_string_equal(status_of(d, meeting, st, sizeof st), "cancelled");

	/* A meeting whose start has passed reads as held, and can be recorded so. */
	m = must(d, "meeting_add", "panel", "P", "starts_at", "2025-02-04T10:00:00Z", NULL);
	meeting = h_int(m, "meeting.id");
	H_ASSERT_STR(h_str(m, "meeting.status"), "held");
	docket_msg_destroy(&m);
	snprintf(ms, sizeof ms, "%lld", (long long)meeting);
	m = must(d, "meeting_held", "#meeting", ms, NULL);
	H_ASSERT_STR(h_str(m, "meeting.status"), "held");
	docket_msg_destroy(&m);
	REFUSE(d, DOCKET_EPRECONDITION, "meeting_cancel", "#meeting", ms, NULL);
	/* Recorded as held, it can be put right to another past time. */
	OK(d, "meeting_move", "#meeting", ms, "starts_at", "2025-02-05T10:00", NULL);
	assert_string_equal(status_of(d, meeting, st, sizeof st), "held");

	/* Years docket does not take. */
	REFUSE(d, DOCKET_EBADREQ, "meeting_add", "panel", "P", "starts_at", "1999-12-31T10:00:00Z",
	       NULL);
	REFUSE(d, DOCKET_EBADREQ, "meeting_add", "panel", "P", "starts_at", "2101-01-01T10:00",
	       NULL);
	H_PASS(d);
}

static void test_items(void **state)
{
	struct h_daemon *d = *state;
	char ms[32], other[32];
	int64_t meeting, second;
	meeting_item(d, "2030-09-22 10:00", "2030-07-01", "2030-09-30", &meeting);
	meeting_item(d, "2030-12-04 10:00", "2030-10-01", "2030-12-31", &second);
	snprintf(ms, sizeof ms, "%lld", (long long)meeting);
	snprintf(other, sizeof other, "%lld", (long long)second);

	docket_msg *m = h_refuse(d, DOCKET_EBADREQ, "item_add", "#meeting", ms, "code", "C2",
	                       "subject", "s", "period_start", "2030-09-30", "period_end",
	                       "2030-07-01", NULL);
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "2030-09-30");
	docket_msg_destroy(&m);
	/* One code per meeting, whatever its case or the spaces around it. */
	m = h_refuse(d, DOCKET_ECONFLICT, "item_add", "#meeting", ms, "code", "c1", "subject", "s",
	           NULL);
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "c1");
	docket_msg_destroy(&m);
	REFUSE(d, DOCKET_ECONFLICT, "item_add", "#meeting", ms, "code", " C1 ", "subject", "s",
	       NULL);
	OK(d, "item_add", "#meeting", ms, "code", "C2", "subject", "s", "period_start",
	   "2030-07-01", "period_end", "2030-07-01", NULL);
	OK(d, "item_add", "#meeting", other, "code", "C2", "subject", "s", NULL);
	m = must(d, "meetings", NULL);
	assert_int_equal(docket_msg_count(m, "meetings.0.items"), 2);
	assert_int_equal(docket_msg_count(m, "meetings.1.items"), 2);
	docket_msg_destroy(&m);
	H_PASS(d);
}

static void test_references(void **state)
{
	struct h_daemon *d = *state;
	docket_msg *m = NULL;

	/* White space around a reference is not part of it. */
	assert_int_equal(h_draft(d, " 35 - 2015\t", &m), 0);
	H_ASSERT_STR(h_str(m, "decision.ref"), "35 - 2015");
	docket_msg_destroy(&m);
	REFUSE(d, DOCKET_ECONFLICT, "draft", "ref", "35 - 2015", "title", "T", "text", "t",
	       "justification", "j", "decision_maker", "pcc", "category", "spend", NULL);
	OK(d, "get", "ref", "  35 - 2015 ", NULL);
	/* A no-break space inside is a space. */
	REFUSE(d, DOCKET_ECONFLICT, "draft", "ref", "35\u00a0-\u00a02015", "title", "T", "text",
	       "t", "justification", "j", "decision_maker", "pcc", "category", "spend", NULL);
	/* Decomposed and composed accents are one reference (NFC). */
	assert_int_equal(h_draft(d, "Cafe\u0301 1", &m), 0);
	H_ASSERT_STR(h_str(m, "decision.ref"), "Caf\u00e9 1");
	docket_msg_destroy(&m);
	REFUSE(d, DOCKET_ECONFLICT, "draft", "ref", "Caf\u00e9 1", "title", "T", "text", "t",
	       "justification", "j", "decision_maker", "pcc", "category", "spend", NULL);
	/* Characters no reference holds, named. */
	m = h_refuse(d, DOCKET_EBADREQ, "draft", "ref", "35\x01-2015", "title", "T", "text", "t",
	           "justification", "j", "decision_maker", "pcc", "category", "spend", NULL);
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "U+0001");
	docket_msg_destroy(&m);
	m = h_refuse(d, DOCKET_EBADREQ, "draft", "ref", "35\u200b- 2015", "title", "T", "text", "t",
	           "justification", "j", "decision_maker", "pcc", "category", "spend", NULL);
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "U+200B");
	docket_msg_destroy(&m);
	m = h_refuse(d, DOCKET_EBADREQ, "draft", "ref", " \t ", "title", "T", "text", "t",
	           "justification", "j", "decision_maker", "pcc", "category", "spend", NULL);
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "empty");
	docket_msg_destroy(&m);
	REFUSE(d, DOCKET_ENOTFOUND, "get", "ref", "35 - 2016", NULL);
	H_PASS(d);
}

static void test_list_order(void **state)
{
	struct h_daemon *d = *state;
	static const char *const drafted[] = {"PCD 1306", "2024/10", "35 - 2015", "DEL 2012/01",
	                                      "2024/9",   "3 - 2016", "del 2012/02", NULL};
	static const char *const reading[] = {"3 - 2016", "35 - 2015", "2024/9",   "2024/10",
	                                      "DEL 2012/01", "del 2012/02", "PCD 1306"};
	for (int i = 0; drafted[i]; i++)
		assert_int_equal(h_draft(d, drafted[i], NULL), 0);

	/* Pages of two in the order people read references. */
	char after[80] = "";
	size_t seen = 0;
	for (int page = 0; page < 10; page++) {
		docket_msg *m = NULL;
		if (page == 0)
			assert_int_equal(h_call(d, &m, "list", "#limit", "2", NULL), 0);
		else
			assert_int_equal(h_call(d, &m, "list", "#limit", "2", "after", after, NULL),
			                 0);
		size_t n = docket_msg_count(m, "decisions");
		for (size_t i = 0; i < n; i++) {
			char path[48];
			snprintf(path, sizeof path, "decisions.%zu.ref", i);
			assert_true(seen < 7);
			H_ASSERT_STR(h_str(m, path), reading[seen++]);
		}
		const char *next = h_str(m, "next");
		bool more = next != NULL;
		if (more)
			snprintf(after, sizeof after, "%s", next);
		docket_msg_destroy(&m);
		if (!more)
			break;
	}
	assert_int_equal(seen, 7);

	/* By decision date, oldest first, undecided last. */
	static const struct {
		const char *ref, *on;
	} taken[] = {{"2024/10", "2024-10-02"}, {"PCD 1306", "2013-06-01"}, {"3 - 2016", "2016-01-20"}};
	for (size_t i = 0; i < 3; i++) {
		OK(d, "submit", "ref", taken[i].ref, NULL);
		OK(d, "endorse", "ref", taken[i].ref, "decided_on", taken[i].on, NULL);
	}
	docket_msg *m = must(d, "list", "sort", "decided", NULL);
	H_ASSERT_STR(h_str(m, "decisions.0.ref"), "PCD 1306");
	H_ASSERT_STR(h_str(m, "decisions.1.ref"), "3 - 2016");
	H_ASSERT_STR(h_str(m, "decisions.2.ref"), "2024/10");
	H_ASSERT_STR(h_str(m, "decisions.3.ref"), "35 - 2015");
	assert_int_equal(docket_msg_count(m, "decisions"), 7);
	docket_msg_destroy(&m);
	m = must(d, "list", "sort", "decided", "#limit", "2", "after", "3 - 2016", NULL);
	H_ASSERT_STR(h_str(m, "decisions.0.ref"), "2024/10");
	H_ASSERT_STR(h_str(m, "decisions.1.ref"), "35 - 2015");
	H_ASSERT_STR(h_str(m, "next"), "35 - 2015");
	docket_msg_destroy(&m);
	m = must(d, "list", "sort", "decided", "state", "endorsed", NULL);
	assert_int_equal(docket_msg_count(m, "decisions"), 3);
	H_ASSERT_STR(h_str(m, "decisions.0.ref"), "PCD 1306");
	docket_msg_destroy(&m);
	REFUSE(d, DOCKET_EBADREQ, "list", "sort", "decided", "after", "no such ref", NULL);
	REFUSE(d, DOCKET_EBADREQ, "list", "sort", "title", NULL);
	H_PASS(d);
}

static void test_info(void **state)
{
	struct h_daemon *d = *state;
	assert_int_equal(h_write_config(d, "[office]\ntimezone = America/New_York\n"
	                                   "response_period = 14\n"
	                                   "[reminders]\nmeeting = 1, 10\nresponse =\ntime = 08:30\n"),
	                 0);
	assert_int_equal(h_start(d), 0);
	docket_msg *m = must(d, "info", NULL);
	H_ASSERT_STR(h_str(m, "timezone"), "America/New_York");
	assert_int_equal(h_int(m, "protocol"), 1);
	assert_int_equal(h_int(m, "revision"), 6);
	assert_int_equal(h_int(m, "response_period"), 14);
	assert_int_equal(docket_msg_count(m, "reminders.meeting"), 2);
	assert_int_equal(h_int(m, "reminders.meeting.0"), 10);
	assert_int_equal(h_int(m, "reminders.meeting.1"), 1);
	assert_int_equal(docket_msg_count(m, "reminders.response"), 0);
	H_ASSERT_STR(h_str(m, "reminders.time"), "08:30");
	docket_msg_destroy(&m);
	/* Office time is New York's now: 10:00 in July is 14:00Z. */
	m = must(d, "meeting_add", "panel", "P", "starts_at", "2030-07-01 10:00", NULL);
	H_ASSERT_STR(h_str(m, "meeting.starts_at"), "2030-07-01T14:00:00Z");
	H_ASSERT_STR(h_str(m, "meeting.zone"), "EDT");
	docket_msg_destroy(&m);
	H_PASS(d);
}

static void test_bad_settings(void **state)
{
	struct h_daemon *d = *state;
	static const char *const bad[] = {
	    "[office]\ntimezone = Europe/Londinium\n",
	    "[reminders]\nmeeting = 7, 7\n",
	    "[reminders]\nmeeting = -1\n",
	    "[reminders]\nreview = 400\n",
	    "[reminders]\ntime = 25:00\n",
	    "[reminders]\nsoon = 1\n",
	    NULL,
	};
	for (int i = 0; bad[i]; i++) {
		assert_int_equal(h_write_config(d, bad[i]), 0);
		assert_int_equal(h_start(d), -1);
		assert_int_equal(d->status, 78); /* EX_CONFIG */
	}
	/* A bad zone on reload keeps the running settings. */
	assert_int_equal(h_write_config(d, "[office]\ntimezone = Europe/London\n"), 0);
	assert_int_equal(h_start(d), 0);
	size_t from = h_stderr_size(d);
	assert_int_equal(h_write_config(d, "[office]\ntimezone = Mars/Olympus\n"), 0);
	h_signal(d, SIGHUP);
	assert_int_equal(h_wait_stderr(d, from, "reload refused", H_WAIT_MS), 0);
	docket_msg *m = must(d, "info", NULL);
	H_ASSERT_STR(h_str(m, "timezone"), "Europe/London");
	docket_msg_destroy(&m);
	H_PASS(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_decided_on, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_recorded_past, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_review_date, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_meeting_status, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_items, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_references, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_list_order, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_info, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_bad_settings, h_setup, h_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
