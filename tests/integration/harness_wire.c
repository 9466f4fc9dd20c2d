/* The harness's messages: libdocket helpers, raw ZeroMQ exchanges, msgpack and JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <msgpack.h>
#include <zmq.h>

#include "harness.h"

docket_request *h_vreq(const char *op, va_list ap)
{
	docket_request *r = NULL;
	if (docket_request_new(&r, op) < 0)
		fail_msg("harness: docket_request_new(%s) failed", op);
	const char *key;
	while ((key = va_arg(ap, const char *))) {
		const char *value = va_arg(ap, const char *);
		int rc;
		if (key[0] == '#')
			rc = docket_request_set_int(r, key + 1, strtoll(value, NULL, 10));
		else
			rc = docket_request_set_str(r, key, value);
		if (rc < 0)
			fail_msg("harness: setting '%s' failed: %s", key, docket_strerror(rc));
	}
	return r;
}

docket_request *h_req(const char *op, ...)
{
	va_list ap;
	va_start(ap, op);
	docket_request *r = h_vreq(op, ap);
	va_end(ap);
	return r;
}

int h_vcall(struct h_daemon *d, docket_msg **reply, const char *op, va_list ap)
{
	docket_request *r = h_vreq(op, ap);
	int rc = docket_client_call(d->client, r, reply);
	docket_request_destroy(&r);
	return rc;
}

docket_msg *h_vmust(struct h_daemon *d, const char *op, va_list ap)
{
	docket_msg *m = NULL;
	int rc = h_vcall(d, &m, op, ap);
	if (rc != 0)
		fail_msg("%s refused: %s: %s", op, docket_strerror(rc),
		         m ? docket_msg_error_message(m) : "no reply");
	return m;
}

int64_t h_change(struct h_daemon *d, const char *op, ...)
{
	va_list ap;
	va_start(ap, op);
	docket_msg *m = h_vmust(d, op, ap);
	va_end(ap);
	int64_t seq = h_int(m, "seq");
	docket_msg_destroy(&m);
	assert_true(seq > 0);
	return seq;
}

docket_msg *h_refuse(struct h_daemon *d, int code, const char *op, ...)
{
	va_list ap;
	docket_msg *m = NULL;
	va_start(ap, op);
	int rc = h_vcall(d, &m, op, ap);
	va_end(ap);
	if (rc != -code)
		fail_msg("%s: expected %s, got %s (%s)", op, docket_error_name(code),
		         rc == 0 ? "success" : docket_error_name(rc),
		         m && docket_msg_error_message(m) ? docket_msg_error_message(m) : "-");
	assert_non_null(m);
	assert_false(docket_msg_ok(m));
	H_ASSERT_STR(docket_msg_error_code(m), docket_error_name(code));
	const char *msg = docket_msg_error_message(m);
	assert_non_null(msg);
	assert_true(strlen(msg) > 0);
	return m;
}

int h_call(struct h_daemon *d, docket_msg **reply, const char *op, ...)
{
	va_list ap;
	va_start(ap, op);
	int rc = h_vcall(d, reply, op, ap);
	va_end(ap);
	return rc;
}

docket_msg *h_draft_seen(struct h_daemon *d, const char *ref)
{
	docket_sub *s = NULL;
	docket_msg *m = NULL;
	assert_int_equal(docket_sub_new(&s, d->ev, NULL, H_WAIT_MS), 0);
	assert_int_equal(h_draft(d, ref, NULL), 0);
	assert_int_equal(docket_sub_recv(s, &m, H_WAIT_MS), 0);
	H_ASSERT_STR(docket_msg_topic(m), "decision.drafted");
	docket_sub_destroy(&s);
	return m;
}

int h_draft(struct h_daemon *d, const char *ref, docket_msg **reply)
{
	docket_msg *m = NULL;
	int rc =
	    h_call(d, &m, "draft", "ref", ref, "title", "Body worn cameras roll out", "text",
	           "The Commissioner has endorsed the wide scale roll out of body worn cameras.",
	           "justification", "Evidence gathering.\n- fewer complaints\n- faster pleas",
	           "decision_maker", "pcc", "category", "spend", "#cost_pence", "180000000",
	           "cost_text", "\u00a31.8m from approved capital resources", NULL);
	if (reply)
		*reply = m;
	else
		docket_msg_destroy(&m);
	return rc;
}

void h_meeting_item(struct h_daemon *d, long offset_s, int64_t *meeting, int64_t *item)
{
	char when[32], id[32];
	docket_msg *m = NULL;
	int rc = h_call(d, &m, "meeting_add", "panel", "Kent and Medway Police and Crime Panel",
	                "starts_at", h_utc(when, sizeof when, offset_s), "venue", "Sessions House",
	                NULL);
	if (rc != 0)
		fail_msg("harness: meeting_add failed: %s", docket_strerror(rc));
	*meeting = h_int(m, "meeting.id");
	docket_msg_destroy(&m);
	snprintf(id, sizeof id, "%lld", (long long)*meeting);
	rc = h_call(d, &m, "item_add", "#meeting", id, "code", "C1", "subject",
	            "Commissioner's Key Decisions \u2013 July, August & September 2015", NULL);
	if (rc != 0)
		fail_msg("harness: item_add failed: %s", docket_strerror(rc));
	*item = h_int(m, "item.id");
	docket_msg_destroy(&m);
}

const char *h_str(const docket_msg *m, const char *path)
{
	const char *s = NULL;
	return m && docket_msg_get_str(m, path, &s) == 0 ? s : NULL;
}

int64_t h_int(const docket_msg *m, const char *path)
{
	int64_t v;
	return m && docket_msg_get_int(m, path, &v) == 0 ? v : INT64_MIN;
}

json_t *h_msg_json(const docket_msg *m)
{
	char *text = NULL;
	if (!m || docket_msg_to_json(m, DOCKET_JSON_COMPACT, &text) < 0)
		return NULL;
	json_t *j = h_json(text);
	free(text);
	return j;
}

int h_raw_open(struct h_raw *r, const char *endpoint)
{
	int zero = 0;
	memset(r, 0, sizeof *r);
	if (!(r->ctx = zmq_ctx_new()) || !(r->sock = zmq_socket(r->ctx, ZMQ_DEALER)) ||
	    zmq_setsockopt(r->sock, ZMQ_LINGER, &zero, sizeof zero) < 0 ||
	    zmq_connect(r->sock, endpoint) < 0) {
		h_raw_close(r);
		return -1;
	}
	return 0;
}

void h_raw_close(struct h_raw *r)
{
	if (r->sock)
		zmq_close(r->sock);
	if (r->ctx)
		zmq_ctx_term(r->ctx);
	r->sock = r->ctx = NULL;
}

int h_raw_send(struct h_raw *r, int n, const void *const *frames, const size_t *lens)
{
	for (int i = 0; i < n; i++)
		if (zmq_send(r->sock, frames[i], lens[i], i + 1 < n ? ZMQ_SNDMORE : 0) < 0)
			return -1;
	return 0;
}

int h_raw_send1(struct h_raw *r, const void *buf, size_t len)
{
	const void *f[] = {buf};
	size_t l[] = {len};
	return h_raw_send(r, 1, f, l);
}

int h_raw_recv(struct h_raw *r, int timeout_ms, char **buf, size_t *len, int *frames)
{
	zmq_pollitem_t item = {.socket = r->sock, .events = ZMQ_POLLIN};
	*buf = NULL;
	*len = 0;
	*frames = 0;
	if (zmq_poll(&item, 1, timeout_ms) <= 0)
		return -1;
	for (;;) {
		zmq_msg_t m;
		zmq_msg_init(&m);
		if (zmq_msg_recv(&m, r->sock, 0) < 0) {
			zmq_msg_close(&m);
			return -1;
		}
		(*frames)++;
		free(*buf);
		*len = zmq_msg_size(&m);
		*buf = malloc(*len + 1);
		if (*buf) {
			memcpy(*buf, zmq_msg_data(&m), *len);
			(*buf)[*len] = '\0';
		}
		int more = zmq_msg_more(&m);
		zmq_msg_close(&m);
		if (!more)
			return *buf ? 0 : -1;
	}
}

static bool key_is(const msgpack_object *k, const char *name)
{
	size_t n = strlen(name);
	return k->type == MSGPACK_OBJECT_STR && k->via.str.size == n &&
	       !memcmp(k->via.str.ptr, name, n);
}

static void copy_str(char *dst, size_t cap, const msgpack_object *o)
{
	if (o->type != MSGPACK_OBJECT_STR) {
		dst[0] = '\0';
		return;
	}
	size_t n = o->via.str.size < cap - 1 ? o->via.str.size : cap - 1;
	memcpy(dst, o->via.str.ptr, n);
	dst[n] = '\0';
}

int h_raw_parse(const void *buf, size_t len, struct h_raw_reply *out)
{
	msgpack_unpacked u;
	size_t off = 0;
	memset(out, 0, sizeof *out);
	out->seq = -1;
	msgpack_unpacked_init(&u);
	if (msgpack_unpack_next(&u, buf, len, &off) != MSGPACK_UNPACK_SUCCESS) {
		msgpack_unpacked_destroy(&u);
		return -1;
	}
	const msgpack_object *o = &u.data;
	bool have_v = false, have_ok = false;
	if (o->type == MSGPACK_OBJECT_MAP && off == len) {
		for (uint32_t i = 0; i < o->via.map.size; i++) {
			const msgpack_object *k = &o->via.map.ptr[i].key,
			                     *v = &o->via.map.ptr[i].val;
			if (key_is(k, "v"))
				have_v =
				    v->type == MSGPACK_OBJECT_POSITIVE_INTEGER && v->via.u64 == 1;
			else if (key_is(k, "ok") && v->type == MSGPACK_OBJECT_BOOLEAN) {
				have_ok = true;
				out->ok = v->via.boolean;
			} else if (key_is(k, "id")) {
				out->id_nil = v->type == MSGPACK_OBJECT_NIL;
				if (v->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
					out->id = (int64_t)v->via.u64;
			} else if (key_is(k, "seq") && v->type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
				out->seq = (int64_t)v->via.u64;
			} else if (key_is(k, "error") && v->type == MSGPACK_OBJECT_MAP) {
				for (uint32_t j = 0; j < v->via.map.size; j++) {
					const msgpack_object *ek = &v->via.map.ptr[j].key;
					const msgpack_object *ev = &v->via.map.ptr[j].val;
					if (key_is(ek, "code"))
						copy_str(out->code, sizeof out->code, ev);
					else if (key_is(ek, "message"))
						copy_str(out->message, sizeof out->message, ev);
				}
			}
		}
	}
	out->valid = have_v && have_ok;
	msgpack_unpacked_destroy(&u);
	return 0;
}

char *h_pack(size_t *len, int64_t v, const char *op, ...)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	va_list ap, count;
	size_t pairs = 2;

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	va_start(ap, op);
	va_copy(count, ap);
	while (va_arg(count, const char *)) {
		va_arg(count, const char *);
		pairs++;
	}
	va_end(count);
	msgpack_pack_map(&pk, pairs);
	msgpack_pack_str(&pk, 1);
	msgpack_pack_str_body(&pk, "v", 1);
	msgpack_pack_int64(&pk, v);
	msgpack_pack_str(&pk, 2);
	msgpack_pack_str_body(&pk, "op", 2);
	msgpack_pack_str(&pk, strlen(op));
	msgpack_pack_str_body(&pk, op, strlen(op));
	const char *key;
	while ((key = va_arg(ap, const char *))) {
		const char *value = va_arg(ap, const char *);
		bool num = key[0] == '#';
		key += num;
		msgpack_pack_str(&pk, strlen(key));
		msgpack_pack_str_body(&pk, key, strlen(key));
		if (num) {
			msgpack_pack_int64(&pk, strtoll(value, NULL, 10));
		} else {
			msgpack_pack_str(&pk, strlen(value));
			msgpack_pack_str_body(&pk, value, strlen(value));
		}
	}
	va_end(ap);
	*len = sb.size;
	return sb.data; /* msgpack_sbuffer allocates with malloc: the caller frees */
}

json_t *h_json(const char *text)
{
	json_error_t e;
	return text ? json_loads(text, JSON_DECODE_ANY, &e) : NULL;
}

json_t *h_jpath(json_t *j, const char *path)
{
	char part[128];
	while (j && *path) {
		size_t n = strcspn(path, ".");
		if (n >= sizeof part)
			return NULL;
		memcpy(part, path, n);
		part[n] = '\0';
		if (json_is_array(j)) {
			char *end;
			unsigned long i = strtoul(part, &end, 10);
			j = *end ? NULL : json_array_get(j, i);
		} else {
			j = json_object_get(j, part);
		}
		path += n + (path[n] == '.');
	}
	return j;
}

const char *h_jstr(json_t *j, const char *path)
{
	return json_string_value(h_jpath(j, path));
}

int64_t h_jint(json_t *j, const char *path)
{
	json_t *v = h_jpath(j, path);
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : INT64_MIN;
}

json_t *h_topics_call(struct h_daemon *d, const char *const *topics, const char *op, ...)
{
	va_list ap;
	va_start(ap, op);
	docket_request *r = h_vreq(op, ap);
	va_end(ap);
	for (size_t i = 0; topics && topics[i]; i++)
		assert_int_equal(docket_request_append_str(r, "topics", topics[i]), 0);
	docket_msg *m = NULL;
	int rc = docket_client_call(d->client, r, &m);
	if (rc != 0)
		fail_msg("%s: %s: %s", op, docket_strerror(rc),
		         m ? docket_msg_error_message(m) : "no reply");
	json_t *j = h_msg_json(m);
	docket_msg_destroy(&m);
	docket_request_destroy(&r);
	return j;
}
