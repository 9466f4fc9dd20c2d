/*
 * Durable cursors: delivery, acknowledgement, redelivery after the ack
 * wait, parking, retry, skip and rewind, all kept across restarts.
 */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

static void draft(struct h_daemon *d, const char *ref)
{
	assert_int_equal(h_draft(d, ref, NULL), 0);
}

#define OP(d, op, ...) h_topics_call(d, NULL, op, "cursor", "int", __VA_ARGS__)

/* The seqs of a fetch reply's events, as "3,4,5", and their deliveries as "1,1,2". */
static void fetched(json_t *f, char *seqs, char *deliveries, size_t cap)
{
	json_t *e;
	size_t i;
	seqs[0] = deliveries[0] = '\0';
	assert_int_equal(json_array_size(h_jpath(f, "events")),
	                 json_array_size(h_jpath(f, "deliveries")));
	json_array_foreach(h_jpath(f, "events"), i, e)
	{
		size_t n = strlen(seqs), k = strlen(deliveries);
		snprintf(seqs + n, cap - n, "%s%lld", i ? "," : "", (long long)h_jint(e, "seq"));
		snprintf(deliveries + k, cap - k, "%s%lld", i ? "," : "",
		         (long long)json_integer_value(json_array_get(h_jpath(f, "deliveries"), i)));
	}
}

/* Fetch until something comes (the ack wait is in whole seconds), at most H_WAIT_MS. */
static json_t *fetch_wait(struct h_daemon *d)
{
	double until = h_now() + H_WAIT_MS / 1000.0;
	for (;;) {
		json_t *f = OP(d, "fetch", NULL);
		if (json_array_size(h_jpath(f, "events")) || h_now() > until)
			return f;
		json_decref(f);
		/* The ack wait runs on docketd's clock: look again a little later. */
		poll(NULL, 0, 20);
	}
}

static void test_fetch_ack_and_lag(void **state)
{
	struct h_daemon *d = *state;
	draft(d, "C-1");
	/* A new cursor starts at the end of the log. */
	json_t *c = OP(d, "cursor_add", NULL);
	assert_int_equal(h_jint(c, "cursor.delivered"), 1);
	assert_int_equal(h_jint(c, "cursor.lag"), 0);
	assert_int_equal(h_jint(c, "cursor.max_deliveries"), 5);
	json_decref(c);
	draft(d, "C-2");
	draft(d, "C-3");
	draft(d, "C-4");
	json_t *f = OP(d, "fetch", "#limit", "2", NULL);
	char seqs[256], del[256];
	fetched(f, seqs, del, sizeof seqs);
	H_ASSERT_STR(seqs, "2,3");
	H_ASSERT_STR(del, "1,1");
	assert_int_equal(h_jint(f, "cursor.pending"), 2);
	assert_int_equal(h_jint(f, "last_seq"), 4);
	json_decref(f);
	f = OP(d, "fetch", NULL);
	fetched(f, seqs, del, sizeof seqs);
	H_ASSERT_STR(seqs, "4");
	json_decref(f);

	/* Acknowledging 3 leaves 2 the first unacknowledged: acked stays at 1. */
	json_t *a = OP(d, "ack", "#seq", "3", NULL);
	assert_int_equal(h_jint(a, "acked"), 1);
	assert_int_equal(h_jint(a, "cursor.acked"), 1);
	assert_int_equal(h_jint(a, "cursor.lag"), 3);
	json_decref(a);
	/* Again: not an error, nothing more acknowledged. */
	a = OP(d, "ack", "#seq", "3", NULL);
	assert_int_equal(h_jint(a, "acked"), 0);
	json_decref(a);
	a = OP(d, "ack", "#through", "4", NULL);
	assert_int_equal(h_jint(a, "acked"), 2);
	assert_int_equal(h_jint(a, "cursor.acked"), 4);
	assert_int_equal(h_jint(a, "cursor.lag"), 0);
	assert_int_equal(h_jint(a, "cursor.pending"), 0);
	json_decref(a);

	json_t *l = h_topics_call(d, NULL, "cursors", NULL);
	assert_int_equal(json_array_size(h_jpath(l, "cursors")), 1);
	H_ASSERT_STR(h_jstr(l, "cursors.0.name"), "int");
	json_decref(l);
	H_PASS(d);
}

static void test_topics_and_refusals(void **state)
{
	struct h_daemon *d = *state;
	const char *const submitted[] = {"decision.submitted", NULL};
	json_decref(h_topics_call(d, submitted, "cursor_add", "cursor", "int", "#after_seq", "0",
	                      NULL));
	draft(d, "T-1");
	draft(d, "T-2");
	h_change(d, "submit", "ref", "T-2", NULL);
	json_t *f = OP(d, "fetch", NULL);
	assert_int_equal(json_array_size(h_jpath(f, "events")), 1);
	H_ASSERT_STR(h_jstr(f, "events.0.type"), "decision.submitted");
	H_ASSERT_STR(h_jstr(f, "cursor.topics.0"), "decision.submitted");
	/* Passed-over events count as delivered. */
	assert_int_equal(h_jint(f, "cursor.delivered"), 3);
	json_decref(f);

	docket_msg *m = h_refuse(d, DOCKET_ECONFLICT, "cursor_add", "cursor", "int", NULL);
	docket_msg_destroy(&m);
	m = h_refuse(d, DOCKET_EBADREQ, "cursor_add", "cursor", "no spaces", NULL);
	docket_msg_destroy(&m);
	m = h_refuse(d, DOCKET_EBADREQ, "cursor_add", "cursor", "x", "#ack_wait", "0", NULL);
	docket_msg_destroy(&m);
	m = h_refuse(d, DOCKET_ENOTFOUND, "fetch", "cursor", "nobody", NULL);
	docket_msg_destroy(&m);
	m = h_refuse(d, DOCKET_EPRECONDITION, "ack", "cursor", "int", "#seq", "9", NULL);
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "delivered up to 3");
	docket_msg_destroy(&m);
	m = h_refuse(d, DOCKET_EBADREQ, "ack", "cursor", "int", "#seq", "3", "#through", "3",
	             NULL);
	docket_msg_destroy(&m);
	m = h_refuse(d, DOCKET_EPRECONDITION, "nak", "cursor", "int", "#seq", "1", NULL);
	docket_msg_destroy(&m);
	m = h_refuse(d, DOCKET_ENOTFOUND, "cursor_skip", "cursor", "int", "#seq", "3", NULL);
	docket_msg_destroy(&m);
	/* None of that changed the cursor. */
	json_t *l = h_topics_call(d, NULL, "cursors", NULL);
	assert_int_equal(json_array_size(h_jpath(l, "cursors")), 1);
	assert_int_equal(h_jint(l, "cursors.0.pending"), 1);
	json_decref(l);
	json_t *gone = OP(d, "cursor_delete", NULL);
	H_ASSERT_STR(h_jstr(gone, "cursor.name"), "int");
	json_decref(gone);
	m = h_refuse(d, DOCKET_ENOTFOUND, "fetch", "cursor", "int", NULL);
	docket_msg_destroy(&m);
	H_PASS(d);
}

static void test_redelivery_parking_and_retry_across_restarts(void **state)
{
	struct h_daemon *d = *state;
	json_decref(OP(d, "cursor_add", "#ack_wait", "1", "#max_deliveries", "2", NULL));
	draft(d, "R-1");
	char seqs[256], del[256];
	json_t *f = OP(d, "fetch", NULL);
	fetched(f, seqs, del, sizeof seqs);
	H_ASSERT_STR(seqs, "1");
	json_decref(f);

	/* Delivered and pending survive a kill -9. */
	h_kill9(d);
	assert_int_equal(h_start(d), 0);
	json_t *l = h_topics_call(d, NULL, "cursors", NULL);
	assert_int_equal(h_jint(l, "cursors.0.pending"), 1);
	assert_int_equal(h_jint(l, "cursors.0.delivered"), 1);
	json_decref(l);

	/* Not acknowledged within the ack wait: delivered again, the second time. */
	f = fetch_wait(d);
	fetched(f, seqs, del, sizeof seqs);
	H_ASSERT_STR(seqs, "1");
	H_ASSERT_STR(del, "2");
	json_decref(f);
	/* Due again after two deliveries: parked, not delivered. */
	double until = h_now() + H_WAIT_MS / 1000.0;
	int64_t parked = 0;
	while (parked == 0 && h_now() < until) {
		f = OP(d, "fetch", NULL);
		assert_int_equal(json_array_size(h_jpath(f, "events")), 0);
		parked = h_jint(f, "cursor.parked");
		json_decref(f);
		if (!parked)
			poll(NULL, 0, 20);
	}
	assert_int_equal(parked, 1);
	assert_int_equal(h_stop(d, H_WAIT_MS), 0);
	assert_int_equal(h_start(d), 0);
	json_t *p = OP(d, "parked", NULL);
	assert_int_equal(json_array_size(h_jpath(p, "parked")), 1);
	assert_int_equal(h_jint(p, "parked.0.seq"), 1);
	H_ASSERT_STR(h_jstr(p, "parked.0.type"), "decision.drafted");
	assert_int_equal(h_jint(p, "parked.0.deliveries"), 2);
	H_ASSERT_CONTAINS(h_jstr(p, "parked.0.reason"), "after 2 deliveries");
	json_decref(p);

	/* Retry: pending again, due at once, its deliveries counted afresh. */
	json_t *r = OP(d, "cursor_retry", NULL);
	assert_int_equal(h_jint(r, "retried"), 1);
	assert_int_equal(h_jint(r, "cursor.parked"), 0);
	json_decref(r);
	f = OP(d, "fetch", NULL);
	fetched(f, seqs, del, sizeof seqs);
	H_ASSERT_STR(seqs, "1");
	H_ASSERT_STR(del, "1");
	json_decref(f);
	json_decref(OP(d, "ack", "#seq", "1", NULL));
	H_PASS(d);
}

static void test_nak_park_skip_and_rewind(void **state)
{
	struct h_daemon *d = *state;
	json_decref(OP(d, "cursor_add", "#max_deliveries", "2", "#after_seq", "0", NULL));
	draft(d, "N-1");
	draft(d, "N-2");
	draft(d, "N-3");
	char seqs[256], del[256];
	json_decref(OP(d, "fetch", NULL));
	/* nak with no delay: due at once, delivered a second time. */
	json_t *n = OP(d, "nak", "#seq", "1", NULL);
	assert_false(json_is_true(h_jpath(n, "parked")));
	json_decref(n);
	json_t *f = OP(d, "fetch", NULL);
	fetched(f, seqs, del, sizeof seqs);
	H_ASSERT_STR(seqs, "1");
	H_ASSERT_STR(del, "2");
	json_decref(f);
	/* A nak at the last delivery parks it. */
	n = OP(d, "nak", "#seq", "1", NULL);
	assert_true(json_is_true(h_jpath(n, "parked")));
	json_decref(n);
	/* A delayed nak is not due yet. */
	json_decref(OP(d, "nak", "#seq", "2", "#delay", "3600", NULL));
	f = OP(d, "fetch", NULL);
	assert_int_equal(json_array_size(h_jpath(f, "events")), 0);
	json_decref(f);
	/* park: set aside with the client's reason. */
	json_t *p = OP(d, "park", "#seq", "3", "reason", "HTTP 410 from the receiver", NULL);
	assert_int_equal(h_jint(p, "cursor.parked"), 2);
	json_decref(p);
	p = OP(d, "parked", NULL);
	H_ASSERT_STR(h_jstr(p, "parked.1.reason"), "HTTP 410 from the receiver");
	json_decref(p);
	/* Skip one: it counts as handled. */
	json_t *s = OP(d, "cursor_skip", "#seq", "3", NULL);
	assert_int_equal(h_jint(s, "skipped"), 1);
	assert_int_equal(h_jint(s, "cursor.parked"), 1);
	json_decref(s);

	/* Rewind to the start: pending and parked after it are dropped and delivered afresh. */
	json_t *w = OP(d, "cursor_rewind", "#after_seq", "0", NULL);
	assert_int_equal(h_jint(w, "cursor.delivered"), 0);
	assert_int_equal(h_jint(w, "cursor.parked"), 0);
	assert_int_equal(h_jint(w, "cursor.pending"), 0);
	json_decref(w);
	f = OP(d, "fetch", NULL);
	fetched(f, seqs, del, sizeof seqs);
	H_ASSERT_STR(seqs, "1,2,3");
	H_ASSERT_STR(del, "1,1,1");
	json_decref(f);
	json_decref(OP(d, "ack", "#through", "3", NULL));
	/* Rewind to a time before everything: the same. */
	w = OP(d, "cursor_rewind", "since", "2001-01-01T00:00Z", NULL);
	assert_int_equal(h_jint(w, "cursor.delivered"), 0);
	assert_int_equal(h_jint(w, "cursor.lag"), 3);
	json_decref(w);
	docket_msg *m = h_refuse(d, DOCKET_EBADREQ, "cursor_rewind", "cursor", "int", NULL);
	docket_msg_destroy(&m);
	H_PASS(d);
}

/* A client that fetched ahead gives back what it never handed on: not counted, never parked. */
static void test_returned_events_are_not_counted(void **state)
{
	struct h_daemon *d = *state;
	json_decref(OP(d, "cursor_add", "#max_deliveries", "1", "#after_seq", "0", NULL));
	draft(d, "G-1");
	json_decref(OP(d, "fetch", NULL));
	docket_request *r = h_req("nak", "cursor", "int", "#seq", "1", NULL);
	assert_int_equal(docket_request_set_bool(r, "returned", 1), 0);
	docket_msg *m = NULL;
	assert_int_equal(docket_client_call(d->client, r, &m), 0);
	assert_int_equal(h_int(m, "cursor.parked"), 0);
	docket_msg_destroy(&m);
	docket_request_destroy(&r);
	char seqs[64], del[64];
	json_t *f = OP(d, "fetch", NULL);
	fetched(f, seqs, del, sizeof seqs);
	H_ASSERT_STR(seqs, "1");
	H_ASSERT_STR(del, "1");
	json_decref(f);
	/* A plain nak at its one delivery parks it. */
	json_t *n = OP(d, "nak", "#seq", "1", NULL);
	assert_true(json_is_true(h_jpath(n, "parked")));
	json_decref(n);
	H_PASS(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fetch_ack_and_lag, h_setup_started, h_teardown),
		cmocka_unit_test_setup_teardown(test_topics_and_refusals, h_setup_started,
		                                h_teardown),
		cmocka_unit_test_setup_teardown(test_redelivery_parking_and_retry_across_restarts,
		                                h_setup_started, h_teardown),
		cmocka_unit_test_setup_teardown(test_nak_park_skip_and_rewind, h_setup_started,
		                                h_teardown),
		cmocka_unit_test_setup_teardown(test_returned_events_are_not_counted, h_setup_started,
		                                h_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
