/* Replies and events as JSON text, built with jansson. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "libdocket.h"
#include "utf8.h"

/*
 * A JSON string from bytes that should be UTF-8. JSON text cannot carry
 * invalid UTF-8, so each byte that does not start a valid sequence becomes
 * U+FFFD; valid text, embedded NULs included, passes unchanged.
 */
static json_t *text(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, bad = 0, len;

	for (i = 0; i < n; i += len ? len : 1)
		if (!(len = utf8_next(u + i, n - i, NULL)))
			bad++;
	if (!bad)
		return json_stringn_nocheck(s, n);

	/* U+FFFD is three bytes in place of one. */
	char *fixed = malloc(n + 2 * bad);
	if (!fixed)
		return NULL;
	size_t o = 0;
	for (i = 0; i < n; i += len ? len : 1) {
		len = utf8_next(u + i, n - i, NULL);
		if (len) {
			memcpy(fixed + o, s + i, len);
			o += len;
		} else {
			memcpy(fixed + o, "\xef\xbf\xbd", 3);
			o += 3;
		}
	}
	json_t *j = json_stringn_nocheck(fixed, o);
	free(fixed);
	return j;
}

static json_t *base64(const char *s, size_t n)
{
	static const char abc[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *u = (const unsigned char *)s;
	char *out = malloc(4 * ((n + 2) / 3) + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)u[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)u[i + 1] << 8;
		if (i + 2 < n)
			v |= u[i + 2];
		out[o++] = abc[v >> 18 & 63];
		out[o++] = abc[v >> 12 & 63];
		out[o++] = i + 1 < n ? abc[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? abc[v & 63] : '=';
	}
	json_t *j = json_stringn_nocheck(out, o);
	free(out);
	return j;
}

static json_t *node_json(const struct msg_node *n);

/* JSON object keys are strings: other msgpack keys are spelled as their JSON text. */
static int set_member(json_t *obj, const struct msg_node *key, json_t *value)
{
	json_t *k = NULL;
	char *dumped = NULL;
	int rc = -1;

	if (!value)
		return -1;
	if (key->type == CODEC_STR) {
		k = text(key->u.s, key->len);
	} else {
		json_t *kj = node_json(key);
		if (kj && (json_is_string(kj)))
			k = json_incref(kj);
		else if (kj && (dumped = json_dumps(kj, JSON_COMPACT | JSON_ENCODE_ANY)))
			k = json_string_nocheck(dumped);
		json_decref(kj);
	}
	if (k)
		rc = json_object_setn_new_nocheck(obj, json_string_value(k), json_string_length(k),
		                                  value);
	else
		json_decref(value);
	json_decref(k);
	free(dumped);
	return rc;
}

static json_t *node_json(const struct msg_node *n)
{
	char digits[24];

	switch ((enum codec_type)n->type) {
	case CODEC_NIL:
		return json_null();
	case CODEC_BOOL:
		return json_boolean(n->u.b);
	case CODEC_INT:
		return json_integer(n->u.i);
	case CODEC_UINT:
		/* Beyond json_int_t: a string keeps every digit where a real would round. */
		snprintf(digits, sizeof digits, "%" PRIu64, n->u.u);
		return json_string_nocheck(digits);
	case CODEC_FLOAT:
		return isfinite(n->u.f) ? json_real(n->u.f) : json_null();
	case CODEC_STR:
		return text(n->u.s, n->len);
	case CODEC_BIN:
	case CODEC_EXT:
		return base64(n->u.s, n->len);
	case CODEC_ARRAY: {
		json_t *a = json_array();
		for (uint32_t i = 0; a && i < n->len; i++) {
			if (json_array_append_new(a, node_json(&n->u.kids[i])) < 0) {
				json_decref(a);
				a = NULL;
			}
		}
		return a;
	}
	case CODEC_MAP: {
		json_t *o = json_object();
		for (uint32_t i = 0; o && i < n->len; i++) {
			if (set_member(o, &n->u.kids[2 * i], node_json(&n->u.kids[2 * i + 1])) <
			    0) {
				json_decref(o);
				o = NULL;
			}
		}
		return o;
	}
	}
	return NULL;
}

int docket_msg_to_json(const docket_msg *m, int flags, char **out)
{
	int rc = -DOCKET_ENOMEM;
	json_t *j = NULL;

	if (!out)
		return -DOCKET_EINVAL;
	*out = NULL;
	if (!m || !m->root)
		return -DOCKET_EINVAL;
	if (!(j = node_json(m->root)))
		goto out;
	if (m->topic) {
		/* The _new setters take their value's reference even when they fail. */
		json_t *body = j;
		if (!(j = json_object()) ||
		    json_object_set_new(j, "topic", text(m->topic, strlen(m->topic))) < 0) {
			json_decref(body);
			goto out;
		}
		if (json_object_set_new(j, "event", body) < 0)
			goto out;
	}
	size_t fl = JSON_ENCODE_ANY | JSON_REAL_PRECISION(17);
	fl |= flags == DOCKET_JSON_PRETTY ? JSON_INDENT(2) : JSON_COMPACT;
	if (!(*out = json_dumps(j, fl)))
		goto out;
	rc = 0;
out:
	json_decref(j);
	return rc;
}
