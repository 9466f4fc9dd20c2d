/* The main path to noted through libdocket: every reply, the log's seqs, history and meetings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define MAX_EVENTS 16

/* What the replies said about one decision: its events' seqs and types, in order. */
struct track {
	const char *ref;
	int64_t seq[MAX_EVENTS];
	const char *type[MAX_EVENTS];
	int n;
};

/* The whole log as the replies gave it: seq must be next, then next + 1, ... */
struct log {
	int64_t next;
};

static void record(struct track *t, int64_t seq, const char *type)
{
	assert_true(t->n < MAX_EVENTS);
	t->seq[t->n] = seq;
	t->type[t->n++] = type;
}

/* A time of a change: YYYY-MM-DDTHH:MM:SS.mmmZ. */
static void assert_change_time(const char *ts)
{
	assert_non_null(ts);
	assert_int_equal(strlen(ts), 24);
	assert_int_equal(ts[10], 'T');
	assert_int_equal(ts[19], '.');
	assert_int_equal(ts[23], 'Z');
}

/*
 * op on t->ref with the pairs given; it must succeed and leave the decision
 * in state at version, with the log's next seq. Returns the reply.
 */
static docket_msg *step(struct h_daemon *d, struct log *log, struct track *t, const char *state,
                        int64_t version, const char *type, const char *op, ...)
{
	va_list ap;
	docket_msg *m = NULL;
	va_start(ap, op);
	docket_request *r = h_vreq(op, ap);
	va_end(ap);
	assert_int_equal(docket_request_set_str(r, "ref", t->ref), 0);
	int rc = docket_client_call(d->client, r, &m);
	docket_request_destroy(&r);
	if (rc != 0)
		fail_msg("%s %s refused: %s: %s", op, t->ref, docket_strerror(rc),
		         m ? docket_msg_error_message(m) : "no reply");
	assert_true(docket_msg_ok(m));
	assert_int_equal(h_int(m, "v"), 1);
	H_ASSERT_STR(h_str(m, "decision.ref"), t->ref);
	H_ASSERT_STR(h_str(m, "decision.state"), state);
	assert_int_equal(h_int(m, "decision.version"), version);
	assert_int_equal(h_int(m, "seq"), log->next);
	record(t, log->next++, type);
	return m;
}

static int64_t meeting_change(struct h_daemon *d, struct log *log, const char *status,
                              int64_t version, const char *op, ...)
{
	va_list ap;
	va_start(ap, op);
	docket_msg *m = h_vmust(d, op, ap);
	va_end(ap);
	int64_t id = h_int(m, "meeting.id");
	if (status) {
		H_ASSERT_STR(h_str(m, "meeting.status"), status);
		assert_int_equal(h_int(m, "meeting.version"), version);
	}
	assert_int_equal(h_int(m, "seq"), log->next++);
	docket_msg_destroy(&m);
	return id;
}

/* history of t->ref must be exactly the events its replies announced. */
static void assert_history(struct h_daemon *d, const struct track *t, const char *final_state)
{
	docket_msg *m = NULL;
	assert_int_equal(h_call(d, &m, "history", "ref", t->ref, NULL), 0);
	assert_int_equal(docket_msg_count(m, "events"), t->n);
	for (int i = 0; i < t->n; i++) {
		char p[64];
		snprintf(p, sizeof p, "events.%d.seq", i);
		assert_int_equal(h_int(m, p), t->seq[i]);
		snprintf(p, sizeof p, "events.%d.type", i);
		H_ASSERT_STR(h_str(m, p), t->type[i]);
		snprintf(p, sizeof p, "events.%d.ref", i);
		H_ASSERT_STR(h_str(m, p), t->ref);
		snprintf(p, sizeof p, "events.%d.version", i);
		assert_int_equal(h_int(m, p), i + 1);
		snprintf(p, sizeof p, "events.%d.actor", i);
		H_ASSERT_STR(h_str(m, p), "office");
		snprintf(p, sizeof p, "events.%d.ts", i);
		assert_change_time(h_str(m, p));
		if (i > 0)
			assert_true(t->seq[i] > t->seq[i - 1]);
	}
	char p[64];
	snprintf(p, sizeof p, "events.%d.state", t->n - 1);
	H_ASSERT_STR(h_str(m, p), final_state);
	docket_msg_destroy(&m);
}

static void test_lifecycle_to_noted(void **state)
{
	struct h_daemon *d = *state;
	struct log log = {.next = 1};
	struct track t[3] = {{.ref = "35 - 2015"}, {.ref = "2016-10792"}, {.ref = "DEL 2012/01"}};
	char when[32], item_s[32], meeting_s[32];
	docket_msg *m;

	int64_t meeting =
	    meeting_change(d, &log, "scheduled", 1, "meeting_add", "panel",
	                   "Kent and Medway Police and Crime Panel", "starts_at",
	                   h_utc(when, sizeof when, 86400), "venue", "Sessions House", NULL);
	assert_true(meeting > 0);
	snprintf(meeting_s, sizeof meeting_s, "%lld", (long long)meeting);

	m = NULL;
	assert_int_equal(h_call(d, &m, "item_add", "#meeting", meeting_s, "code", "C1", "subject",
	                        "Commissioner's Key Decisions \u2013 July 2015", "period_start",
	                        "2015-07-01", "period_end", "2015-09-30", NULL),
	                 0);
	int64_t item = h_int(m, "item.id");
	assert_true(item > 0);
	assert_int_equal(h_int(m, "item.meeting"), meeting);
	H_ASSERT_STR(h_str(m, "item.subject"), "Commissioner's Key Decisions \u2013 July 2015");
	assert_int_equal(h_int(m, "seq"), log.next++);
	docket_msg_destroy(&m);
	snprintf(item_s, sizeof item_s, "%lld", (long long)item);

	for (int i = 0; i < 3; i++) {
		struct track *x = &t[i];
		m = step(d, &log, x, "draft", 1, "decision.drafted", "draft", "title",
		         "Body worn cameras roll out", "text", "The Commissioner has endorsed it.",
		         "justification", "Reasons.\n- one\n- two", "decision_maker", "pcc",
		         "category", "spend", "#cost_pence", "180000000", NULL);
		H_ASSERT_STR(h_str(m, "decision.author"), "office");
		H_ASSERT_STR(h_str(m, "decision.justification"), "Reasons.\n- one\n- two");
		assert_int_equal(h_int(m, "decision.cost_pence"), 180000000);
		H_ASSERT_STR(h_str(m, "decision.restriction"), "none");
		assert_change_time(h_str(m, "decision.drafted_at"));
		assert_null(h_str(m, "decision.submitted_at"));
		docket_msg_destroy(&m);

		m = step(d, &log, x, "submitted", 2, "decision.submitted", "submit", NULL);
		assert_change_time(h_str(m, "decision.submitted_at"));
		docket_msg_destroy(&m);

		m = step(d, &log, x, "endorsed", 3, "decision.endorsed", "endorse", NULL);
		assert_change_time(h_str(m, "decision.endorsed_at"));
		H_ASSERT_STR(h_str(m, "decision.endorsed_by"), "office");
		docket_msg_destroy(&m);

		m = step(d, &log, x, "published", 4, "decision.published", "publish", NULL);
		assert_change_time(h_str(m, "decision.published_at"));
		H_ASSERT_STR(h_str(m, "decision.restriction"), "none");
		docket_msg_destroy(&m);

		m = step(d, &log, x, "scheduled", 5, "decision.scheduled", "schedule", "#item",
		         item_s, NULL);
		assert_int_equal(h_int(m, "decision.item"), item);
		docket_msg_destroy(&m);
	}

	/* The meeting is held once its start has passed: move it into the past. */
	meeting_change(d, &log, "held", 2, "meeting_move", "#meeting", meeting_s, "starts_at",
	               h_utc(when, sizeof when, -60), NULL);

	m = step(d, &log, &t[0], "reported", 6, "decision.reported", "report", NULL);
	assert_change_time(h_str(m, "decision.reported_at"));
	assert_int_equal(h_int(m, "decision.item"), item);
	docket_msg_destroy(&m);

	/* report with item: the two decisions still scheduled on it, one event each. */
	m = NULL;
	assert_int_equal(h_call(d, &m, "report", "#item", item_s, NULL), 0);
	assert_int_equal(docket_msg_count(m, "decisions"), 2);
	int64_t last = h_int(m, "seq");
	assert_int_equal(last, log.next + 1);
	for (int k = 0; k < 2; k++) {
		char p[64];
		snprintf(p, sizeof p, "decisions.%d.ref", k);
		const char *ref = h_str(m, p);
		assert_non_null(ref);
		struct track *x = !strcmp(ref, t[1].ref)   ? &t[1]
		                  : !strcmp(ref, t[2].ref) ? &t[2]
		                                           : NULL;
		if (!x)
			fail_msg("report item returned unexpected decision '%s'", ref);
		snprintf(p, sizeof p, "decisions.%d.state", k);
		H_ASSERT_STR(h_str(m, p), "reported");
		snprintf(p, sizeof p, "decisions.%d.version", k);
		assert_int_equal(h_int(m, p), 6);
		/* Events in the order of the array; seq is the last of them. */
		record(x, log.next++, "decision.reported");
	}
	assert_string_not_equal(h_str(m, "decisions.0.ref"), h_str(m, "decisions.1.ref"));
	docket_msg_destroy(&m);

	for (int i = 0; i < 3; i++) {
		m = step(d, &log, &t[i], "noted", 7, "decision.noted", "note", "comment",
		         "The panel noted the decision.", NULL);
		assert_change_time(h_str(m, "decision.closed_at"));
		H_ASSERT_STR(h_str(m, "decision.comment"), "The panel noted the decision.");
		docket_msg_destroy(&m);
	}

	/* get agrees with the last reply; history with every reply. */
	int64_t total = 0;
	for (int i = 0; i < 3; i++) {
		m = NULL;
		assert_int_equal(h_call(d, &m, "get", "ref", t[i].ref, NULL), 0);
		H_ASSERT_STR(h_str(m, "decision.state"), "noted");
		assert_int_equal(h_int(m, "decision.version"), 7);
		H_ASSERT_STR(h_str(m, "decision.text"), "The Commissioner has endorsed it.");
		assert_int_equal(h_int(m, "seq"), INT64_MIN); /* queries append no event */
		docket_msg_destroy(&m);
		assert_history(d, &t[i], "noted");
		total += t[i].n;
	}
	/* Decision events plus meeting.created, item.created and meeting.moved: 1..next-1. */
	assert_int_equal(total + 3, log.next - 1);

	m = NULL;
	assert_int_equal(h_call(d, &m, "meetings", NULL), 0);
	assert_int_equal(docket_msg_count(m, "meetings"), 1);
	assert_int_equal(h_int(m, "meetings.0.id"), meeting);
	H_ASSERT_STR(h_str(m, "meetings.0.status"), "held");
	assert_int_equal(h_int(m, "meetings.0.version"), 2);
	assert_int_equal(docket_msg_count(m, "meetings.0.items"), 1);
	assert_int_equal(docket_msg_count(m, "meetings.0.items.0.decisions"), 3);
	docket_msg_destroy(&m);

	/* list by state, references as people read them: 35 before 2016. */
	m = NULL;
	assert_int_equal(h_call(d, &m, "list", "state", "noted", NULL), 0);
	assert_int_equal(docket_msg_count(m, "decisions"), 3);
	H_ASSERT_STR(h_str(m, "decisions.0.ref"), "35 - 2015");
	H_ASSERT_STR(h_str(m, "decisions.1.ref"), "2016-10792");
	H_ASSERT_STR(h_str(m, "decisions.2.ref"), "DEL 2012/01");
	assert_null(h_str(m, "decisions.0.text")); /* list leaves the long texts out */
	assert_null(h_str(m, "next"));
	docket_msg_destroy(&m);

	/* The log goes on from where it was: the next change takes the next seq. */
	m = NULL;
	assert_int_equal(h_draft(d, "after", &m), 0);
	assert_int_equal(h_int(m, "seq"), log.next);
	docket_msg_destroy(&m);
	H_PASS(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_lifecycle_to_noted, h_setup_started, h_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
