/*
 * The log read back: the events query pages the log exactly, heartbeats
 * tell how far it goes, large events go out in head form, and what one
 * subscriber can hold queued in docketd is bounded in bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zmq.h>

#include "harness.h"

/* Draft n decisions, refs P-<tag>-<i>, with a text of text_len bytes. */
static void drafts(struct h_daemon *d, const char *tag, int n, size_t text_len)
{
	char *text = malloc(text_len + 1);
	assert_non_null(text);
	for (size_t i = 0; i < text_len; i++)
		text[i] = "abcdefghij klmnopqrstuvwxyz."[i % 28];
	text[text_len] = '\0';
	for (int i = 0; i < n; i++) {
		char ref[48];
		snprintf(ref, sizeof ref, "P-%s-%d", tag, i);
		h_change(d, "draft", "ref", ref, "title", "Replay", "text", text, "justification",
		         "Because.", "decision_maker", "pcc", "category", "other", NULL);
	}
	free(text);
}

/* The events query with pairs (as h_req) and topics (NULL-terminated). */
#define events(d, topics, ...) h_topics_call(d, topics, "events", __VA_ARGS__)

/* Page through the whole log after seq 0 with limit; returns every event (a JSON array). */
static json_t *page_all(struct h_daemon *d, const char *const *topics, int limit, int *pages)
{
	json_t *all = json_array();
	int64_t after = 0;
	char a[32], l[32];
	snprintf(l, sizeof l, "%d", limit);
	*pages = 0;
	for (;;) {
		snprintf(a, sizeof a, "%lld", (long long)after);
		json_t *p = events(d, topics, "#after_seq", a, "#limit", l, NULL);
		json_array_extend(all, h_jpath(p, "events"));
		int64_t next = h_jint(p, "next");
		assert_true(next >= after);
		assert_true(next <= h_jint(p, "last_seq"));
		bool more = json_is_true(h_jpath(p, "more"));
		assert_int_equal(more, next < h_jint(p, "last_seq"));
		(*pages)++;
		json_decref(p);
		if (!more)
			return all;
		after = next;
	}
}

static void test_pages_are_the_log(void **state)
{
	struct h_daemon *d = *state;
	drafts(d, "a", 23, 40);
	json_t *log = h_log_read(d);
	int pages;
	json_t *all = page_all(d, NULL, 7, &pages);
	assert_int_equal(pages, 4);
	assert_true(json_equal(all, log));
	json_decref(all);

	/* A topic filter keeps only the events whose type starts with a prefix. */
	h_change(d, "submit", "ref", "P-a-3", NULL);
	h_change(d, "submit", "ref", "P-a-5", NULL);
	drafts(d, "b", 3, 40);
	const char *const submitted[] = {"decision.sub", NULL};
	json_t *some = page_all(d, submitted, 1, &pages);
	assert_int_equal(json_array_size(some), 2);
	H_ASSERT_STR(h_jstr(some, "0.ref"), "P-a-3");
	H_ASSERT_STR(h_jstr(some, "1.ref"), "P-a-5");
	assert_int_equal(h_jint(some, "1.seq"), 25);
	json_decref(some);

	/* limit 0 asks only where the log ends. */
	json_t *end = events(d, NULL, "#limit", "0", NULL);
	assert_int_equal(json_array_size(h_jpath(end, "events")), 0);
	assert_int_equal(h_jint(end, "last_seq"), 28);
	json_decref(end);
	json_decref(log);
	H_PASS(d);
}

static void test_bounds_and_refusals(void **state)
{
	struct h_daemon *d = *state;
	drafts(d, "c", 6, 3000);
	/* Each event is over 3,000 bytes: 1,024 bytes still give one, 7,000 give two. */
	json_t *p = events(d, NULL, "#max_bytes", "1024", NULL);
	assert_int_equal(json_array_size(h_jpath(p, "events")), 1);
	assert_int_equal(h_jint(p, "next"), 1);
	assert_true(json_is_true(h_jpath(p, "more")));
	json_decref(p);
	p = events(d, NULL, "#max_bytes", "7000", "#after_seq", "1", NULL);
	assert_int_equal(json_array_size(h_jpath(p, "events")), 2);
	assert_int_equal(h_jint(p, "next"), 3);
	json_decref(p);

	docket_msg *m = h_refuse(d, DOCKET_EBADREQ, "events", "#after_seq", "7", NULL);
	H_ASSERT_CONTAINS(docket_msg_error_message(m), "past the end of the log");
	docket_msg_destroy(&m);
	m = h_refuse(d, DOCKET_EBADREQ, "events", "#after_seq", "1", "since", "2030-01-01T00:00Z",
	             NULL);
	docket_msg_destroy(&m);
	m = h_refuse(d, DOCKET_EBADREQ, "events", "#limit", "10001", NULL);
	docket_msg_destroy(&m);
	m = h_refuse(d, DOCKET_EBADREQ, "events", "#max_bytes", "10", NULL);
	docket_msg_destroy(&m);
	m = h_refuse(d, DOCKET_EBADREQ, "events", "since", "yesterday", NULL);
	docket_msg_destroy(&m);
	H_PASS(d);
}

static void test_since_a_time(void **state)
{
	struct h_daemon *d = *state;
	drafts(d, "d", 3, 10);
	json_t *log = h_log_read(d);
	/* From the third event's own time: the third and what follows. */
	char since[40];
	/* Times sent are to the second: the third event's second holds it. */
	snprintf(since, sizeof since, "%.19sZ", h_jstr(log, "2.ts"));
	drafts(d, "e", 2, 10);
	json_t *p = events(d, NULL, "since", since, NULL);
	assert_true(h_jint(p, "events.0.seq") <= 3);
	assert_int_equal(h_jint(p, "last_seq"), 5);
	json_decref(p);
	/* From a time past every event: nothing, and caught up. */
	p = events(d, NULL, "since", "2099-01-01T00:00Z", NULL);
	assert_int_equal(json_array_size(h_jpath(p, "events")), 0);
	assert_int_equal(h_jint(p, "next"), 5);
	assert_false(json_is_true(h_jpath(p, "more")));
	json_decref(p);
	/* From a time before every event: all of them. */
	p = events(d, NULL, "since", "2001-01-01T00:00Z", NULL);
	assert_int_equal(json_array_size(h_jpath(p, "events")), 5);
	json_decref(p);
	json_decref(log);
	H_PASS(d);
}

/* A raw SUB socket on d's event endpoint, subscribed to prefix, holding at most hwm messages. */
static void *subscriber(void *ctx, struct h_daemon *d, const char *prefix, int hwm)
{
	void *s = zmq_socket(ctx, ZMQ_SUB);
	int linger = 0, small = 4096;
	assert_non_null(s);
	zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
	zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof hwm);
	if (hwm < 1000)
		zmq_setsockopt(s, ZMQ_RCVBUF, &small, sizeof small);
	assert_int_equal(zmq_setsockopt(s, ZMQ_SUBSCRIBE, prefix, strlen(prefix)), 0);
	assert_int_equal(zmq_connect(s, d->ev), 0);
	return s;
}

/* Receive a two-frame message within timeout_ms: its topic, and its map as JSON. */
static json_t *receive(void *s, int timeout_ms, char *topic, size_t cap)
{
	zmq_pollitem_t it = {.socket = s, .events = ZMQ_POLLIN};
	if (zmq_poll(&it, 1, timeout_ms) <= 0)
		return NULL;
	int n = zmq_recv(s, topic, cap - 1, 0);
	assert_true(n >= 0);
	topic[(size_t)n < cap - 1 ? (size_t)n : cap - 1] = '\0';
	zmq_msg_t body;
	zmq_msg_init(&body);
	assert_true(zmq_msg_recv(&body, s, 0) >= 0);
	json_t *j = h_msgpack_json(zmq_msg_data(&body), zmq_msg_size(&body));
	assert_non_null(j);
	zmq_msg_close(&body);
	return j;
}

static void test_heartbeat_tells_the_last_seq(void **state)
{
	struct h_daemon *d = *state;
	assert_int_equal(h_write_config(d, "[docketd]\nheartbeat_ms = 100\n"), 0);
	assert_int_equal(h_start(d), 0);
	void *ctx = zmq_ctx_new();
	void *s = subscriber(ctx, d, "docket.heartbeat", 1000);
	char topic[64];
	json_t *hb = receive(s, H_WAIT_MS, topic, sizeof topic);
	assert_non_null(hb);
	H_ASSERT_STR(topic, "docket.heartbeat");
	assert_int_equal(h_jint(hb, "seq"), 0);
	assert_int_equal(h_jint(hb, "interval_ms"), 100);
	json_decref(hb);
	drafts(d, "f", 3, 10);
	/* The next heartbeats say how far the log goes now, with no event asked for. */
	double until = h_now() + H_WAIT_MS / 1000.0;
	int64_t seq = 0;
	while (seq != 3 && h_now() < until) {
		hb = receive(s, H_WAIT_MS, topic, sizeof topic);
		assert_non_null(hb);
		seq = h_jint(hb, "seq");
		json_decref(hb);
	}
	assert_int_equal(seq, 3);
	zmq_close(s);
	zmq_ctx_term(ctx);
	H_PASS(d);
}

/* Events going out bring a heartbeat soon after, whatever the interval. */
static void test_heartbeat_follows_events(void **state)
{
	struct h_daemon *d = *state;
	assert_int_equal(h_write_config(d, "[docketd]\nheartbeat_ms = 60000\n"), 0);
	assert_int_equal(h_start(d), 0);
	void *ctx = zmq_ctx_new();
	void *s = subscriber(ctx, d, "docket.heartbeat", 1000);
	char topic[64];
	json_t *hb = NULL;
	/* Subscriptions travel asynchronously: draft until a heartbeat gets through. */
	for (int i = 0; !hb && i < 50; i++) {
		drafts(d, i == 0 ? "hb" : "hc", 1, 10);
		hb = receive(s, 200, topic, sizeof topic);
	}
	/* The interval is a minute: this one came because events went out. */
	assert_non_null(hb);
	assert_int_equal(h_jint(hb, "interval_ms"), 60000);
	json_decref(hb);
	while ((hb = receive(s, 300, topic, sizeof topic)))
		json_decref(hb);
	drafts(d, "hd", 2, 10);
	json_t *log = h_log_read(d);
	int64_t last = (int64_t)json_array_size(log), seq = 0;
	json_decref(log);
	while (seq != last && (hb = receive(s, H_WAIT_MS, topic, sizeof topic))) {
		seq = h_jint(hb, "seq");
		json_decref(hb);
	}
	assert_int_equal(seq, last);
	zmq_close(s);
	zmq_ctx_term(ctx);
	H_PASS(d);
}

static void test_large_events_go_out_in_head_form(void **state)
{
	struct h_daemon *d = *state;
	assert_int_equal(h_write_config(d, "[docketd]\nevent_inline_max = 1024\n"), 0);
	assert_int_equal(h_start(d), 0);
	void *ctx = zmq_ctx_new();
	void *s = subscriber(ctx, d, "decision.", 1000);
	/* Subscriptions travel asynchronously: wait until an event gets through. */
	char topic[64];
	json_t *ev = NULL;
	for (int i = 0; !ev && i < 100; i++) {
		drafts(d, i == 0 ? "g" : "h", 1, 10);
		ev = receive(s, 100, topic, sizeof topic);
	}
	assert_non_null(ev);
	assert_null(h_jpath(ev, "truncated"));
	assert_non_null(h_jpath(ev, "data.text"));
	json_decref(ev);
	while ((ev = receive(s, 0, topic, sizeof topic)))
		json_decref(ev);

	drafts(d, "big", 1, 5000);
	ev = receive(s, H_WAIT_MS, topic, sizeof topic);
	assert_non_null(ev);
	H_ASSERT_STR(topic, "decision.drafted");
	assert_true(json_is_true(h_jpath(ev, "truncated")));
	assert_null(h_jpath(ev, "data"));
	H_ASSERT_STR(h_jstr(ev, "ref"), "P-big-0");
	int64_t seq = h_jint(ev, "seq");
	json_decref(ev);

	/* The log has it whole. */
	char after[32];
	snprintf(after, sizeof after, "%lld", (long long)seq - 1);
	json_t *p = events(d, NULL, "#after_seq", after, "#limit", "1", NULL);
	assert_int_equal(strlen(h_jstr(p, "events.0.data.text")), 5000);
	assert_null(h_jpath(p, "events.0.truncated"));
	json_decref(p);
	zmq_close(s);
	zmq_ctx_term(ctx);
	H_PASS(d);
}

/* docket.batch carries every event of each commit, the log's maps, large ones in head form. */
static void test_batches_carry_every_event(void **state)
{
	struct h_daemon *d = *state;
	assert_int_equal(h_write_config(d, "[docketd]\nevent_inline_max = 4096\n"), 0);
	assert_int_equal(h_start(d), 0);
	void *ctx = zmq_ctx_new();
	void *s = subscriber(ctx, d, "docket.batch", 1000);
	char topic[64];
	json_t *got = json_array(), *b = NULL;
	/* Subscriptions travel asynchronously: wait until a batch gets through. */
	for (int i = 0; !b && i < 100; i++) {
		drafts(d, i == 0 ? "w" : "x", 1, 10);
		b = receive(s, 100, topic, sizeof topic);
	}
	assert_non_null(b);
	json_decref(b);
	json_t *before = h_log_read(d);
	size_t skip = json_array_size(before);
	json_decref(before);
	drafts(d, "y", 3, 1000);
	drafts(d, "z", 1, 6000);
	/* Batches of the warm-up may still come: keep the events from skip on, each once, in order. */
	int64_t last = 0;
	while (last < (int64_t)skip + 4) {
		b = receive(s, H_WAIT_MS, topic, sizeof topic);
		assert_non_null(b);
		H_ASSERT_STR(topic, "docket.batch");
		assert_true(json_is_array(b));
		size_t i;
		json_t *e;
		json_array_foreach(b, i, e)
		{
			int64_t seq = h_jint(e, "seq");
			assert_true(seq > last);
			last = seq;
			if (seq > (int64_t)skip)
				json_array_append(got, e);
		}
		json_decref(b);
	}
	assert_int_equal(json_array_size(got), 4);
	json_t *log = h_log_read(d);
	for (size_t i = 0; i < 3; i++)
		assert_true(json_equal(json_array_get(got, i), json_array_get(log, skip + i)));
	/* The large one, in head form: its map without data. */
	json_t *big = json_array_get(got, 3);
	assert_true(json_is_true(h_jpath(big, "truncated")));
	assert_null(h_jpath(big, "data"));
	assert_int_equal(h_jint(big, "seq"), (int64_t)skip + 4);
	json_decref(log);
	json_decref(got);
	zmq_close(s);
	zmq_ctx_term(ctx);
	H_PASS(d);
}

/* Draft one decision and count what reaches s within 300 ms: events, and batches. */
static void round_trip(struct h_daemon *d, void *s, int *events, int *batches)
{
	static int n;
	char topic[64], tag[16];
	json_t *m;
	*events = *batches = 0;
	snprintf(tag, sizeof tag, "r%d", n++);
	drafts(d, tag, 1, 10);
	while ((m = receive(s, 300, topic, sizeof topic))) {
		if (strcmp(topic, "docket.batch") == 0)
			(*batches)++;
		else if (strncmp(topic, "docket.", 7) != 0)
			(*events)++;
		json_decref(m);
	}
}

/* Batches go out only while someone asked for them: a subscriber to everything gets each event once. */
static void test_batches_only_when_asked_for(void **state)
{
	struct h_daemon *d = *state;
	void *ctx = zmq_ctx_new();
	void *all = subscriber(ctx, d, "", 1000);
	int events = 0, batches = 0;
	for (int i = 0; events == 0 && i < 50; i++)
		round_trip(d, all, &events, &batches);
	assert_int_equal(events, 1);
	assert_int_equal(batches, 0);

	void *b = subscriber(ctx, d, "docket.batch", 1000);
	for (int i = 0; batches == 0 && i < 50; i++)
		round_trip(d, all, &events, &batches);
	assert_int_equal(events, 1);
	assert_int_equal(batches, 1);

	/* The last batch subscriber gone, batches stop. */
	zmq_close(b);
	for (int i = 0; batches == 1 && i < 50; i++)
		round_trip(d, all, &events, &batches);
	assert_int_equal(events, 1);
	assert_int_equal(batches, 0);
	zmq_close(all);
	zmq_ctx_term(ctx);
	H_PASS(d);
}

static void test_queue_shorter_than_a_batch_is_refused(void **state)
{
	struct h_daemon *d = *state;
	assert_int_equal(h_write_config(d, "[docketd]\nbatch_max = 64\nevent_hwm = 63\n"), 0);
	assert_int_equal(h_start(d), -1);
	assert_int_equal(d->status, 78);
	char *err = h_stderr(d);
	H_ASSERT_CONTAINS(err, "fewer than one batch publishes");
	free(err);
	/* The byte bound counts too: 64 KiB of events of up to 16 KiB is 3 events. */
	assert_int_equal(h_write_config(d, "[docketd]\nevent_queue_bytes = 64K\n"), 0);
	assert_int_equal(h_start(d), -1);
	assert_int_equal(d->status, 78);
	assert_int_equal(h_write_config(d, "[docketd]\nevent_queue_bytes = 12Q\n"), 0);
	assert_int_equal(h_start(d), -1);
	assert_int_equal(d->status, 78);
	H_PASS(d);
}

/* docketd's resident memory in KiB, from /proc. */
static long rss_kib(struct h_daemon *d)
{
	char path[64], *status;
	snprintf(path, sizeof path, "/proc/%d/status", (int)d->pid);
	status = h_read_file(path, NULL);
	assert_non_null(status);
	const char *p = strstr(status, "VmRSS:");
	assert_non_null(p);
	long kib = strtol(p + 6, NULL, 10);
	free(status);
	return kib;
}

/*
 * A subscriber that never reads, behind hundreds of large events: what
 * docketd queues for it stays within the byte bound (here 8 MiB),
 * so its memory hardly moves.
 */
static void test_a_stalled_subscriber_costs_bounded_memory(void **state)
{
	struct h_daemon *d = *state;
#ifdef DOCKET_SANITIZED
	/* ASan keeps freed memory in quarantine: docketd's size would not be its queues'. */
	H_PASS(d);
	skip();
#endif
	assert_int_equal(h_write_config(d, "[docketd]\nevent_queue_bytes = 8M\n"), 0);
	assert_int_equal(h_start(d), 0);
	void *ctx = zmq_ctx_new();
	/* It holds one message itself, so the rest waits in docketd. */
	void *s = subscriber(ctx, d, "", 1);
	char topic[64];
	json_t *first = receive(s, H_WAIT_MS, topic, sizeof topic); /* a heartbeat: connected */
	assert_non_null(first);
	json_decref(first);
	drafts(d, "warm", 20, 60000);
	long before = rss_kib(d);
	drafts(d, "big", 400, 60000);
	long after = rss_kib(d);
	/* 400 events of 60 KB are 24 MB: had they queued whole, memory would have grown so. */
	if (after - before > 12 * 1024)
		fail_msg("docketd grew from %ld to %ld KiB behind a stalled subscriber", before, after);
	zmq_close(s);
	zmq_ctx_term(ctx);
	H_PASS(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pages_are_the_log, h_setup_started, h_teardown),
		cmocka_unit_test_setup_teardown(test_bounds_and_refusals, h_setup_started, h_teardown),
		cmocka_unit_test_setup_teardown(test_since_a_time, h_setup_started, h_teardown),
		cmocka_unit_test_setup_teardown(test_heartbeat_tells_the_last_seq, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_heartbeat_follows_events, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_large_events_go_out_in_head_form, h_setup,
		                                h_teardown),
		cmocka_unit_test_setup_teardown(test_batches_carry_every_event, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_batches_only_when_asked_for, h_setup_started,
		                                h_teardown),
		cmocka_unit_test_setup_teardown(test_queue_shorter_than_a_batch_is_refused, h_setup,
		                                h_teardown),
		cmocka_unit_test_setup_teardown(test_a_stalled_subscriber_costs_bounded_memory,
		                                h_setup, h_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
