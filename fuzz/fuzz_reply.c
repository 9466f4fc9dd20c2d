/*
 * Harness for libdocket's reply and event decoder: msg_decode on a frame
 * from docketd, then what the library and its callers do with the message:
 * the path accessors, the JSON form (which must read back as JSON), and the
 * events of a batch or of a page copied out with msg_event.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fuzz.h"
#include "libdocket.h"

/* Events of one message copied out at most: enough to reach every shape, and quick. */
#define EVENTS_MAX 64

/* Paths the library and the CLI read in replies and events. */
/* clang-format off */
static const char *const paths[] = {
	"", "v", "ok", "id", "error", "error.code", "error.message", "type", "seq", "data.ref",
	"events", "events.0", "events.0.seq", "events.1.type", "more", "last_seq", "next",
	"cursors", "deliveries.0", "decision.ref", "decisions.1.ref", "truncated",
	"0", "0.0", "-1", "18446744073709551615", "a..b", ".",
};
/* clang-format on */

static volatile size_t sink;

/* The JSON form must be text jansson reads back. */
static void check_json(const docket_msg *m)
{
	for (int flags = DOCKET_JSON_COMPACT; flags <= DOCKET_JSON_PRETTY; flags++) {
		char *text = NULL;
		int rc = docket_msg_to_json(m, flags, &text);
		FUZZ_CHECK(rc == 0 || rc == -DOCKET_ENOMEM);
		if (rc < 0)
			continue;
		json_error_t err;
		json_t *back = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
		/* A key with NUL is valid JSON that jansson alone refuses; docketd sends none. */
		if (!back && json_error_code(&err) != json_error_null_byte_in_key) {
			fprintf(stderr, "JSON form does not read back (%s): %s\n", err.text, text);
			FUZZ_CHECK(back != NULL);
		}
		json_decref(back);
		free(text);
	}
}

static void check_paths(const docket_msg *m)
{
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		const char *s = NULL;
		int64_t n = 0;
		int rc = docket_msg_get_str(m, paths[i], &s);
		FUZZ_CHECK(rc == 0 || rc == -DOCKET_ENOTFOUND || rc == -DOCKET_EINVAL);
		if (rc == 0)
			sink += strlen(s);
		rc = docket_msg_get_int(m, paths[i], &n);
		FUZZ_CHECK(rc == 0 || rc == -DOCKET_ENOTFOUND || rc == -DOCKET_EINVAL);
		sink += docket_msg_count(m, paths[i]);
	}
	const char *code = docket_msg_error_code(m), *message = docket_msg_error_message(m);
	sink += (code ? strlen(code) : 0) + (message ? strlen(message) : 0);
	/* A refusal is never also a success. */
	FUZZ_CHECK(!(docket_msg_ok(m) && code));
}

/* Each element of an array, copied out as an event as docket_sub_recv and the pages do. */
static void check_events(const struct msg_node *events)
{
	if (!events || events->type != CODEC_ARRAY)
		return;
	for (uint32_t i = 0; i < events->len && i < EVENTS_MAX; i++) {
		docket_msg *ev = NULL;
		sink += (size_t)msg_node_int(&events->u.kids[i], "seq");
		int rc = msg_event(&events->u.kids[i], &ev);
		FUZZ_CHECK(rc == 0 || rc == -DOCKET_EPROTO || rc == -DOCKET_ENOMEM);
		FUZZ_CHECK((rc == 0) == (ev != NULL));
		if (rc < 0)
			continue;
		/* An event's topic is its type, as a C string that was not cut short. */
		const char *type = NULL;
		FUZZ_CHECK(docket_msg_get_str(ev, "type", &type) == 0);
		FUZZ_CHECK(docket_msg_topic(ev) && strcmp(docket_msg_topic(ev), type) == 0);
		FUZZ_CHECK(!docket_msg_ok(ev) && !docket_msg_error_code(ev));
		check_paths(ev);
		check_json(ev);
		docket_msg_destroy(&ev);
		FUZZ_CHECK(ev == NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	docket_msg *m = NULL;
	int rc = msg_decode(data, size, &m);
	FUZZ_CHECK((rc == 0) == (m != NULL));
	if (rc < 0) {
		FUZZ_CHECK(rc == -DOCKET_EPROTO || rc == -DOCKET_ENOMEM);
		return 0;
	}
	/* msg_decode takes only what codec_validate passed. */
	FUZZ_CHECK(codec_validate(data, size, &codec_reply_limits) == 0);
	check_paths(m);
	check_json(m);
	/* A docket.batch is an array of events; a page of events or fetch has them under "events".
	 */
	check_events(msg_find(m, NULL));
	check_events(msg_find(m, "events"));
	/* An event as sub.c gives it: its topic from the first frame. */
	if (msg_set_topic(m, "decision.drafted", strlen("decision.drafted")) == 0) {
		FUZZ_CHECK(!docket_msg_ok(m));
		check_json(m);
	}
	docket_msg_destroy(&m);
	return 0;
}
