/* An event as every target delivers it: its JSON, its type and an id stable across retries. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "hook.h"

/*
 * The event's map alone, as docket history --json shows each event:
 * docket_msg_to_json wraps an event that carries its topic in
 * {"topic": ..., "event": ...}, so unwrap it.
 */
static int event_json(const docket_msg *msg, char **out, size_t *len)
{
	char *text = NULL;
	json_t *whole = NULL;
	int rc = docket_msg_to_json(msg, DOCKET_JSON_COMPACT, &text);

	if (rc < 0 || !docket_msg_topic(msg))
		goto out;
	rc = -DOCKET_ENOMEM;
	json_t *map;
	/* A decision's text may hold NUL (docketd takes any UTF-8 there): \u0000 in the JSON. */
	if (!(whole = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL)) ||
	    !(map = json_object_get(whole, "event")))
		goto out;
	free(text);
	/* The flags docket_msg_to_json writes with, so that numbers read the same. */
	text = json_dumps(map, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
	rc = text ? 0 : -DOCKET_ENOMEM;
out:
	json_decref(whole);
	if (rc < 0) {
		free(text);
		text = NULL;
	}
	*out = text;
	*len = text ? strlen(text) : 0;
	return rc;
}

int hook_event_init(struct hook_event *e, const docket_msg *msg)
{
	const char *ts = "";
	unsigned char hash[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;

	memset(e, 0, sizeof *e);
	e->msg = msg;
	if (docket_msg_get_int(msg, "seq", &e->seq) < 0)
		return -DOCKET_EPROTO;
	if (docket_msg_get_str(msg, "type", &e->type) < 0 && !(e->type = docket_msg_topic(msg)))
		e->type = "event";
	docket_msg_get_str(msg, "ts", &ts);

	/*
	 * The id names the event, not the attempt, so receivers can drop a
	 * retry they already handled. seq alone would repeat if the database
	 * were ever started afresh: the time and type of the change tell
	 * those events apart.
	 */
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)ts, strlen(ts) + 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)e->type, strlen(e->type));
	crypto_hash_sha256_final(&st, hash);
	char hex[17];
	sodium_bin2hex(hex, sizeof hex, hash, 8);
	snprintf(e->id, sizeof e->id, "docket-%" PRId64 "-%s", e->seq, hex);

	return event_json(msg, &e->json, &e->len);
}

void hook_event_fini(struct hook_event *e)
{
	free(e->json);
	e->json = NULL;
	e->len = 0;
}
