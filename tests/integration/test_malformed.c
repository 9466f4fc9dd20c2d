/*
 * Bytes libdocket would never send, from a raw DEALER: each gets an error
 * reply, and docketd goes on serving the same and new connections.
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

#define MAX_FRAMES 4

struct bad {
	const char *name;
	int nframes;
	const char *frame[MAX_FRAMES];
	size_t len[MAX_FRAMES];
	const char *codes; /* accepted error codes, space separated */
	bool id_nil;       /* the id could not be read: it comes back nil */
};

/* One frame given as a string literal: its bytes and length (NULs included). */
#define ONE(s)                                                                                     \
	1, {s},                                                                                    \
	{                                                                                          \
		sizeof(s) - 1                                                                      \
	}

/* A valid request, as the payload of the framing cases: {"v": 1, "op": "get", "ref": "X"}. */
#define GET "\x83\xa1v\x01\xa2op\xa3get\xa3ref\xa1X"
#define GET_LEN (sizeof(GET) - 1)

static const struct bad cases[] = {
    {"garbage text", ONE("this is not msgpack"), "bad_request", true},
    {"0xc1, the never-used byte", ONE("\xc1"), "bad_request", true},
    {"truncated map", ONE("\x82\xa1v\x01\xa2op"), "bad_request", true},
    {"map32 of 2^32-1 entries", ONE("\xdf\xff\xff\xff\xff"), "bad_request too_large", true},
    {"str32 of 2^32-1 bytes", ONE("\x81\xdb\xff\xff\xff\xff"), "bad_request too_large", true},
    {"array as the top value", ONE("\x92\x01\xa3get"), "bad_request", true},
    {"nil as the top value", ONE("\xc0"), "bad_request", true},
    {"empty frame", ONE(""), "bad_request", true},
    {"a byte after the map", ONE(GET "\x00"), "bad_request", true},
    {"two maps", ONE(GET GET), "bad_request", true},
    {"nesting deeper than 8", ONE("\x81\xa1x\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x01"),
     "too_large", true},
    {"integer key", ONE("\x83\x01\x01\xa1v\x01\xa2op\xa3get"), "bad_request", false},
    {"duplicate key", ONE("\x84\xa1v\x01\xa2op\xa3get\xa3ref\xa1X\xa3ref\xa1Y"), "bad_request",
     false},
    {"ref not UTF-8", ONE("\x83\xa1v\x01\xa2op\xa3get\xa3ref\xa2\xff\xfe"), "bad_request", false},
    {"three frames", 3, {"", GET, "extra"}, {0, GET_LEN, 5}, "bad_request", true},
    {"four frames", 4, {"", GET, "a", "b"}, {0, GET_LEN, 1, 1}, "bad_request", true},
    {"non-empty delimiter", 2, {"x", GET}, {1, GET_LEN}, "bad_request", true},
    {"empty delimiter, empty payload", 2, {"", ""}, {0, 0}, "bad_request", true},
};

static bool listed(const char *codes, const char *code)
{
	size_t n = strlen(code);
	for (const char *p = codes; *p;) {
		size_t len = strcspn(p, " ");
		if (n && len == n && !memcmp(p, code, n))
			return true;
		p += len + (p[len] == ' ');
	}
	return false;
}

/* A valid request on r must succeed. */
static void assert_serves(struct h_raw *r, int64_t id)
{
	char req[64];
	/* {"v": 1, "op": "meetings", "id": id} */
	int n = snprintf(req, sizeof req, "\x83\xa1v\x01\xa2op\xa8meetings\xa2id");
	req[n++] = (char)0xcf; /* uint64 */
	for (int i = 7; i >= 0; i--)
		req[n++] = (char)((uint64_t)id >> (8 * i));
	assert_int_equal(h_raw_send1(r, req, (size_t)n), 0);
	char *buf;
	size_t len;
	int frames;
	assert_int_equal(h_raw_recv(r, H_WAIT_MS, &buf, &len, &frames), 0);
	struct h_raw_reply rr;
	assert_int_equal(h_raw_parse(buf, len, &rr), 0);
	free(buf);
	assert_true(rr.valid);
	if (!rr.ok)
		fail_msg("a valid request was refused: %s: %s", rr.code, rr.message);
	assert_int_equal(rr.id, id);
}

static void test_malformed_requests(void **state)
{
	struct h_daemon *d = *state;
	struct h_raw r;
	assert_int_equal(h_raw_open(&r, d->cmd), 0);

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct bad *c = &cases[i];
		assert_int_equal(h_raw_send(&r, c->nframes, (const void *const *)c->frame, c->len),
		                 0);
		char *buf;
		size_t len;
		int frames;
		if (h_raw_recv(&r, H_WAIT_MS, &buf, &len, &frames) != 0)
			fail_msg("%s: no reply", c->name);
		struct h_raw_reply rr;
		if (h_raw_parse(buf, len, &rr) != 0 || !rr.valid)
			fail_msg("%s: the reply is not a protocol reply", c->name);
		free(buf);
		if (rr.ok)
			fail_msg("%s: accepted", c->name);
		if (!listed(c->codes, rr.code))
			fail_msg("%s: code '%s', expected %s (%s)", c->name, rr.code, c->codes,
			         rr.message);
		if (c->id_nil && !rr.id_nil)
			fail_msg("%s: id is not nil", c->name);
		assert_true(strlen(rr.message) > 0);
		/* A request sent with a delimiter is answered with one. */
		assert_int_equal(frames, c->nframes > 1 ? 2 : 1);
	}

	/* The same connection, a fresh one and the library's are all served. */
	assert_serves(&r, 1001);
	h_raw_close(&r);
	assert_int_equal(h_raw_open(&r, d->cmd), 0);
	assert_serves(&r, 1002);
	h_raw_close(&r);
	docket_msg *m = NULL;
	assert_int_equal(h_draft(d, "after-garbage", &m), 0);
	assert_int_equal(h_int(m, "seq"), 1); /* no refusal took a seq */
	docket_msg_destroy(&m);
	assert_true(h_alive(d));
	H_PASS(d);
}

/* A refusal still echoes the id when it can be read. */
static void test_id_echoed(void **state)
{
	struct h_daemon *d = *state;
	struct h_raw r;
	/* {"v": 1, "op": "nope", "id": 42} and {"v": 1, "id": "abc", "op": 7} */
	static const char unknown[] = "\x83\xa1v\x01\xa2op\xa4nope\xa2id\x2a";
	static const char badop[] = "\x83\xa1v\x01\xa2id\xa3"
	                            "abc\xa2op\x07";
	char *buf;
	size_t len;
	int frames;
	struct h_raw_reply rr;

	assert_int_equal(h_raw_open(&r, d->cmd), 0);
	assert_int_equal(h_raw_send1(&r, unknown, sizeof unknown - 1), 0);
	assert_int_equal(h_raw_recv(&r, H_WAIT_MS, &buf, &len, &frames), 0);
	assert_int_equal(h_raw_parse(buf, len, &rr), 0);
	free(buf);
	assert_true(rr.valid);
	assert_false(rr.ok);
	assert_string_equal(rr.code, "unknown_op");
	assert_int_equal(rr.id, 42);

	assert_int_equal(h_raw_send1(&r, badop, sizeof badop - 1), 0);
	assert_int_equal(h_raw_recv(&r, H_WAIT_MS, &buf, &len, &frames), 0);
	assert_int_equal(h_raw_parse(buf, len, &rr), 0);
	free(buf);
	assert_true(rr.valid);
	assert_false(rr.ok);
	assert_true(listed("bad_request unknown_op", rr.code));
	assert_false(rr.id_nil);
	h_raw_close(&r);
	H_PASS(d);
}

/* A REQ socket puts an empty delimiter in front: the reply comes back through it. */
static void test_req_socket(void **state)
{
	struct h_daemon *d = *state;
	void *ctx = zmq_ctx_new(), *req = zmq_socket(ctx, ZMQ_REQ);
	int zero = 0, timeout = H_WAIT_MS;
	zmq_setsockopt(req, ZMQ_LINGER, &zero, sizeof zero);
	zmq_setsockopt(req, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
	assert_int_equal(zmq_connect(req, d->cmd), 0);
	assert_int_equal(zmq_send(req, GET, GET_LEN, 0), (int)GET_LEN);
	char buf[4096];
	int n = zmq_recv(req, buf, sizeof buf, 0);
	assert_true(n > 0);
	struct h_raw_reply rr;
	assert_int_equal(h_raw_parse(buf, (size_t)n, &rr), 0);
	assert_true(rr.valid);
	assert_false(rr.ok);
	assert_string_equal(rr.code, "not_found");
	zmq_close(req);
	zmq_ctx_term(ctx);
	H_PASS(d);
}

/* A frame over ZMQ_MAXMSGSIZE costs its connection, not docketd. */
static void test_oversized_frame(void **state)
{
	struct h_daemon *d = *state;
	struct h_raw r;
	size_t big = 5 * 1024 * 1024;
	char *buf = calloc(1, big);
	assert_non_null(buf);
	assert_int_equal(h_raw_open(&r, d->cmd), 0);
	assert_int_equal(h_raw_send1(&r, buf, big), 0);
	free(buf);
	h_raw_close(&r);
	assert_int_equal(h_raw_open(&r, d->cmd), 0);
	assert_serves(&r, 7);
	h_raw_close(&r);
	assert_true(h_alive(d));
	H_PASS(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_malformed_requests, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_id_echoed, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_req_socket, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_oversized_frame, h_setup_started, h_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
