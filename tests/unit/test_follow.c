/* Unit tests of what the stream and the cursor share: start, prefixes, events from pages. */
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

/* An events page of two events, the second with nested data, and a map that is no event. */
static docket_msg *page(void)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	docket_msg *m = NULL;

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 2);
	pack_str(&pk, "events");
	msgpack_pack_array(&pk, 3);
	msgpack_pack_map(&pk, 2);
	pack_str(&pk, "seq");
	msgpack_pack_int(&pk, 7);
	pack_str(&pk, "type");
	pack_str(&pk, "meeting.created");
	msgpack_pack_map(&pk, 4);
	pack_str(&pk, "seq");
	msgpack_pack_int(&pk, 8);
	pack_str(&pk, "type");
	pack_str(&pk, "decision.drafted");
	pack_str(&pk, "ref");
	pack_str(&pk, "35 - 2015");
	pack_str(&pk, "data");
	msgpack_pack_map(&pk, 3);
	pack_str(&pk, "title");
	pack_str(&pk, "Body worn cameras");
	pack_str(&pk, "cost_text");
	msgpack_pack_nil(&pk);
	pack_str(&pk, "refs");
	msgpack_pack_array(&pk, 2);
	pack_str(&pk, "A");
	msgpack_pack_bin_with_body(&pk, "\0b", 2);
	msgpack_pack_map(&pk, 1);
	pack_str(&pk, "seq");
	msgpack_pack_int(&pk, 9);
	pack_str(&pk, "last_seq");
	msgpack_pack_int(&pk, 9);
	assert_int_equal(msg_decode(sb.data, sb.size, &m), 0);
	msgpack_sbuffer_destroy(&sb);
	return m;
}

static char *json_of(const docket_msg *m)
{
	char *out = NULL;
	assert_int_equal(docket_msg_to_json(m, DOCKET_JSON_COMPACT, &out), 0);
	return out;
}

static void test_event_copied_whole(void **state)
{
	(void)state;
	docket_msg *p = page(), *ev = NULL;
	const struct msg_node *events = msg_find(p, "events");

	assert_int_equal(msg_event(&events->u.kids[1], &ev), 0);
	assert_string_equal(docket_msg_topic(ev), "decision.drafted");
	char *json = json_of(ev);
	assert_string_equal(json, "{\"topic\":\"decision.drafted\",\"event\":{\"seq\":8,\"type\":"
	                          "\"decision.drafted\",\"ref\":\"35 - 2015\",\"data\":{\"title\":"
	                          "\"Body worn cameras\",\"cost_text\":null,\"refs\":[\"A\","
	                          "\"AGI=\"]}}}");
	free(json);
	/* The copy stands alone: the page can go first. */
	docket_msg_destroy(&p);
	const char *title = NULL;
	assert_int_equal(docket_msg_get_str(ev, "data.title", &title), 0);
	assert_string_equal(title, "Body worn cameras");
	assert_int_equal(msg_node_int(ev->root, "seq"), 8);
	assert_int_equal(msg_node_int(ev->root, "ref"), -1);
	assert_int_equal(msg_node_int(ev->root, "absent"), -1);
	docket_msg_destroy(&ev);
}

static void test_event_needs_a_type(void **state)
{
	(void)state;
	docket_msg *p = page(), *ev = NULL;
	const struct msg_node *events = msg_find(p, "events");

	assert_int_equal(msg_event(&events->u.kids[2], &ev), -DOCKET_EPROTO);
	assert_null(ev);
	/* Not a map at all. */
	assert_int_equal(msg_event(msg_find(p, "last_seq"), &ev), -DOCKET_EPROTO);
	assert_int_equal(msg_event(NULL, &ev), -DOCKET_EPROTO);
	assert_int_equal(msg_event(&events->u.kids[0], &ev), 0);
	assert_string_equal(docket_msg_topic(ev), "meeting.created");
	docket_msg_destroy(&ev);
	docket_msg_destroy(&p);
}

static void test_since(void **state)
{
	(void)state;
	char kind = 0;
	int64_t seq = -1;

	assert_int_equal(since_parse(NULL, &kind, &seq), 0);
	assert_int_equal(kind, 'n');
	assert_int_equal(since_parse("now", &kind, &seq), 0);
	assert_int_equal(kind, 'n');
	assert_int_equal(since_parse("0", &kind, &seq), 0);
	assert_int_equal(kind, 's');
	assert_int_equal(seq, 0);
	assert_int_equal(since_parse("123456789012345678", &kind, &seq), 0);
	assert_int_equal(seq, 123456789012345678);
	/* Past int64_t's reach, and nothing at all, are no start. */
	assert_int_equal(since_parse("1234567890123456789", &kind, &seq), -DOCKET_EINVAL);
	assert_int_equal(since_parse("", &kind, &seq), -DOCKET_EINVAL);
	/* Anything else is a time, for docketd to read or refuse. */
	assert_int_equal(since_parse("2026-12-01T09:00Z", &kind, &seq), 0);
	assert_int_equal(kind, 't');
	assert_int_equal(since_parse("12x", &kind, &seq), 0);
	assert_int_equal(kind, 't');
}

static void test_prefixes(void **state)
{
	(void)state;
	char **p = (char **)1;

	assert_int_equal(prefixes_copy(NULL, &p), 0);
	assert_null(p);
	assert_int_equal(prefixes_copy((const char *const[]){NULL}, &p), 0);
	assert_null(p);
	/* "" lets every event in, whatever else is listed. */
	assert_int_equal(prefixes_copy((const char *const[]){"decision.", "", NULL}, &p), 0);
	assert_null(p);
	assert_int_equal(prefixes_copy((const char *const[]){"decision.", "meeting.", NULL}, &p),
	                 0);
	assert_non_null(p);
	assert_string_equal(p[0], "decision.");
	assert_string_equal(p[1], "meeting.");
	assert_null(p[2]);
	prefixes_free(p);
	prefixes_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_event_copied_whole),
	    cmocka_unit_test(test_event_needs_a_type),
	    cmocka_unit_test(test_since),
	    cmocka_unit_test(test_prefixes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
