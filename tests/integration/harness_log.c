/* The log read straight from docketd's database, for tests that check what was recorded. */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>
#include <msgpack.h>
#include <sqlite3.h>

#include "harness.h"

json_t *h_msgpack_object_json(const msgpack_object *o)
{
	char digits[24];
	json_t *j = NULL;

	switch (o->type) {
	case MSGPACK_OBJECT_NIL:
		return json_null();
	case MSGPACK_OBJECT_BOOLEAN:
		return json_boolean(o->via.boolean);
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		if (o->via.u64 <= INT64_MAX)
			return json_integer((json_int_t)o->via.u64);
		snprintf(digits, sizeof digits, "%" PRIu64, o->via.u64);
		return json_string(digits);
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		return json_integer(o->via.i64);
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		return json_real(o->via.f64);
	case MSGPACK_OBJECT_STR:
		return json_stringn(o->via.str.ptr, o->via.str.size);
	case MSGPACK_OBJECT_ARRAY:
		j = json_array();
		for (uint32_t i = 0; i < o->via.array.size; i++)
			json_array_append_new(j, h_msgpack_object_json(&o->via.array.ptr[i]));
		return j;
	case MSGPACK_OBJECT_MAP:
		j = json_object();
		for (uint32_t i = 0; i < o->via.map.size; i++) {
			const msgpack_object *k = &o->via.map.ptr[i].key;
			assert_int_equal(k->type, MSGPACK_OBJECT_STR);
			json_object_setn_new(j, k->via.str.ptr, k->via.str.size,
			                     h_msgpack_object_json(&o->via.map.ptr[i].val));
		}
		return j;
	default:
		fail_msg("the log holds a msgpack type events never carry (%d)", (int)o->type);
	}
	return NULL;
}

json_t *h_msgpack_json(const void *buf, size_t len)
{
	msgpack_unpacked u;
	msgpack_unpacked_init(&u);
	size_t off = 0;
	json_t *j = NULL;
	if (msgpack_unpack_next(&u, buf, len, &off) == MSGPACK_UNPACK_SUCCESS && off == len)
		j = h_msgpack_object_json(&u.data);
	msgpack_unpacked_destroy(&u);
	return j;
}

json_t *h_log_read(struct h_daemon *d)
{
	char path[300];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	snprintf(path, sizeof path, "%s/docket.db", d->state_dir);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		fail_msg("cannot open %s: %s", path, sqlite3_errmsg(db));
	sqlite3_busy_timeout(db, H_WAIT_MS);
	if (sqlite3_prepare_v2(db, "SELECT seq, type, body FROM events ORDER BY seq", -1, &st,
	                       NULL) != SQLITE_OK)
		fail_msg("cannot read the log: %s", sqlite3_errmsg(db));
	json_t *log = json_array();
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t seq = sqlite3_column_int64(st, 0);
		const char *type = (const char *)sqlite3_column_text(st, 1);
		const char *body = sqlite3_column_blob(st, 2);
		size_t len = (size_t)sqlite3_column_bytes(st, 2);
		assert_int_equal(seq, (int64_t)json_array_size(log) + 1);
		msgpack_unpacked u;
		msgpack_unpacked_init(&u);
		size_t off = 0;
		if (msgpack_unpack_next(&u, body, len, &off) != MSGPACK_UNPACK_SUCCESS ||
		    off != len)
			fail_msg("event %lld is not one msgpack map", (long long)seq);
		json_t *e = h_msgpack_object_json(&u.data);
		msgpack_unpacked_destroy(&u);
		assert_int_equal(h_jint(e, "seq"), seq);
		H_ASSERT_STR(h_jstr(e, "type"), type);
		json_array_append_new(log, e);
	}
	if (rc != SQLITE_DONE)
		fail_msg("cannot read the log: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return log;
}

