/*
 * libdocket's streams and cursors against the real docketd: each test ends by
 * comparing what was delivered with the events table of docketd's own
 * database, in order, with no gap and no duplicate. Also the fast failure
 * of every call when docketd is not there.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <msgpack.h>
#include <sqlite3.h>
#include <zmq.h>

#include "harness.h"

/* Waits for progress: a stream that delivers nothing for this long has failed. */
#define STALL_S 30.0

/* One event as the tests compare them: its seq, and its JSON as docket_msg_to_json writes it. */
struct ev {
	int64_t seq;
	char *json;
};

struct evlist {
	struct ev *v;
	size_t n, cap;
};

static void list_add(struct evlist *l, int64_t seq, char *json)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = realloc(l->v, l->cap * sizeof *l->v);
		assert_non_null(l->v);
	}
	l->v[l->n++] = (struct ev){seq, json};
}

static void list_free(struct evlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].json);
	free(l->v);
	*l = (struct evlist){0};
}

/* Keep an event the library delivered. */
static void keep(struct evlist *l, const docket_msg *ev)
{
	char *json = NULL;
	int64_t seq = -1;
	assert_int_equal(docket_msg_get_int(ev, "seq", &seq), 0);
	assert_int_equal(docket_msg_to_json(ev, DOCKET_JSON_COMPACT, &json), 0);
	list_add(l, seq, json);
}

/*
 * A log row as the tests compare it. The library hands out decoded maps,
 * not bytes; the row is checked to be canonical msgpack (packing its value
 * again gives its bytes back), so a delivered map that renders exactly as
 * the row does, key for key in order, is the row byte for byte.
 */
static char *row_json(const char *type, const void *body, size_t len)
{
	msgpack_unpacked u;
	msgpack_sbuffer sb;
	msgpack_packer pk;

	msgpack_unpacked_init(&u);
	assert_int_equal(msgpack_unpack_next(&u, body, len, NULL), MSGPACK_UNPACK_SUCCESS);
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_object(&pk, u.data);
	assert_int_equal(sb.size, len);
	assert_memory_equal(sb.data, body, len);
	msgpack_sbuffer_destroy(&sb);

	json_t *j = json_object();
	json_object_set_new(j, "topic", json_string(type));
	json_object_set_new(j, "event", h_msgpack_object_json(&u.data));
	char *text = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
	json_decref(j);
	msgpack_unpacked_destroy(&u);
	assert_non_null(text);
	return text;
}

static bool matches(const char *type, const char *const *prefixes)
{
	if (!prefixes)
		return true;
	for (size_t i = 0; prefixes[i]; i++)
		if (strncmp(type, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

/*
 * The events table of d's database: rows with seq from `from` on, and from
 * the first recorded at or after since_s (a "YYYY-MM-DDTHH:MM:SS" UTC second,
 * or NULL) on, whose type starts with one of prefixes (NULL: all).
 */
static void read_log(struct h_daemon *d, const char *const *prefixes, int64_t from,
                     const char *since_s, struct evlist *out)
{
	char path[300];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	bool started = !since_s;

	snprintf(path, sizeof path, "%s/docket.db", d->state_dir);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, H_WAIT_MS);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT seq, type, ts, body FROM events WHERE seq >= ? "
	                                    "ORDER BY seq",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_int64(st, 1, from);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *type = (const char *)sqlite3_column_text(st, 1);
		const char *ts = (const char *)sqlite3_column_text(st, 2);
		/* Times of changes carry milliseconds; since has whole seconds. */
		if (!started && strncmp(ts, since_s, 19) >= 0)
			started = true;
		if (!started || !matches(type, prefixes))
			continue;
		list_add(out, sqlite3_column_int64(st, 0),
		         row_json(type, sqlite3_column_blob(st, 3),
		                  (size_t)sqlite3_column_bytes(st, 3)));
	}
	assert_int_equal(rc, SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* What was delivered is exactly the log: the same events, in order, each once, whole. */
static void assert_log(struct h_daemon *d, const struct evlist *seen, const char *const *prefixes,
                       int64_t from, const char *since_s)
{
	struct evlist log = {0};
	read_log(d, prefixes, from, since_s, &log);
	for (size_t i = 0; i < seen->n && i < log.n; i++) {
		if (seen->v[i].seq != log.v[i].seq)
			fail_msg("event %zu: delivered seq %" PRId64 ", the log has %" PRId64, i,
			         seen->v[i].seq, log.v[i].seq);
		const char *got = seen->v[i].json, *want = log.v[i].json;
		if (strcmp(got, want) != 0)
			fail_msg("seq %" PRId64 " is not the log's:\n%.400s\n%.400s",
			         seen->v[i].seq, got, want);
	}
	if (seen->n != log.n)
		fail_msg("delivered %zu events, the log has %zu", seen->n, log.n);
	assert_true(log.n > 0);
	list_free(&log);
}

/* How many events the log has for prefixes from seq `from` on. */
static size_t log_count(struct h_daemon *d, const char *const *prefixes, int64_t from)
{
	struct evlist log = {0};
	read_log(d, prefixes, from, NULL, &log);
	size_t n = log.n;
	list_free(&log);
	return n;
}

/* Receive from s until seen holds want events; fail when it stalls. */
static void take(docket_stream *s, struct evlist *seen, size_t want)
{
	double stall = h_now() + STALL_S;
	while (seen->n < want) {
		docket_msg *ev = NULL;
		int rc = docket_stream_recv(s, &ev, 250);
		if (rc == -DOCKET_ETIMEDOUT) {
			int64_t at = docket_stream_position(s);
			if (h_now() > stall)
				fail_msg("stream stalled: %zu of %zu events, at %" PRId64, seen->n,
				         want, at);
			continue;
		}
		assert_int_equal(rc, 0);
		keep(seen, ev);
		docket_msg_destroy(&ev);
		stall = h_now() + STALL_S;
	}
}

/*
 * One more change, which must be the very next event the stream gives: a
 * stream that would repeat or skip an event fails here, without waiting for
 * a silence.
 */
static void take_sentinel(struct h_daemon *d, docket_stream *s, struct evlist *seen,
                          const char *ref)
{
	docket_msg *m = NULL;
	assert_int_equal(h_draft(d, ref, &m), 0);
	int64_t seq = h_int(m, "seq");
	docket_msg_destroy(&m);
	size_t before = seen->n;
	take(s, seen, before + 1);
	assert_int_equal(seen->v[before].seq, seq);
	assert_int_equal(docket_stream_position(s), seq);
}

static char *ref_of(char *buf, size_t size, const char *tag, int i)
{
	snprintf(buf, size, "%s/%d", tag, i);
	return buf;
}

/* n drafts, pipelined so that docketd commits them in batches. */
static void burst(struct h_daemon *d, const char *tag, int n)
{
	const int window = 200;
	for (int base = 0; base < n; base += window) {
		int k = n - base < window ? n - base : window;
		for (int i = 0; i < k; i++) {
			char ref[48];
			docket_request *r =
			    h_req("draft", "ref", ref_of(ref, sizeof ref, tag, base + i), "title",
			          "T", "text", "t", "justification", "j", "decision_maker", "pcc",
			          "category", "other", NULL);
			assert_int_equal(docket_client_send(d->client, r, NULL), 0);
			docket_request_destroy(&r);
		}
		for (int i = 0; i < k; i++) {
			docket_msg *m = NULL;
			assert_int_equal(docket_client_recv(d->client, &m, NULL), 0);
			assert_true(docket_msg_ok(m));
			docket_msg_destroy(&m);
		}
	}
}

static void drafts(struct h_daemon *d, const char *tag, int from, int to)
{
	for (int i = from; i < to; i++) {
		char ref[48];
		assert_int_equal(h_draft(d, ref_of(ref, sizeof ref, tag, i), NULL), 0);
	}
}

/* Draft, submit and endorse ref: three events, the last decision.endorsed. */
static void endorse(struct h_daemon *d, const char *ref)
{
	assert_int_equal(h_draft(d, ref, NULL), 0);
	h_change(d, "submit", "ref", ref, NULL);
	h_change(d, "endorse", "ref", ref, NULL);
}

static docket_stream *open_stream(struct h_daemon *d, const char *const *prefixes,
                                  const char *since)
{
	docket_stream *s = NULL;
	int rc = docket_stream_new(&s, d->cmd, d->ev, prefixes, since, H_WAIT_MS);
	if (rc != 0)
		fail_msg("docket_stream_new: %s", docket_strerror(rc));
	return s;
}

/* ---- streams ---- */

static void test_late_subscriber(void **state)
{
	struct h_daemon *d = *state;
	struct evlist seen = {0};

	drafts(d, "L", 0, 30);
	docket_stream *s = open_stream(d, NULL, "1");
	assert_int_equal(docket_stream_position(s), 0);
	/* Published after the subscription and before the log is read: both have these. */
	drafts(d, "L", 30, 40);
	take(s, &seen, log_count(d, NULL, 1));
	drafts(d, "L", 40, 45);
	take(s, &seen, log_count(d, NULL, 1));
	take_sentinel(d, s, &seen, "L/end");
	assert_log(d, &seen, NULL, 1, NULL);
	docket_stream_destroy(&s);
	assert_null(s);
	list_free(&seen);
	H_PASS(d);
}

static void test_resume_after_destroy(void **state)
{
	struct h_daemon *d = *state;
	struct evlist seen = {0};

	drafts(d, "R", 0, 5);
	docket_stream *s = open_stream(d, NULL, "now");
	int64_t start = docket_stream_position(s);
	assert_int_equal(start, log_count(d, NULL, 1));
	drafts(d, "R", 5, 25);
	take(s, &seen, 8);
	int64_t pos = docket_stream_position(s);
	assert_int_equal(pos, seen.v[7].seq);
	docket_stream_destroy(&s);

	/* Gone part-way: what happens meanwhile is the next stream's to give. */
	drafts(d, "R", 25, 40);
	char since[32];
	snprintf(since, sizeof since, "%" PRId64, pos + 1);
	s = open_stream(d, NULL, since);
	assert_int_equal(docket_stream_position(s), pos);
	drafts(d, "R", 40, 45);
	take(s, &seen, log_count(d, NULL, start + 1));
	take_sentinel(d, s, &seen, "R/end");
	assert_log(d, &seen, NULL, start + 1, NULL);
	docket_stream_destroy(&s);
	list_free(&seen);
	H_PASS(d);
}

/* A tiny queue per subscriber: a stream that does not read loses live events, never the log's. */
#define SMALL_QUEUE "[docketd]\nbatch_max = 4\nevent_queue_bytes = 65536\nevent_inline_max = 512\n"

static void test_slow_subscriber(void **state)
{
	struct h_daemon *d = *state;
	struct evlist seen = {0};

	assert_int_equal(h_write_config(d, SMALL_QUEUE), 0);
	assert_int_equal(h_start(d), 0);
	/*
	 * A plain subscriber beside it, not reading either, proves events were
	 * dropped. It comes first: a welcome after the stream's would send the
	 * stream to the log before it met the gap.
	 */
	docket_sub *sub = NULL;
	/* One message per event (a prefix, not the batches): 4,000 of them overflow it. */
	const char *const decisions[] = {"decision.", NULL};
	assert_int_equal(docket_sub_new(&sub, d->ev, decisions, H_WAIT_MS), 0);
	docket_stream *s = open_stream(d, NULL, NULL);
	assert_int_equal(docket_stream_position(s), 0);

	burst(d, "S", 4000);
	/* What reached the plain subscriber: the events queued for it, then nothing more. */
	size_t got = 0;
	docket_msg *ev = NULL;
	while (docket_sub_recv(sub, &ev, 500) == 0) {
		got++;
		docket_msg_destroy(&ev);
	}
	assert_true(got < 4000);

	take(s, &seen, log_count(d, NULL, 1));
	take_sentinel(d, s, &seen, "S/end");
	assert_log(d, &seen, NULL, 1, NULL);
	docket_sub_destroy(&sub);
	docket_stream_destroy(&s);
	list_free(&seen);
	H_PASS(d);
}

static void test_kill9_restart(void **state)
{
	struct h_daemon *d = *state;
	struct evlist seen = {0};

	drafts(d, "K", 0, 3);
	docket_stream *s = open_stream(d, NULL, "now");
	int64_t start = docket_stream_position(s);
	drafts(d, "K", 3, 13);
	take(s, &seen, 4);

	/* Requests in flight as docketd dies: the log alone says which were applied. */
	for (int i = 13; i < 213; i++) {
		char ref[48];
		docket_request *r = h_req("draft", "ref", ref_of(ref, sizeof ref, "K", i), "title",
		                          "T", "text", "t", "justification", "j", "decision_maker",
		                          "pcc", "category", "other", NULL);
		assert_int_equal(docket_client_send(d->client, r, NULL), 0);
		docket_request_destroy(&r);
	}
	h_kill9(d);

	/* docketd away: what had arrived, then no failure, only time passing. */
	docket_msg *ev = NULL;
	int rc;
	while ((rc = docket_stream_recv(s, &ev, 300)) == 0) {
		keep(&seen, ev);
		docket_msg_destroy(&ev);
	}
	assert_int_equal(rc, -DOCKET_ETIMEDOUT);

	assert_int_equal(h_start(d), 0);
	drafts(d, "K", 1000, 1010);
	take(s, &seen, log_count(d, NULL, start + 1));
	take_sentinel(d, s, &seen, "K/end");
	assert_log(d, &seen, NULL, start + 1, NULL);
	docket_stream_destroy(&s);
	list_free(&seen);
	H_PASS(d);
}

/*
 * docketd killed while the stream's query is out: the query is lost with the
 * connection, and the stream asks again as soon as docketd is back, not when
 * it would give the query up (CLIENT_QUERY_LIMIT_MS, 5 s).
 */
static void test_kill9_query_in_flight(void **state)
{
	struct h_daemon *d = *state;
	struct evlist seen = {0};
	docket_msg *ev = NULL;

	drafts(d, "F", 0, 20);
	docket_stream *s = open_stream(d, NULL, "1");
	h_signal(d, SIGSTOP);
	assert_int_equal(docket_stream_recv(s, &ev, 300), -DOCKET_ETIMEDOUT);
	h_kill9(d);
	assert_int_equal(h_start(d), 0);
	double t0 = h_now();
	take(s, &seen, 20);
	assert_true(h_now() - t0 < 4.0);
	take_sentinel(d, s, &seen, "F/end");
	assert_log(d, &seen, NULL, 1, NULL);
	docket_stream_destroy(&s);
	list_free(&seen);
	H_PASS(d);
}

#define SMALL_INLINE "[docketd]\nevent_inline_max = 1024\n"

static void test_head_form(void **state)
{
	struct h_daemon *d = *state;
	struct evlist seen = {0};
	char text[8192];

	assert_int_equal(h_write_config(d, SMALL_INLINE), 0);
	assert_int_equal(h_start(d), 0);
	/* The subscriber first, so that its welcome does not send the stream to the log. */
	docket_sub *sub = NULL;
	assert_int_equal(docket_sub_new(&sub, d->ev, NULL, H_WAIT_MS), 0);
	docket_stream *s = open_stream(d, NULL, NULL);

	memset(text, 'x', sizeof text - 1);
	text[sizeof text - 1] = '\0';
	for (int i = 0; i < 3; i++) {
		char ref[16];
		assert_int_equal(h_draft(d, ref_of(ref, sizeof ref, "small", i), NULL), 0);
		h_change(d, "draft", "ref", ref_of(ref, sizeof ref, "big", i), "title", "T", "text",
		         text, "justification", "j", "decision_maker", "pcc", "category", "other",
		         NULL);
	}
	/* On the wire the big ones are heads: the test is about them. */
	docket_msg *ev = NULL;
	assert_int_equal(docket_sub_recv(sub, &ev, H_WAIT_MS), 0);
	docket_msg_destroy(&ev);
	assert_int_equal(docket_sub_recv(sub, &ev, H_WAIT_MS), 0);
	H_ASSERT_STR(h_str(ev, "ref"), "big/0");
	char *json = NULL;
	assert_int_equal(docket_msg_to_json(ev, DOCKET_JSON_COMPACT, &json), 0);
	H_ASSERT_CONTAINS(json, "\"truncated\":true");
	free(json);
	const char *dummy;
	assert_int_equal(docket_msg_get_str(ev, "data.text", &dummy), -DOCKET_ENOTFOUND);
	docket_msg_destroy(&ev);

	take(s, &seen, 6);
	for (size_t i = 1; i < seen.n; i += 2)
		assert_true(strlen(seen.v[i].json) > sizeof text);
	take_sentinel(d, s, &seen, "end");
	assert_log(d, &seen, NULL, 1, NULL);
	docket_sub_destroy(&sub);
	docket_stream_destroy(&s);
	list_free(&seen);
	H_PASS(d);
}

static void test_prefix_stream(void **state)
{
	struct h_daemon *d = *state;
	struct evlist seen = {0};
	const char *const prefixes[] = {"decision.endorsed", "meeting.", NULL};
	int64_t meeting, item;

	endorse(d, "P/0");
	docket_stream *s = open_stream(d, prefixes, "1");
	take(s, &seen, 1);
	h_meeting_item(d, 86400, &meeting, &item);
	for (int i = 1; i < 6; i++) {
		char ref[16];
		endorse(d, ref_of(ref, sizeof ref, "P", i));
		drafts(d, "Q", i * 10, i * 10 + 3);
	}
	take(s, &seen, log_count(d, prefixes, 1));
	for (size_t i = 0; i < seen.n; i++)
		H_ASSERT_CONTAINS(seen.v[i].json, "\"topic\":\"");
	/* A last endorsement, after events it must pass over, is the next it gives. */
	drafts(d, "Q", 100, 104);
	size_t before = seen.n;
	endorse(d, "P/end");
	take(s, &seen, before + 1);
	H_ASSERT_CONTAINS(seen.v[before].json, "\"ref\":\"P/end\"");
	assert_log(d, &seen, prefixes, 1, NULL);
	docket_stream_destroy(&s);
	list_free(&seen);
	H_PASS(d);
}

static void test_since_time(void **state)
{
	struct h_daemon *d = *state;
	struct evlist seen = {0};
	char first[32], now[32], since[32];

	drafts(d, "T", 0, 5);
	/* The log's times have whole seconds to compare: wait for the clock to pass one. */
	h_utc(first, sizeof first, 0);
	do {
		struct timespec ts = {0, 20 * 1000 * 1000};
		nanosleep(&ts, NULL);
	} while (strcmp(h_utc(now, sizeof now, 0), first) == 0);
	snprintf(since, sizeof since, "%.19sZ", now);
	drafts(d, "T", 5, 12);

	docket_stream *s = open_stream(d, NULL, since);
	take(s, &seen, log_count(d, NULL, 6));
	assert_int_equal(seen.v[0].seq, 6);
	take_sentinel(d, s, &seen, "T/end");
	assert_log(d, &seen, NULL, 1, now);
	docket_stream_destroy(&s);

	/* A time docketd cannot read is its refusal. */
	assert_int_equal(docket_stream_new(&s, d->cmd, d->ev, NULL, "last tuesday", H_WAIT_MS),
	                 -DOCKET_EBADREQ);
	assert_null(s);
	list_free(&seen);
	H_PASS(d);
}

/* ---- docket_sub ---- */

/* docket_sub_recv gives events only: heartbeats and welcomes before an event are passed over. */
static void test_sub_skips_control(void **state)
{
	struct h_daemon *d = *state;
	docket_sub *sub = NULL, *other = NULL;

	assert_int_equal(h_write_config(d, "[docketd]\nheartbeat_ms = 100\n"), 0);
	assert_int_equal(h_start(d), 0);
	/* Every topic, so docket.heartbeat and docket.welcome too. */
	assert_int_equal(docket_sub_new(&sub, d->ev, NULL, H_WAIT_MS), 0);
	/* Another subscriber's welcome reaches the first as well. */
	assert_int_equal(docket_sub_new(&other, d->ev, NULL, H_WAIT_MS), 0);

	/* A raw subscriber counts three heartbeats: the first subscriber has them queued too. */
	void *ctx = zmq_ctx_new(), *raw = zmq_socket(ctx, ZMQ_SUB);
	int zero = 0, beats = 0;
	zmq_setsockopt(raw, ZMQ_LINGER, &zero, sizeof zero);
	zmq_setsockopt(raw, ZMQ_SUBSCRIBE, "docket.heartbeat", 16);
	assert_int_equal(zmq_connect(raw, d->ev), 0);
	double deadline = h_now() + H_WAIT_MS / 1000.0;
	while (beats < 3 && h_now() < deadline) {
		char topic[32];
		zmq_pollitem_t item = {.socket = raw, .events = ZMQ_POLLIN};
		if (zmq_poll(&item, 1, 200) <= 0)
			continue;
		int n = zmq_recv(raw, topic, sizeof topic, 0);
		int more = 0;
		size_t len = sizeof more;
		zmq_getsockopt(raw, ZMQ_RCVMORE, &more, &len);
		while (more) {
			char body[256];
			zmq_recv(raw, body, sizeof body, 0);
			zmq_getsockopt(raw, ZMQ_RCVMORE, &more, &len);
		}
		beats += n == 16 && memcmp(topic, "docket.heartbeat", 16) == 0;
	}
	assert_int_equal(beats, 3);
	zmq_close(raw);
	zmq_ctx_term(ctx);

	docket_msg *m = NULL, *ev = NULL;
	assert_int_equal(h_draft(d, "H/1", &m), 0);
	assert_int_equal(docket_sub_recv(sub, &ev, H_WAIT_MS), 0);
	H_ASSERT_STR(docket_msg_topic(ev), "decision.drafted");
	assert_int_equal(h_int(ev, "seq"), h_int(m, "seq"));
	docket_msg_destroy(&ev);
	docket_msg_destroy(&m);
	docket_sub_destroy(&other);
	docket_sub_destroy(&sub);
	H_PASS(d);
}

/* ---- fast failure ---- */

/* A loopback TCP port nothing listens on now. */
static int free_port(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	close(fd);
	return ntohs(sa.sin_port);
}

/* Call info on endpoint; returns the seconds it took, the code in *rc and the reason. */
static double timed_call(const char *endpoint, int timeout_ms, int *rc, char *reason, size_t size)
{
	docket_client *c = NULL;
	docket_msg *m = NULL;
	docket_request *r = h_req("info", NULL);
	assert_int_equal(docket_client_new(&c, endpoint), 0);
	docket_client_set_timeout(c, timeout_ms);
	double t0 = h_now();
	*rc = docket_client_call(c, r, &m);
	double took = h_now() - t0;
	snprintf(reason, size, "%s", docket_client_reason(c));
	docket_msg_destroy(&m);
	docket_request_destroy(&r);
	docket_client_destroy(&c);
	return took;
}

static void test_fast_failure(void **state)
{
	struct h_daemon *d = *state;
	char reason[64], missing[300];
	int rc;

	/* Commands on TCP this time, so that a stopped docketd leaves a port that refuses. */
	snprintf(d->cmd, sizeof d->cmd, "tcp://127.0.0.1:%d", free_port());
	assert_int_equal(h_start(d), 0);
	h_change(d, "meeting_add", "panel", "P", "starts_at", "2030-01-01T10:00Z", NULL);
	assert_int_equal(h_stop(d, H_WAIT_MS), 0);

	double took = timed_call(d->cmd, 5000, &rc, reason, sizeof reason);
	assert_int_equal(rc, -DOCKET_EUNREACHABLE);
	assert_true(took < 1.0);
	H_ASSERT_STR(reason, "connection refused");

	snprintf(missing, sizeof missing, "ipc://%s/no-such-socket", d->dir);
	took = timed_call(missing, 5000, &rc, reason, sizeof reason);
	assert_int_equal(rc, -DOCKET_EUNREACHABLE);
	assert_true(took < 1.0);
	H_ASSERT_STR(reason, "no such socket file");

	/* The same client, used again, knows at once too; and pipelining fails alike. */
	docket_client *c = NULL;
	docket_request *r = h_req("info", NULL);
	assert_int_equal(docket_client_new(&c, missing), 0);
	for (int i = 0; i < 3; i++) {
		double t0 = h_now();
		assert_int_equal(docket_client_send(c, r, NULL), -DOCKET_EUNREACHABLE);
		assert_true(h_now() - t0 < 1.0);
		H_ASSERT_STR(docket_client_reason(c), "no such socket file");
	}
	docket_request_destroy(&r);
	docket_client_destroy(&c);

	/* Subscribers, streams and cursors fail as fast. */
	docket_sub *sub = NULL;
	docket_stream *s = NULL;
	docket_cursor *cur = NULL;
	double t0 = h_now();
	assert_int_equal(docket_sub_new(&sub, missing, NULL, 5000), -DOCKET_EUNREACHABLE);
	assert_int_equal(docket_stream_new(&s, d->cmd, missing, NULL, NULL, 5000),
	                 -DOCKET_EUNREACHABLE);
	assert_int_equal(docket_cursor_open(&cur, missing, d->ev, "c", NULL, NULL, 5000),
	                 -DOCKET_EUNREACHABLE);
	assert_true(h_now() - t0 < 1.5);
	assert_null(sub);
	assert_null(s);
	assert_null(cur);

	/* A docketd that is there but silent gets the whole timeout. */
	assert_int_equal(h_start(d), 0);
	h_signal(d, SIGSTOP);
	took = timed_call(d->cmd, 300, &rc, reason, sizeof reason);
	assert_int_equal(rc, -DOCKET_EUNREACHABLE);
	assert_true(took >= 0.3);
	H_ASSERT_STR(reason, "no reply within 0.3 s");
	docket_client_set_timeout(d->client, 300);
	docket_msg *m = NULL;
	t0 = h_now();
	assert_int_equal(h_call(d, &m, "info", NULL), -DOCKET_EUNREACHABLE);
	assert_true(h_now() - t0 >= 0.3);
	assert_null(m);
	t0 = h_now();
	assert_int_equal(docket_sub_new(&sub, d->ev, NULL, 300), -DOCKET_EUNREACHABLE);
	assert_true(h_now() - t0 >= 0.3);
	h_signal(d, SIGCONT);
	docket_client_set_timeout(d->client, H_WAIT_MS);
	assert_int_equal(h_call(d, &m, "info", NULL), 0);
	H_ASSERT_STR(docket_client_reason(d->client), "");
	docket_msg_destroy(&m);
	H_PASS(d);
}

/* ---- cursors ---- */

static docket_cursor *open_cursor(struct h_daemon *d, const char *name, const char *const *prefixes,
                                  const char *since)
{
	docket_cursor *c = NULL;
	int rc = docket_cursor_open(&c, d->cmd, d->ev, name, prefixes, since, H_WAIT_MS);
	if (rc != 0)
		fail_msg("docket_cursor_open(%s): %s", name, docket_strerror(rc));
	return c;
}

/* The next event of c within the stall time; *deliveries its count. */
static docket_msg *next_event(docket_cursor *c, int *deliveries)
{
	double stall = h_now() + STALL_S;
	for (;;) {
		docket_msg *ev = NULL;
		int rc = docket_cursor_next(c, &ev, deliveries, 250);
		if (rc == 0)
			return ev;
		assert_int_equal(rc, -DOCKET_ETIMEDOUT);
		if (h_now() > stall)
			fail_msg("the cursor delivered nothing for %.0f s", STALL_S);
	}
}

/* Take want first deliveries from c into seen, acknowledging each. */
static void take_acked(docket_cursor *c, struct evlist *seen, size_t want)
{
	while (seen->n < want) {
		int deliveries = 0;
		docket_msg *ev = next_event(c, &deliveries);
		assert_int_equal(deliveries, 1);
		keep(seen, ev);
		assert_int_equal(docket_cursor_ack(c, seen->v[seen->n - 1].seq), 0);
		docket_msg_destroy(&ev);
	}
}

/* The cursor's map as docketd lists it. */
static int64_t cursor_field(struct h_daemon *d, const char *name, const char *field)
{
	docket_msg *m = NULL;
	char path[96];
	assert_int_equal(h_call(d, &m, "cursors", NULL), 0);
	int64_t v = INT64_MIN;
	/* Listed by name: a map keyed by it, or an array of maps. */
	snprintf(path, sizeof path, "cursors.%s.%s", name, field);
	v = h_int(m, path);
	for (size_t i = 0; v == INT64_MIN && i < docket_msg_count(m, "cursors"); i++) {
		snprintf(path, sizeof path, "cursors.%zu.name", i);
		const char *n = h_str(m, path);
		if (n && strcmp(n, name) == 0) {
			snprintf(path, sizeof path, "cursors.%zu.%s", i, field);
			v = h_int(m, path);
		}
	}
	docket_msg_destroy(&m);
	return v;
}

static void test_cursor_ack(void **state)
{
	struct h_daemon *d = *state;
	struct evlist seen = {0};
	const char *const prefixes[] = {"decision.", NULL};
	int64_t meeting, item;

	drafts(d, "C", 0, 4);
	h_meeting_item(d, 86400, &meeting, &item);
	docket_cursor *c = open_cursor(d, "acks", prefixes, "1");
	take_acked(c, &seen, log_count(d, prefixes, 1));
	drafts(d, "C", 4, 9);
	take_acked(c, &seen, log_count(d, prefixes, 1));
	assert_log(d, &seen, prefixes, 1, NULL);
	assert_int_equal(cursor_field(d, "acks", "pending"), 0);
	assert_int_equal(cursor_field(d, "acks", "acked"), seen.v[seen.n - 1].seq);
	docket_cursor_destroy(&c);
	assert_null(c);
	list_free(&seen);
	H_PASS(d);
}

static void test_cursor_nak_park(void **state)
{
	struct h_daemon *d = *state;
	struct evlist seen = {0};
	int deliveries = 0;

	drafts(d, "N", 0, 2);
	docket_cursor *c = open_cursor(d, "naks", NULL, NULL);
	int64_t start = log_count(d, NULL, 1);

	drafts(d, "N", 2, 3);
	docket_msg *ev = next_event(c, &deliveries);
	assert_int_equal(deliveries, 1);
	keep(&seen, ev);
	int64_t a = seen.v[0].seq;
	docket_msg_destroy(&ev);
	assert_int_equal(docket_cursor_nak(c, a, 0), 0);
	ev = next_event(c, &deliveries);
	assert_int_equal(h_int(ev, "seq"), a);
	assert_int_equal(deliveries, 2);
	docket_msg_destroy(&ev);
	assert_int_equal(docket_cursor_ack(c, a), 0);

	drafts(d, "N", 3, 4);
	ev = next_event(c, &deliveries);
	assert_int_equal(deliveries, 1);
	keep(&seen, ev);
	int64_t b = seen.v[1].seq;
	docket_msg_destroy(&ev);
	assert_int_equal(docket_cursor_park(c, b, "no such recipient"), 0);
	docket_msg *m = NULL;
	char cur[] = "naks";
	assert_int_equal(h_call(d, &m, "parked", "cursor", cur, NULL), 0);
	assert_int_equal(h_int(m, "parked.0.seq"), b);
	H_ASSERT_STR(h_str(m, "parked.0.reason"), "no such recipient");
	docket_msg_destroy(&m);
	/* Settled twice is refused: neither is pending now. */
	assert_int_equal(docket_cursor_nak(c, b, 0), -DOCKET_EPRECONDITION);

	drafts(d, "N", 4, 5);
	take_acked(c, &seen, 3);
	assert_log(d, &seen, NULL, start + 1, NULL);
	docket_cursor_destroy(&c);
	list_free(&seen);
	H_PASS(d);
}

static void test_cursor_restart(void **state)
{
	struct h_daemon *d = *state;
	struct evlist seen = {0};
	const char *const prefixes[] = {"decision.", NULL};
	const char *const others[] = {"meeting.", NULL};

	drafts(d, "X", 0, 5);
	docket_cursor *c = open_cursor(d, "restarts", prefixes, "1");
	take_acked(c, &seen, 5);
	h_kill9(d);
	docket_msg *ev = NULL;
	assert_int_equal(docket_cursor_next(c, &ev, NULL, 300), -DOCKET_ETIMEDOUT);
	assert_int_equal(h_start(d), 0);
	drafts(d, "X", 5, 10);
	take_acked(c, &seen, 10);
	assert_log(d, &seen, prefixes, 1, NULL);

	/* Opened again by name: the same cursor, where it was; other topics are refused. */
	docket_cursor *again = open_cursor(d, "restarts", prefixes, "1");
	drafts(d, "X", 10, 11);
	take_acked(again, &seen, 11);
	assert_log(d, &seen, prefixes, 1, NULL);
	docket_cursor *other = NULL;
	assert_int_equal(
	    docket_cursor_open(&other, d->cmd, d->ev, "restarts", others, NULL, H_WAIT_MS),
	    -DOCKET_ECONFLICT);
	assert_null(other);
	docket_cursor_destroy(&again);
	docket_cursor_destroy(&c);
	list_free(&seen);
	H_PASS(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_sub_skips_control, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_fast_failure, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_late_subscriber, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_resume_after_destroy, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_slow_subscriber, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_kill9_restart, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_kill9_query_in_flight, h_setup_started,
	                                    h_teardown),
	    cmocka_unit_test_setup_teardown(test_head_form, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_prefix_stream, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_since_time, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_cursor_ack, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_cursor_nak_park, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_cursor_restart, h_setup_started, h_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
