/*
 * Every refusal of PROTOCOL.md section 5: the code, the message where it
 * must name something, and that nothing changed (the record, its history,
 * and the log's next seq).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

/* A decision as get and history show it, to compare after a refusal. */
struct snap {
	json_t *decision;
	size_t events;
};

static void snap_take(struct h_daemon *d, const char *ref, struct snap *s)
{
	docket_msg *m = NULL;
	assert_int_equal(h_call(d, &m, "get", "ref", ref, NULL), 0);
	json_t *j = h_msg_json(m);
	assert_non_null(j);
	s->decision = json_incref(json_object_get(j, "decision"));
	assert_non_null(s->decision);
	json_decref(j);
	docket_msg_destroy(&m);
	assert_int_equal(h_call(d, &m, "history", "ref", ref, NULL), 0);
	s->events = docket_msg_count(m, "events");
	docket_msg_destroy(&m);
}

/* The decision is byte for byte as it was, with no new event. */
static void snap_same(struct h_daemon *d, const char *ref, struct snap *before)
{
	struct snap now;
	snap_take(d, ref, &now);
	if (!json_equal(before->decision, now.decision)) {
		char *a = json_dumps(before->decision, JSON_SORT_KEYS);
		char *b = json_dumps(now.decision, JSON_SORT_KEYS);
		fail_msg("decision '%s' changed:\n before %s\n after  %s", ref, a, b);
	}
	assert_int_equal(now.events, before->events);
	json_decref(now.decision);
	json_decref(before->decision);
	before->decision = NULL;
}

/* Every meeting and item as the meetings query shows them. */
static json_t *calendar(struct h_daemon *d)
{
	docket_msg *m = NULL;
	assert_int_equal(h_call(d, &m, "meetings", NULL), 0);
	json_t *j = h_msg_json(m);
	json_object_del(j, "id");
	docket_msg_destroy(&m);
	return j;
}

#define REFUSE(d, code, ...) docket_msg_destroy(&(docket_msg *){h_refuse((d), (code), __VA_ARGS__)})

/* No refusal took a seq: the next change gets the one after last. */
static void assert_next_seq(struct h_daemon *d, int64_t last)
{
	docket_msg *m = NULL;
	static int n;
	char ref[32];
	snprintf(ref, sizeof ref, "probe-%d", ++n);
	assert_int_equal(h_draft(d, ref, &m), 0);
	assert_int_equal(h_int(m, "seq"), last + 1);
	docket_msg_destroy(&m);
}

/* Draft ref and take it along the main path to endorsed. Returns the last seq. */
static int64_t endorsed(struct h_daemon *d, const char *ref)
{
	assert_int_equal(h_draft(d, ref, NULL), 0);
	h_change(d, "submit", "ref", ref, NULL);
	return h_change(d, "endorse", "ref", ref, NULL);
}

static void test_invalid_transition(void **state)
{
	struct h_daemon *d = *state;
	struct snap s;

	assert_int_equal(h_draft(d, "2024/22", NULL), 0);
	snap_take(d, "2024/22", &s);
	docket_msg *m = h_refuse(d, DOCKET_ETRANSITION, "endorse", "ref", "2024/22", NULL);
	/* The message names the decision, its state and the command. */
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "2024/22");
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "draft");
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "endorse");
	docket_msg_destroy(&m);
	REFUSE(d, DOCKET_ETRANSITION, "publish", "ref", "2024/22", NULL);
	REFUSE(d, DOCKET_ETRANSITION, "note", "ref", "2024/22", NULL);
	REFUSE(d, DOCKET_ETRANSITION, "respond", "ref", "2024/22", "response", "r", NULL);
	REFUSE(d, DOCKET_ETRANSITION, "lift_restriction", "ref", "2024/22", NULL);
	snap_same(d, "2024/22", &s);

	/* Terminal: withdrawn takes nothing more. */
	int64_t last = h_change(d, "withdraw", "ref", "2024/22", "reason", "Superseded", NULL);
	snap_take(d, "2024/22", &s);
	m = h_refuse(d, DOCKET_ETRANSITION, "submit", "ref", "2024/22", NULL);
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "withdrawn");
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "submit");
	docket_msg_destroy(&m);
	REFUSE(d, DOCKET_ETRANSITION, "amend", "ref", "2024/22", "title", "New", NULL);
	REFUSE(d, DOCKET_ETRANSITION, "withdraw", "ref", "2024/22", "reason", "again", NULL);
	snap_same(d, "2024/22", &s);
	assert_next_seq(d, last);
	H_PASS(d);
}

static void test_not_found(void **state)
{
	struct h_daemon *d = *state;

	REFUSE(d, DOCKET_ENOTFOUND, "get", "ref", "PCD 1306", NULL);
	REFUSE(d, DOCKET_ENOTFOUND, "history", "ref", "PCD 1306", NULL);
	docket_msg *m = h_refuse(d, DOCKET_ENOTFOUND, "submit", "ref", "PCD 1306", NULL);
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "PCD 1306");
	docket_msg_destroy(&m);
	REFUSE(d, DOCKET_ENOTFOUND, "amend", "ref", "PCD 1306", "title", "t", NULL);
	REFUSE(d, DOCKET_ENOTFOUND, "meeting_move", "#meeting", "999", "starts_at",
	       "2030-01-01T10:00:00Z", NULL);
	REFUSE(d, DOCKET_ENOTFOUND, "meeting_cancel", "#meeting", "999", NULL);
	REFUSE(d, DOCKET_ENOTFOUND, "item_add", "#meeting", "999", "code", "C1", "subject", "s",
	       NULL);
	REFUSE(d, DOCKET_ENOTFOUND, "report", "#item", "999", NULL);

	/* A decision that exists, on an item that does not. */
	endorsed(d, "E1");
	int64_t last = h_change(d, "publish", "ref", "E1", NULL);
	struct snap s;
	snap_take(d, "E1", &s);
	REFUSE(d, DOCKET_ENOTFOUND, "schedule", "ref", "E1", "#item", "999", NULL);
	snap_same(d, "E1", &s);
	REFUSE(d, DOCKET_ENOTFOUND, "get", "ref", "PCD 1306", NULL);
	assert_next_seq(d, last);
	H_PASS(d);
}

static void test_conflict_duplicate_draft(void **state)
{
	struct h_daemon *d = *state;
	docket_msg *m = NULL;

	assert_int_equal(h_draft(d, "35 - 2015", &m), 0);
	int64_t last = h_int(m, "seq");
	docket_msg_destroy(&m);
	struct snap s;
	snap_take(d, "35 - 2015", &s);
	m = h_refuse(d, DOCKET_ECONFLICT, "draft", "ref", "35 - 2015", "title", "Other", "text", "t",
	           "justification", "j", "decision_maker", "deputy_pcc", "category", "other", NULL);
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "35 - 2015");
	docket_msg_destroy(&m);
	snap_same(d, "35 - 2015", &s);
	assert_next_seq(d, last);
	H_PASS(d);
}

static void test_conflict_expect_version(void **state)
{
	struct h_daemon *d = *state;
	struct snap s;

	assert_int_equal(h_draft(d, "V1", NULL), 0);
	snap_take(d, "V1", &s);
	docket_msg *m =
	    h_refuse(d, DOCKET_ECONFLICT, "submit", "ref", "V1", "#expect_version", "5", NULL);
	/* The message gives both versions. */
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "1");
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "5");
	docket_msg_destroy(&m);
	REFUSE(d, DOCKET_ECONFLICT, "amend", "ref", "V1", "title", "New", "#expect_version", "0",
	       NULL);
	snap_same(d, "V1", &s);

	/* The right version is accepted. */
	m = NULL;
	assert_int_equal(h_call(d, &m, "submit", "ref", "V1", "#expect_version", "1", NULL), 0);
	assert_int_equal(h_int(m, "decision.version"), 2);
	int64_t last = h_int(m, "seq");
	docket_msg_destroy(&m);

	/* Meetings carry versions too. */
	int64_t meeting, item;
	h_meeting_item(d, 86400, &meeting, &item);
	char ms[32], when[32];
	snprintf(ms, sizeof ms, "%lld", (long long)meeting);
	json_t *cal = calendar(d);
	REFUSE(d, DOCKET_ECONFLICT, "meeting_move", "#meeting", ms, "starts_at",
	       h_utc(when, sizeof when, 2 * 86400), "#expect_version", "7", NULL);
	json_t *cal2 = calendar(d);
	assert_true(json_equal(cal, cal2));
	json_decref(cal);
	json_decref(cal2);
	assert_next_seq(d, last + 2);
	H_PASS(d);
}

static void test_idempotency(void **state)
{
	struct h_daemon *d = *state;
	docket_msg *r1 = NULL, *r2 = NULL, *m = NULL;

#define DRAFT_PAIRS(title)                                                                         \
	"ref", "I1", "title", title, "text", "t", "justification", "j", "decision_maker", "pcc",   \
	    "category", "spend", "idem", "key-1"
	assert_int_equal(h_call(d, &r1, "draft", DRAFT_PAIRS("Title"), NULL), 0);
	int64_t seq = h_int(r1, "seq");
	assert_int_equal(seq, 1);

	/* The same key and request: the stored reply, with its original seq, and no new event. */
	assert_int_equal(h_call(d, &r2, "draft", DRAFT_PAIRS("Title"), NULL), 0);
	assert_int_equal(h_int(r2, "seq"), seq);
	assert_true(h_int(r2, "id") != h_int(r1, "id")); /* each reply echoes its own id */
	json_t *j1 = h_msg_json(r1), *j2 = h_msg_json(r2);
	json_object_del(j1, "id");
	json_object_del(j2, "id");
	assert_true(json_equal(j1, j2));
	json_decref(j1);
	json_decref(j2);
	docket_msg_destroy(&r1);
	docket_msg_destroy(&r2);

	struct snap s;
	snap_take(d, "I1", &s);
	assert_int_equal(s.events, 1);

	/* The same key, another request. */
	m = h_refuse(d, DOCKET_ECONFLICT, "draft", DRAFT_PAIRS("Another title"), NULL);
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "key-1");
	docket_msg_destroy(&m);
	REFUSE(d, DOCKET_ECONFLICT, "submit", "ref", "I1", "idem", "key-1", NULL);
	snap_same(d, "I1", &s);
#undef DRAFT_PAIRS

	/* A retried submit replays instead of failing as invalid_transition. */
	assert_int_equal(h_call(d, &r1, "submit", "ref", "I1", "idem", "key-2", NULL), 0);
	assert_int_equal(h_int(r1, "seq"), 2);
	assert_int_equal(h_call(d, &r2, "submit", "ref", "I1", "idem", "key-2", NULL), 0);
	assert_int_equal(h_int(r2, "seq"), 2);
	H_ASSERT_STR(h_str(r2, "decision.state"), "submitted");
	assert_int_equal(h_int(r2, "decision.version"), 2);
	j1 = h_msg_json(r1);
	j2 = h_msg_json(r2);
	json_object_del(j1, "id");
	json_object_del(j2, "id");
	assert_true(json_equal(j1, j2));
	json_decref(j1);
	json_decref(j2);
	docket_msg_destroy(&r1);
	docket_msg_destroy(&r2);
	snap_take(d, "I1", &s);
	assert_int_equal(s.events, 2);
	json_decref(s.decision);

	/* The id is not part of the request: a raw retry with another id also replays. */
	struct h_raw raw;
	assert_int_equal(h_raw_open(&raw, d->cmd), 0);
	size_t len;
	char *req = h_pack(&len, 1, "submit", "ref", "I1", "idem", "key-2", NULL);
	assert_int_equal(h_raw_send1(&raw, req, len), 0);
	free(req);
	char *buf;
	size_t blen;
	int frames;
	assert_int_equal(h_raw_recv(&raw, H_WAIT_MS, &buf, &blen, &frames), 0);
	struct h_raw_reply rr;
	assert_int_equal(h_raw_parse(buf, blen, &rr), 0);
	free(buf);
	h_raw_close(&raw);
	assert_true(rr.valid);
	assert_true(rr.ok);
	assert_int_equal(rr.seq, 2);

	assert_next_seq(d, 2);
	H_PASS(d);
}

static void test_bad_request(void **state)
{
	struct h_daemon *d = *state;
	docket_msg *m;

	/* A missing key, named. */
	m = h_refuse(d, DOCKET_EBADREQ, "draft", "ref", "B1", "text", "t", "justification", "j",
	           "decision_maker", "pcc", "category", "spend", NULL);
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "title");
	docket_msg_destroy(&m);
	/* An unknown key, named. */
	m = h_refuse(d, DOCKET_EBADREQ, "draft", "ref", "B1", "title", "T", "text", "t",
	           "justification", "j", "decision_maker", "pcc", "category", "spend", "colour",
	           "blue", NULL);
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "colour");
	docket_msg_destroy(&m);
	/* A key the op does not take. */
	m = h_refuse(d, DOCKET_EBADREQ, "get", "ref", "B1", "title", "T", NULL);
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "title");
	docket_msg_destroy(&m);
	/* Bad values. */
	REFUSE(d, DOCKET_EBADREQ, "draft", "ref", "B1", "title", "T", "text", "t", "justification",
	       "j", "decision_maker", "mayor", "category", "spend", NULL);
	REFUSE(d, DOCKET_EBADREQ, "draft", "ref", "B1", "title", "T", "text", "t", "justification",
	       "j", "decision_maker", "pcc", "category", "spend", "#cost_pence", "-1", NULL);
	REFUSE(d, DOCKET_EBADREQ, "draft", "ref", "B1", "title", "T", "text", "t", "justification",
	       "j", "decision_maker", "pcc", "category", "spend", "#title", "7", NULL);
	REFUSE(d, DOCKET_EBADREQ, "draft", "ref",
	       "0123456789012345678901234567890123456789012345678901234567890123456789", "title",
	       "T", "text", "t", "justification", "j", "decision_maker", "pcc", "category", "spend",
	       NULL);
	REFUSE(d, DOCKET_EBADREQ, "draft", "ref", "B1\nB2", "title", "T", "text", "t",
	       "justification", "j", "decision_maker", "pcc", "category", "spend", NULL);
	REFUSE(d, DOCKET_EBADREQ, "meeting_add", "panel", "P", "starts_at", "2030-01-01", NULL);
	REFUSE(d, DOCKET_EBADREQ, "meeting_add", "panel", "P", "starts_at", "0000-01-01T10:00:00Z",
	       NULL);
	REFUSE(d, DOCKET_EBADREQ, "meeting_add", "panel", "P", "starts_at", "2101-01-01T10:00:00Z",
	       NULL);
	/* Office time the clocks skip, and office time they pass twice. */
	m = h_refuse(d, DOCKET_EBADREQ, "meeting_add", "panel", "P", "starts_at", "2031-03-30 01:30",
	           NULL);
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "does not exist");
	docket_msg_destroy(&m);
	m = h_refuse(d, DOCKET_EBADREQ, "meeting_add", "panel", "P", "starts_at", "2031-10-26T01:30",
	           NULL);
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "2031-10-26T01:30+01:00");
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "2031-10-26T01:30+00:00");
	docket_msg_destroy(&m);
	REFUSE(d, DOCKET_EBADREQ, "meeting_add", "panel", "P", "starts_at", "2030-01-01T25:00:00Z",
	       NULL);
	REFUSE(d, DOCKET_EBADREQ, "report", NULL); /* exactly one of ref and item */
	REFUSE(d, DOCKET_EBADREQ, "report", "ref", "B1", "#item", "1", NULL);
	REFUSE(d, DOCKET_EBADREQ, "list", "state", "pending", NULL);
	REFUSE(d, DOCKET_EBADREQ, "list", "#limit", "0", NULL);
	REFUSE(d, DOCKET_ENOTFOUND, "get", "ref", "B1", NULL); /* none of them drafted it */

	/* On an existing decision: a bad date, and restriction details that do not fit. */
	int64_t last = endorsed(d, "B2");
	struct snap s;
	snap_take(d, "B2", &s);
	m = h_refuse(d, DOCKET_EBADREQ, "publish", "ref", "B2", "restriction", "part",
	           "restriction_reason", "Commercially sensitive", "review_date", "2024-02-30",
	           NULL);
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "review_date");
	docket_msg_destroy(&m);
	REFUSE(d, DOCKET_EBADREQ, "publish", "ref", "B2", "restriction", "none", "review_date",
	       "2030-01-01", NULL);
	REFUSE(d, DOCKET_EBADREQ, "publish", "ref", "B2", "restriction", "full", NULL);
	REFUSE(d, DOCKET_EBADREQ, "amend", "ref", "B2", NULL);
	snap_same(d, "B2", &s);
	REFUSE(d, DOCKET_EBADREQ, "meetings", "ref", "B2", NULL);
	assert_next_seq(d, last);
	H_PASS(d);
}

static void test_unknown_op(void **state)
{
	struct h_daemon *d = *state;
	docket_msg *m = h_refuse(d, DOCKET_EUNKNOWNOP, "frobnicate", "ref", "X", NULL);
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "frobnicate");
	docket_msg_destroy(&m);
	REFUSE(d, DOCKET_EUNKNOWNOP, "delete", "ref", "X", NULL);
	assert_next_seq(d, 0);
	H_PASS(d);
}

/* Send one raw request and parse the reply. */
static void raw_exchange(struct h_daemon *d, const char *req, size_t len, struct h_raw_reply *rr)
{
	struct h_raw raw;
	char *buf;
	size_t blen;
	int frames;
	assert_int_equal(h_raw_open(&raw, d->cmd), 0);
	assert_int_equal(h_raw_send1(&raw, req, len), 0);
	assert_int_equal(h_raw_recv(&raw, H_WAIT_MS, &buf, &blen, &frames), 0);
	assert_int_equal(h_raw_parse(buf, blen, rr), 0);
	free(buf);
	h_raw_close(&raw);
	assert_true(rr->valid);
}

static void test_unsupported_version(void **state)
{
	struct h_daemon *d = *state;
	struct h_raw_reply rr;
	size_t len;
	char *req;

	req = h_pack(&len, 2, "get", "ref", "X", NULL);
	raw_exchange(d, req, len, &rr);
	free(req);
	assert_false(rr.ok);
	assert_string_equal(rr.code, "unsupported_version");

	req = h_pack(&len, 0, "draft", "ref", "U1", "title", "T", "text", "t", "justification", "j",
	             "decision_maker", "pcc", "category", "spend", NULL);
	raw_exchange(d, req, len, &rr);
	free(req);
	assert_false(rr.ok);
	assert_string_equal(rr.code, "unsupported_version");
	REFUSE(d, DOCKET_ENOTFOUND, "get", "ref", "U1", NULL);

	/* The same request with v = 1 is fine. */
	req = h_pack(&len, 1, "draft", "ref", "U1", "title", "T", "text", "t", "justification", "j",
	             "decision_maker", "pcc", "category", "spend", NULL);
	raw_exchange(d, req, len, &rr);
	free(req);
	assert_true(rr.ok);
	assert_int_equal(rr.seq, 1);
	assert_next_seq(d, 1);
	H_PASS(d);
}

static void test_precondition(void **state)
{
	struct h_daemon *d = *state;
	char ms[32], is[32], when[32];
	struct snap s;
	docket_msg *m;

	int64_t meeting, item, past_meeting, past_item;
	h_meeting_item(d, 86400, &meeting, &item);
	h_meeting_item(d, 86400, &past_meeting, &past_item);

	/* lift_restriction on an unrestricted decision. */
	endorsed(d, "P1");
	h_change(d, "publish", "ref", "P1", NULL);
	snap_take(d, "P1", &s);
	m = h_refuse(d, DOCKET_EPRECONDITION, "lift_restriction", "ref", "P1", NULL);
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "P1");
	docket_msg_destroy(&m);
	snap_same(d, "P1", &s);

	/* report before the meeting is held. */
	snprintf(is, sizeof is, "%lld", (long long)item);
	h_change(d, "schedule", "ref", "P1", "#item", is, NULL);
	snap_take(d, "P1", &s);
	REFUSE(d, DOCKET_EPRECONDITION, "report", "ref", "P1", NULL);
	REFUSE(d, DOCKET_EPRECONDITION, "report", "#item", is, NULL);
	snap_same(d, "P1", &s);

	/* A meeting with a decision on its items cannot be cancelled. */
	snprintf(ms, sizeof ms, "%lld", (long long)meeting);
	json_t *cal = calendar(d);
	REFUSE(d, DOCKET_EPRECONDITION, "meeting_cancel", "#meeting", ms, NULL);
	json_t *cal2 = calendar(d);
	assert_true(json_equal(cal, cal2));
	json_decref(cal2);
	json_decref(cal);

	/* A meeting whose start has passed takes decisions: the office records the past. */
	snprintf(ms, sizeof ms, "%lld", (long long)past_meeting);
	snprintf(is, sizeof is, "%lld", (long long)past_item);
	h_change(d, "meeting_move", "#meeting", ms, "starts_at", h_utc(when, sizeof when, -3600),
	       NULL);
	endorsed(d, "P2");
	h_change(d, "publish", "ref", "P2", NULL);
	h_change(d, "schedule", "ref", "P2", "#item", is, NULL);
	int64_t last = h_change(d, "unschedule", "ref", "P2", NULL);

	/* report with an item on which nothing is scheduled. */
	REFUSE(d, DOCKET_EPRECONDITION, "report", "#item", is, NULL);

	/* A cancelled meeting takes no items, and cannot move or be cancelled again. */
	int64_t cm, ci;
	h_meeting_item(d, 86400, &cm, &ci);
	snprintf(ms, sizeof ms, "%lld", (long long)cm);
	snprintf(is, sizeof is, "%lld", (long long)ci);
	last = h_change(d, "meeting_cancel", "#meeting", ms, NULL);
	cal = calendar(d);
	REFUSE(d, DOCKET_EPRECONDITION, "meeting_cancel", "#meeting", ms, NULL);
	REFUSE(d, DOCKET_EPRECONDITION, "meeting_move", "#meeting", ms, "starts_at",
	       h_utc(when, sizeof when, 2 * 86400), NULL);
	REFUSE(d, DOCKET_EPRECONDITION, "item_add", "#meeting", ms, "code", "C2", "subject", "s",
	       NULL);
	snap_take(d, "P2", &s);
	REFUSE(d, DOCKET_EPRECONDITION, "schedule", "ref", "P2", "#item", is, NULL);
	snap_same(d, "P2", &s);
	cal2 = calendar(d);
	assert_true(json_equal(cal, cal2));
	json_decref(cal2);
	json_decref(cal);
	assert_next_seq(d, last);
	H_PASS(d);
}

/* A meeting recorded as held: PROTOCOL.md section 4.3. */
static int64_t held_meeting(struct h_daemon *d, int64_t *item, json_t **cal, int64_t *last)
{
	char ms[32], when[32];
	int64_t meeting;
	h_meeting_item(d, 86400, &meeting, item);
	snprintf(ms, sizeof ms, "%lld", (long long)meeting);
	/* Not before it starts. */
	REFUSE(d, DOCKET_EPRECONDITION, "meeting_held", "#meeting", ms, NULL);
	h_change(d, "meeting_move", "#meeting", ms, "starts_at", h_utc(when, sizeof when, -3600),
	       NULL);
	*last = h_change(d, "meeting_held", "#meeting", ms, NULL);
	*cal = calendar(d);
	H_ASSERT_STR(h_jstr(*cal, "meetings.0.status"), "held");
	return meeting;
}

/*
 * Refuse op on meeting with precondition, leaving the calendar and the log
 * (last seq: last) as they were. Returns the seq of the probe that checks it.
 */
static int64_t meeting_refuses(struct h_daemon *d, json_t *cal, int64_t last, int64_t meeting,
                               const char *op, ...)
{
	va_list ap;
	docket_msg *m = NULL;
	va_start(ap, op);
	docket_request *r = h_vreq(op, ap);
	va_end(ap);
	assert_int_equal(docket_request_set_int(r, "meeting", meeting), 0);
	int rc = docket_client_call(d->client, r, &m);
	docket_request_destroy(&r);
	docket_msg_destroy(&m);
	json_t *cal2 = calendar(d);
	bool same = json_equal(cal, cal2);
	json_decref(cal2);
	if (rc != -DOCKET_EPRECONDITION)
		fail_msg("%s on meeting %lld: expected precondition, got %s", op,
		         (long long)meeting, rc == 0 ? "success" : docket_error_name(rc));
	assert_true(same);
	assert_next_seq(d, last);
	return last + 1;
}

static void test_held_meeting_cannot_cancel(void **state)
{
	struct h_daemon *d = *state;
	char when[32];
	int64_t item, last;
	json_t *cal;
	int64_t meeting = held_meeting(d, &item, &cal, &last);
	last = meeting_refuses(d, cal, last, meeting, "meeting_cancel", NULL);
	last = meeting_refuses(d, cal, last, meeting, "meeting_postpone", NULL);
	last = meeting_refuses(d, cal, last, meeting, "meeting_held", NULL);
	/* Recorded as held, it can be corrected to another past time, not to the future. */
	meeting_refuses(d, cal, last, meeting, "meeting_move", "starts_at",
	                h_utc(when, sizeof when, 86400), NULL);
	json_decref(cal);
	H_PASS(d);
}

/* Past meetings can be recorded: a held meeting takes new items. */
static void test_held_meeting_takes_items(void **state)
{
	struct h_daemon *d = *state;
	char ms[32];
	int64_t item, last;
	json_t *cal;
	int64_t meeting = held_meeting(d, &item, &cal, &last);
	json_decref(cal);
	snprintf(ms, sizeof ms, "%lld", (long long)meeting);
	h_change(d, "item_add", "#meeting", ms, "code", "C2", "subject", "Recorded later", NULL);
	cal = calendar(d);
	H_ASSERT_STR(h_jstr(cal, "meetings.0.items.1.code"), "C2");
	json_decref(cal);
	H_PASS(d);
}

/* Once decisions have been reported at a meeting, its date is history. */
static void test_reported_meeting_cannot_move(void **state)
{
	struct h_daemon *d = *state;
	char ms[32], is[32], when[32];
	int64_t meeting, item;
	h_meeting_item(d, 86400, &meeting, &item);
	snprintf(ms, sizeof ms, "%lld", (long long)meeting);
	snprintf(is, sizeof is, "%lld", (long long)item);
	endorsed(d, "M1");
	h_change(d, "publish", "ref", "M1", NULL);
	h_change(d, "schedule", "ref", "M1", "#item", is, NULL);
	h_change(d, "meeting_move", "#meeting", ms, "starts_at", h_utc(when, sizeof when, -3600),
	       NULL);
	int64_t last = h_change(d, "report", "ref", "M1", NULL);
	json_t *cal = calendar(d);
	last = meeting_refuses(d, cal, last, meeting, "meeting_move", "starts_at",
	                       h_utc(when, sizeof when, 86400), NULL);
	json_decref(cal);
	/* The probe draft is not on the calendar, so it is unchanged. */
	cal = calendar(d);
	meeting_refuses(d, cal, last, meeting, "meeting_cancel", NULL);
	json_decref(cal);
	H_PASS(d);
}

static void test_forbidden(void **state)
{
	struct h_daemon *d = *state;
	struct snap s;

	assert_int_equal(h_write_config(d, "[principal]\nname = clerk\nroles = staff, reader\n"),
	                 0);
	assert_int_equal(h_start(d), 0);

	docket_msg *m = NULL;
	assert_int_equal(h_draft(d, "F1", &m), 0);
	H_ASSERT_STR(h_str(m, "decision.author"), "clerk");
	docket_msg_destroy(&m);
	int64_t last = h_change(d, "submit", "ref", "F1", NULL);
	snap_take(d, "F1", &s);
	m = h_refuse(d, DOCKET_EFORBIDDEN, "endorse", "ref", "F1", NULL);
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "endorse");
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "commissioner");
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "clerk");
	docket_msg_destroy(&m);
	REFUSE(d, DOCKET_EFORBIDDEN, "reject", "ref", "F1", "reason", "r", NULL);
	REFUSE(d, DOCKET_EFORBIDDEN, "return", "ref", "F1", "comment", "c", NULL);
	snap_same(d, "F1", &s);
	json_t *cal = calendar(d);
	REFUSE(d, DOCKET_EFORBIDDEN, "meeting_add", "panel", "P", "starts_at",
	       "2030-01-01T10:00:00Z", NULL);
	json_t *cal2 = calendar(d);
	assert_true(json_equal(cal, cal2));
	json_decref(cal2);
	json_decref(cal);
	assert_next_seq(d, last);
	H_PASS(d);
}

static void test_too_large(void **state)
{
	struct h_daemon *d = *state;
	struct h_raw_reply rr;
	size_t len;

	/* A whole request over 1 MiB (and under the 4 MiB frame limit). */
	size_t big = 1024 * 1024 + 4096;
	char *title = malloc(big + 1);
	assert_non_null(title);
	memset(title, 'x', big);
	title[big] = '\0';
	char *req =
	    h_pack(&len, 1, "draft", "ref", "L1", "title", title, "text", "t", "justification", "j",
	           "decision_maker", "pcc", "category", "spend", NULL);
	assert_true(len > 1024 * 1024);
	raw_exchange(d, req, len, &rr);
	free(req);
	assert_false(rr.ok);
	assert_string_equal(rr.code, "too_large");

	/* Through libdocket: too_large, whether the library or docketd says so. */
	docket_msg *m = NULL;
	int rc = h_call(d, &m, "draft", "ref", "L1", "title", title, "text", "t", "justification",
	                "j", "decision_maker", "pcc", "category", "spend", NULL);
	assert_int_equal(rc, -DOCKET_ETOOLARGE);
	if (m)
		H_ASSERT_STR(docket_msg_error_code(m), "too_large");
	docket_msg_destroy(&m);

	/* Fields over their own limits: title 1,024 bytes, text 64 KiB. */
	title[1025] = '\0';
	REFUSE(d, DOCKET_ETOOLARGE, "draft", "ref", "L1", "title", title, "text", "t",
	       "justification", "j", "decision_maker", "pcc", "category", "spend", NULL);
	title[1024] = '\0';
	int64_t last = h_change(d, "draft", "ref", "L2", "title", title, "text", "t", "justification",
	                      "j", "decision_maker", "pcc", "category", "spend", NULL);
	memset(title, 'y', 64 * 1024 + 1);
	title[64 * 1024 + 1] = '\0';
	REFUSE(d, DOCKET_ETOOLARGE, "draft", "ref", "L1", "title", "T", "text", title,
	       "justification", "j", "decision_maker", "pcc", "category", "spend", NULL);
	free(title);
	REFUSE(d, DOCKET_ENOTFOUND, "get", "ref", "L1", NULL);

	/* docketd still serves, on a fresh raw connection and on the library's. */
	req = h_pack(&len, 1, "get", "ref", "L2", NULL);
	raw_exchange(d, req, len, &rr);
	free(req);
	assert_true(rr.ok);
	assert_true(h_alive(d));
	assert_next_seq(d, last);
	H_PASS(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_invalid_transition, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_not_found, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_conflict_duplicate_draft, h_setup_started,
	                                    h_teardown),
	    cmocka_unit_test_setup_teardown(test_conflict_expect_version, h_setup_started,
	                                    h_teardown),
	    cmocka_unit_test_setup_teardown(test_idempotency, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_bad_request, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_unknown_op, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_unsupported_version, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_precondition, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_held_meeting_takes_items, h_setup_started,
	                                    h_teardown),
	    cmocka_unit_test_setup_teardown(test_reported_meeting_cannot_move, h_setup_started,
	                                    h_teardown),
	    cmocka_unit_test_setup_teardown(test_held_meeting_cannot_cancel, h_setup_started,
	                                    h_teardown),
	    cmocka_unit_test_setup_teardown(test_forbidden, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_too_large, h_setup_started, h_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
