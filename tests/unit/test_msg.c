/* Unit tests of libdocket's decoding side: msg_decode, path accessors, JSON, request packing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "libdocket.h"

static void pack_str(msgpack_packer *pk, const char *s)
{
	msgpack_pack_str_with_body(pk, s, strlen(s));
}

/* A success reply to a draft, with nils, an array and nested maps. */
static void pack_reply(msgpack_sbuffer *sb)
{
	msgpack_packer pk;
	msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 6);
	pack_str(&pk, "v");
	msgpack_pack_int(&pk, 1);
	pack_str(&pk, "id");
	msgpack_pack_uint64(&pk, 7);
	pack_str(&pk, "ok");
	msgpack_pack_true(&pk);
	pack_str(&pk, "decision");
	msgpack_pack_map(&pk, 5);
	pack_str(&pk, "ref");
	pack_str(&pk, "35 - 2015");
	pack_str(&pk, "state");
	pack_str(&pk, "draft");
	pack_str(&pk, "version");
	msgpack_pack_int(&pk, 1);
	pack_str(&pk, "cost_pence");
	msgpack_pack_int64(&pk, 180000000);
	pack_str(&pk, "cost_text");
	msgpack_pack_nil(&pk);
	pack_str(&pk, "decisions");
	msgpack_pack_array(&pk, 2);
	msgpack_pack_map(&pk, 1);
	pack_str(&pk, "ref");
	pack_str(&pk, "A");
	msgpack_pack_map(&pk, 1);
	pack_str(&pk, "ref");
	pack_str(&pk, "B");
	pack_str(&pk, "seq");
	msgpack_pack_int(&pk, 42);
}

static docket_msg *decode_packed(void (*pack)(msgpack_sbuffer *))
{
	msgpack_sbuffer sb;
	docket_msg *m = NULL;
	msgpack_sbuffer_init(&sb);
	pack(&sb);
	assert_int_equal(msg_decode(sb.data, sb.size, &m), 0);
	msgpack_sbuffer_destroy(&sb);
	assert_non_null(m);
	return m;
}

static void test_accessors(void **state)
{
	(void)state;
	docket_msg *m = decode_packed(pack_reply);
	const char *s = NULL;
	int64_t i = 0;

	assert_int_equal(docket_msg_ok(m), 1);
	assert_null(docket_msg_error_code(m));
	assert_null(docket_msg_error_message(m));
	assert_null(docket_msg_topic(m));

	assert_int_equal(docket_msg_get_str(m, "decision.ref", &s), 0);
	assert_string_equal(s, "35 - 2015");
	assert_int_equal(docket_msg_get_str(m, "decisions.1.ref", &s), 0);
	assert_string_equal(s, "B");
	assert_int_equal(docket_msg_get_int(m, "seq", &i), 0);
	assert_int_equal(i, 42);
	assert_int_equal(docket_msg_get_int(m, "decision.cost_pence", &i), 0);
	assert_int_equal(i, 180000000);
	assert_int_equal(docket_msg_get_int(m, "id", &i), 0);
	assert_int_equal(i, 7);

	/* nil and missing paths are not found; other types are EINVAL. */
	assert_int_equal(docket_msg_get_str(m, "decision.cost_text", &s), -DOCKET_ENOTFOUND);
	assert_int_equal(docket_msg_get_str(m, "decision.nope", &s), -DOCKET_ENOTFOUND);
	assert_int_equal(docket_msg_get_str(m, "decisions.2.ref", &s), -DOCKET_ENOTFOUND);
	assert_int_equal(docket_msg_get_str(m, "decisions.-1.ref", &s), -DOCKET_ENOTFOUND);
	assert_int_equal(docket_msg_get_str(m, "decision..ref", &s), -DOCKET_ENOTFOUND);
	assert_int_equal(docket_msg_get_str(m, "decision.ref.", &s), -DOCKET_ENOTFOUND);
	assert_int_equal(docket_msg_get_str(m, "seq.x", &s), -DOCKET_ENOTFOUND);
	assert_int_equal(docket_msg_get_str(m, "seq", &s), -DOCKET_EINVAL);
	assert_int_equal(docket_msg_get_int(m, "decision.ref", &i), -DOCKET_EINVAL);
	assert_int_equal(docket_msg_get_int(m, "decision", &i), -DOCKET_EINVAL);
	assert_int_equal(docket_msg_get_str(NULL, "seq", &s), -DOCKET_ENOTFOUND);

	assert_int_equal(docket_msg_count(m, "decisions"), 2);
	assert_int_equal(docket_msg_count(m, "decision"), 5);
	assert_int_equal(docket_msg_count(m, ""), 6);
	assert_int_equal(docket_msg_count(m, "seq"), 0);
	assert_int_equal(docket_msg_count(m, "missing"), 0);

	docket_msg_destroy(&m);
	assert_null(m);
	docket_msg_destroy(&m);
	docket_msg_destroy(NULL);
}

static void pack_refusal(msgpack_sbuffer *sb)
{
	msgpack_packer pk;
	msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 4);
	pack_str(&pk, "v");
	msgpack_pack_int(&pk, 1);
	pack_str(&pk, "id");
	msgpack_pack_nil(&pk);
	pack_str(&pk, "ok");
	msgpack_pack_false(&pk);
	pack_str(&pk, "error");
	msgpack_pack_map(&pk, 2);
	pack_str(&pk, "code");
	pack_str(&pk, "invalid_transition");
	pack_str(&pk, "message");
	pack_str(&pk, "decision 35 - 2015 is endorsed: submit is not allowed");
}

static void test_refusal(void **state)
{
	(void)state;
	docket_msg *m = decode_packed(pack_refusal);
	const char *code = docket_msg_error_code(m);

	assert_int_equal(docket_msg_ok(m), 0);
	assert_non_null(code);
	assert_string_equal(code, "invalid_transition");
	assert_string_equal(docket_msg_error_message(m),
	                    "decision 35 - 2015 is endorsed: submit is not allowed");
	assert_int_equal(docket_error_from_name(code, (unsigned)strlen(code)), -DOCKET_ETRANSITION);
	/* The error of an event is never read, even if it looks like a refusal. */
	assert_int_equal(msg_set_topic(m, "decision.endorsed", 17), 0);
	assert_null(docket_msg_error_code(m));
	assert_string_equal(docket_msg_topic(m), "decision.endorsed");
	docket_msg_destroy(&m);
}

static char *json_of(const unsigned char *bytes, size_t len, int flags)
{
	docket_msg *m = NULL;
	char *text = NULL;
	assert_int_equal(msg_decode(bytes, len, &m), 0);
	assert_int_equal(docket_msg_to_json(m, flags, &text), 0);
	docket_msg_destroy(&m);
	return text;
}

static void test_json(void **state)
{
	(void)state;
	char *text;

	text = json_of((const unsigned char *)"\x83\xa1v\x01\xa2ok\xc3\xa3seq\xc0", 13,
	               DOCKET_JSON_COMPACT);
	assert_string_equal(text, "{\"v\":1,\"ok\":true,\"seq\":null}");
	free(text);

	/* bin as base64; invalid UTF-8 replaced by U+FFFD; embedded NUL kept; float; negative. */
	static const unsigned char mixed[] = {
	    0x95,                                     /* array of 5 */
	    0xc4, 0x04, 'd',  'o', 'c', 'k',          /* bin "dock" */
	    0xa3, 'a',  0xff, 'b',                    /* str with an invalid byte */
	    0xa3, 'a',  0x00, 'b',                    /* str with a NUL */
	    0xcb, 0x3f, 0xf8, 0,   0,   0,   0, 0, 0, /* 1.5 */
	    0xd0, 0x85,                               /* -123 */
	};
	text = json_of(mixed, sizeof mixed, DOCKET_JSON_COMPACT);
	assert_string_equal(text, "[\"ZG9jaw==\",\"a\xef\xbf\xbd"
	                          "b\",\"a\\u0000b\",1.5,-123]");
	free(text);

	/* Keys that are not strings become their JSON text; uint64 beyond int64 a string. */
	static const unsigned char keys[] = {
	    0x83, 0x05, 0xa1, 'x', /* 5: "x" */
	    0xc3, 0x90,            /* true: [] */
	    0xa1, 'u',  0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};
	text = json_of(keys, sizeof keys, DOCKET_JSON_COMPACT);
	assert_string_equal(text, "{\"5\":\"x\",\"true\":[],\"u\":\"18446744073709551615\"}");
	free(text);

	text = json_of((const unsigned char *)"\x81\xa1k\x01", 4, DOCKET_JSON_PRETTY);
	assert_string_equal(text, "{\n  \"k\": 1\n}");
	free(text);

	/* An event is wrapped with its topic. */
	docket_msg *m = NULL;
	assert_int_equal(msg_decode("\x81\xa3seq\x09", 6, &m), 0);
	assert_int_equal(msg_set_topic(m, "decision.drafted", 16), 0);
	assert_int_equal(docket_msg_to_json(m, DOCKET_JSON_COMPACT, &text), 0);
	assert_string_equal(text, "{\"topic\":\"decision.drafted\",\"event\":{\"seq\":9}}");
	free(text);
	assert_int_equal(docket_msg_to_json(m, DOCKET_JSON_COMPACT, NULL), -DOCKET_EINVAL);
	docket_msg_destroy(&m);
}

static void test_truncated(void **state)
{
	(void)state;
	msgpack_sbuffer sb;
	msgpack_sbuffer_init(&sb);
	pack_reply(&sb);

	/* Every strict prefix is an incomplete value and must be refused cleanly. */
	for (size_t n = 0; n < sb.size; n++) {
		docket_msg *m = (docket_msg *)&sb; /* must be cleared on failure */
		char *copy = malloc(n ? n : 1);
		memcpy(copy, sb.data, n);
		assert_int_equal(msg_decode(copy, n, &m), -DOCKET_EPROTO);
		assert_null(m);
		free(copy);
	}
	/* Trailing bytes after the value are refused too. */
	char *longer = malloc(sb.size + 1);
	memcpy(longer, sb.data, sb.size);
	longer[sb.size] = '\xc0';
	docket_msg *m = NULL;
	assert_int_equal(msg_decode(longer, sb.size + 1, &m), -DOCKET_EPROTO);
	assert_null(m);
	free(longer);
	msgpack_sbuffer_destroy(&sb);
}

static void test_malformed(void **state)
{
	(void)state;
	docket_msg *m = NULL;
	static const struct {
		const char *bytes;
		size_t len;
	} bad[] = {
	    {"\xc1", 1},                      /* reserved byte */
	    {"\xdb\xff\xff\xff\xff", 5},      /* str32 declaring 4 GiB */
	    {"\xdd\xff\xff\xff\xff", 5},      /* array32 declaring 4 billion */
	    {"\xdf\x00\x00\x00\x02\xa1k", 7}, /* map declaring two pairs, half of one */
	    {"\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\xc0",
	     18}, /* depth 17, past codec_reply_limits */
	    {"\xde\x04\x01", 3}, /* map16 of 1025 pairs in one byte */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(msg_decode(bad[i].bytes, bad[i].len, &m), -DOCKET_EPROTO);
		assert_null(m);
	}
	assert_int_equal(msg_decode(NULL, 0, &m), -DOCKET_EPROTO);

	/* Depth 16 is the limit for replies and passes. */
	assert_int_equal(msg_decode("\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\xc0",
				    16, &m),
			 0);
	assert_int_equal(docket_msg_count(m, "0.0.0.0.0.0"), 1);
	docket_msg_destroy(&m);

	/* Random bytes: whatever the outcome, no crash and no leak (ASan checks). */
	uint32_t seed = 12345;
	unsigned char buf[64];
	for (int round = 0; round < 20000; round++) {
		size_t len = 1 + round % sizeof buf;
		for (size_t k = 0; k < len; k++) {
			seed = seed * 1103515245 + 12345;
			buf[k] = (unsigned char)(seed >> 16);
		}
		if (msg_decode(buf, len, &m) == 0) {
			char *text = NULL;
			const char *s;
			assert_int_equal(docket_msg_to_json(m, DOCKET_JSON_COMPACT, &text), 0);
			free(text);
			docket_msg_get_str(m, "0.a", &s);
			docket_msg_destroy(&m);
		}
		assert_null(m);
	}
}

static void test_topic(void **state)
{
	(void)state;
	docket_msg *m = NULL;
	assert_int_equal(msg_decode("\x80", 1, &m), 0);
	assert_int_equal(msg_set_topic(m, "a\0b", 3), -DOCKET_EPROTO);
	assert_int_equal(msg_set_topic(m, "", 0), -DOCKET_EPROTO);
	assert_null(docket_msg_topic(m));
	docket_msg_destroy(&m);
}

static void test_request(void **state)
{
	(void)state;
	docket_request *r = NULL;
	msgpack_sbuffer sb;
	docket_msg *m = NULL;
	const char *s;
	int64_t i;

	assert_int_equal(docket_request_new(&r, ""), -DOCKET_EINVAL);
	assert_null(r);
	assert_int_equal(docket_request_new(&r, NULL), -DOCKET_EINVAL);
	assert_int_equal(docket_request_new(&r, "draft"), 0);
	assert_int_equal(docket_request_set_str(r, "v", "2"), -DOCKET_EINVAL);
	assert_int_equal(docket_request_set_int(r, "op", 1), -DOCKET_EINVAL);
	assert_int_equal(docket_request_set_int(r, "id", 1), -DOCKET_EINVAL);
	assert_int_equal(docket_request_set_str(r, "", "x"), -DOCKET_EINVAL);
	assert_int_equal(docket_request_set_str(r, "ref", NULL), -DOCKET_EINVAL);
	assert_int_equal(docket_request_set_str(r, "ref", "old"), 0);
	assert_int_equal(docket_request_set_int(r, "cost_pence", -5), 0);
	assert_int_equal(docket_request_set_str(r, "ref", "35 - 2015"), 0);
	assert_int_equal(docket_request_set_int(r, "cost_pence", 180000000), 0);

	msgpack_sbuffer_init(&sb);
	assert_int_equal(request_pack(r, UINT64_MAX, &sb), 0);
	assert_int_equal(msg_decode(sb.data, sb.size, &m), 0);
	assert_int_equal(docket_msg_count(m, ""), 5);
	assert_int_equal(docket_msg_get_int(m, "v", &i), 0);
	assert_int_equal(i, 1);
	assert_int_equal(docket_msg_get_str(m, "op", &s), 0);
	assert_string_equal(s, "draft");
	assert_int_equal(docket_msg_get_str(m, "ref", &s), 0);
	assert_string_equal(s, "35 - 2015");
	assert_int_equal(docket_msg_get_int(m, "cost_pence", &i), 0);
	assert_int_equal(i, 180000000);
	/* The id is a uint64 beyond int64: readable only as JSON. */
	assert_int_equal(docket_msg_get_int(m, "id", &i), -DOCKET_EINVAL);
	docket_msg_destroy(&m);
	msgpack_sbuffer_destroy(&sb);

	docket_request_destroy(&r);
	assert_null(r);
	docket_request_destroy(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accessors), cmocka_unit_test(test_refusal),
	    cmocka_unit_test(test_json),      cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_malformed), cmocka_unit_test(test_topic),
	    cmocka_unit_test(test_request),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
