/*
 * Operations: the status query's figures against what was done, the
 * STATUS= line systemd shows, and the WAL kept bounded by checkpoints made
 * beside the commits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <msgpack.h>
#include <sqlite3.h>
#include <zmq.h>

#include "harness.h"

/* status as JSON (caller json_decref). */
static json_t *status(struct h_daemon *d)
{
	docket_msg *m = NULL;
	assert_int_equal(h_call(d, &m, "status", NULL), 0);
	json_t *j = h_msg_json(m);
	docket_msg_destroy(&m);
	assert_non_null(j);
	return j;
}

/* status until its integer at path is want, for H_WAIT_MS at most; the last value read. */
static int64_t status_until(struct h_daemon *d, const char *path, int64_t want)
{
	double deadline = h_now() + H_WAIT_MS / 1000.0;
	int64_t v;
	do {
		json_t *j = status(d);
		v = h_jint(j, path);
		json_decref(j);
	} while (v != want && h_now() < deadline);
	return v;
}

static void drafts(struct h_daemon *d, const char *prefix, int n)
{
	for (int i = 0; i < n; i++) {
		char ref[32];
		snprintf(ref, sizeof ref, "%s-%d", prefix, i);
		assert_int_equal(h_draft(d, ref, NULL), 0);
	}
}

/* A raw SUB socket on the event endpoint for topic, in place once docketd's welcome came. */
struct raw_sub {
	void *ctx, *sock;
};

static void raw_sub_open(struct h_daemon *d, struct raw_sub *s, const char *topic)
{
	int timeout = H_WAIT_MS;
	char buf[64];
	s->ctx = zmq_ctx_new();
	s->sock = zmq_socket(s->ctx, ZMQ_SUB);
	assert_non_null(s->sock);
	zmq_setsockopt(s->sock, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
	zmq_setsockopt(s->sock, ZMQ_SUBSCRIBE, topic, strlen(topic));
	zmq_setsockopt(s->sock, ZMQ_SUBSCRIBE, "docket.welcome", 14);
	assert_int_equal(zmq_connect(s->sock, d->ev), 0);
	for (;;) {
		int n = zmq_recv(s->sock, buf, sizeof buf, 0);
		assert_true(n >= 0);
		if (n == 14 && memcmp(buf, "docket.welcome", 14) == 0)
			return;
	}
}

/* A checkpoint's seq and ts (its other values are bins, which JSON here has no form for). */
struct checkpoint {
	int64_t seq;
	char ts[40];
};

static void checkpoint_read(const char *body, size_t len, struct checkpoint *c)
{
	msgpack_unpacked u;
	msgpack_unpacked_init(&u);
	assert_int_equal(msgpack_unpack_next(&u, body, len, NULL), MSGPACK_UNPACK_SUCCESS);
	assert_int_equal(u.data.type, MSGPACK_OBJECT_MAP);
	memset(c, 0, sizeof *c);
	for (uint32_t i = 0; i < u.data.via.map.size; i++) {
		msgpack_object_kv *kv = &u.data.via.map.ptr[i];
		if (kv->key.type != MSGPACK_OBJECT_STR)
			continue;
		if (kv->key.via.str.size == 3 && !memcmp(kv->key.via.str.ptr, "seq", 3))
			c->seq = (int64_t)kv->val.via.u64;
		if (kv->key.via.str.size == 2 && !memcmp(kv->key.via.str.ptr, "ts", 2))
			snprintf(c->ts, sizeof c->ts, "%.*s", (int)kv->val.via.str.size,
			         kv->val.via.str.ptr);
	}
	msgpack_unpacked_destroy(&u);
}

/* The next checkpoint published. */
static void raw_sub_checkpoint(struct raw_sub *s, struct checkpoint *c)
{
	char t[64];
	static char body[65536];
	for (;;) {
		int n = zmq_recv(s->sock, t, sizeof t, 0);
		assert_true(n >= 0);
		int more = 0;
		size_t len = sizeof more;
		zmq_getsockopt(s->sock, ZMQ_RCVMORE, &more, &len);
		if (!more)
			continue;
		int b = zmq_recv(s->sock, body, sizeof body, 0);
		assert_true(b >= 0);
		if ((size_t)n == strlen("docket.checkpoint") &&
		    memcmp(t, "docket.checkpoint", (size_t)n) == 0) {
			checkpoint_read(body, (size_t)b, c);
			return;
		}
	}
}

static void raw_sub_close(struct raw_sub *s)
{
	zmq_close(s->sock);
	zmq_ctx_term(s->ctx);
}

static void test_status_figures(void **state)
{
	struct h_daemon *d = *state;
	/* Checkpoints signed every second, so that one is seen soon. */
	assert_int_equal(h_write_config(d, "[docketd]\ncheckpoint_interval = 1\n"), 0);
	assert_int_equal(h_start(d), 0);

	json_t *j = status(d);
	H_ASSERT_STR(h_jstr(j, "version"), DOCKET_VERSION);
	assert_int_equal(h_jint(j, "protocol"), 1);
	assert_int_equal(h_jint(j, "revision"), 6);
	assert_int_equal(h_jint(j, "last_seq"), 0);
	assert_true(h_jint(j, "uptime_s") >= 0);
	assert_non_null(h_jstr(j, "started_at"));
	assert_true(h_jint(j, "db_bytes") > 0);
	assert_int_equal(h_jint(j, "pending_reminders"), 0);
	assert_int_equal(h_jint(j, "subscribers"), 0);
	assert_true(json_is_null(h_jpath(j, "backup")));
	assert_true(json_is_null(h_jpath(j, "checkpoint")));
	assert_int_equal(json_array_size(h_jpath(j, "cursors")), 0);
	json_decref(j);

	drafts(d, "ST", 12);
	int64_t meeting, item;
	h_meeting_item(d, 40L * 86400, &meeting, &item);
	docket_msg *m = NULL;
	assert_int_equal(h_call(d, &m, "reminders", "status", "pending", NULL), 0);
	size_t pending = docket_msg_count(m, "reminders");
	docket_msg_destroy(&m);
	assert_true(pending > 0);

	/* A cursor from the start of the log, two events acknowledged. */
	assert_int_equal(h_call(d, &m, "cursor_add", "cursor", "ops", "#after_seq", "0", NULL), 0);
	docket_msg_destroy(&m);
	assert_int_equal(h_call(d, &m, "fetch", "cursor", "ops", "#limit", "2", NULL), 0);
	docket_msg_destroy(&m);
	assert_int_equal(h_call(d, &m, "ack", "cursor", "ops", "#through", "2", NULL), 0);
	docket_msg_destroy(&m);

	docket_sub *sub = NULL;
	assert_int_equal(docket_sub_new(&sub, d->ev, NULL, H_WAIT_MS), 0);

	j = status(d);
	int64_t last = h_jint(j, "last_seq");
	assert_int_equal(last, 12 + 2); /* the drafts, the meeting and its item */
	assert_int_equal(h_jint(j, "pending_reminders"), (int64_t)pending);
	assert_int_equal(h_jint(j, "subscribers"), 1);
	assert_true(h_jint(j, "subscriptions") >= 2);
	assert_true(h_jint(j, "commands") >= 12 + 2 + 4);
	assert_int_equal(json_array_size(h_jpath(j, "cursors")), 1);
	H_ASSERT_STR(h_jstr(j, "cursors.0.name"), "ops");
	assert_int_equal(h_jint(j, "cursors.0.acked"), 2);
	assert_int_equal(h_jint(j, "cursors.0.lag"), last - 2);
	json_decref(j);

	/* A subscriber that leaves is no longer counted. */
	docket_sub_destroy(&sub);
	assert_int_equal(status_until(d, "subscribers", 0), 0);

	/* The last signed checkpoint, as published. */
	struct raw_sub rs;
	raw_sub_open(d, &rs, "docket.checkpoint");
	assert_int_equal(h_draft(d, "ST-cp", NULL), 0);
	struct checkpoint cp;
	do
		raw_sub_checkpoint(&rs, &cp);
	while (cp.seq != last + 1);
	raw_sub_close(&rs);
	j = status(d);
	assert_int_equal(h_jint(j, "checkpoint.seq"), last + 1);
	H_ASSERT_STR(h_jstr(j, "checkpoint.at"), cp.ts);
	json_decref(j);

	/* The last backup, kept across a restart. */
	char copy[300];
	snprintf(copy, sizeof copy, "%s/status-copy.db", d->dir);
	assert_int_equal(h_call(d, &m, "backup", "path", copy, NULL), 0);
	docket_msg_destroy(&m);
	j = status(d);
	H_ASSERT_STR(h_jstr(j, "backup.path"), copy);
	assert_int_equal(h_jint(j, "backup.seq"), last + 1);
	struct stat sb;
	assert_int_equal(stat(copy, &sb), 0);
	assert_int_equal(h_jint(j, "backup.bytes"), sb.st_size);
	char *head = strdup(h_jstr(j, "backup.head"));
	json_decref(j);
	assert_int_equal(h_restart(d), 0);
	j = status(d);
	H_ASSERT_STR(h_jstr(j, "backup.path"), copy);
	assert_int_equal(h_jint(j, "backup.seq"), last + 1);
	H_ASSERT_STR(h_jstr(j, "backup.head"), head);
	assert_true(json_is_null(h_jpath(j, "checkpoint")));
	json_decref(j);
	free(head);

	/* The CLI prints it as lines of key and value. */
	struct h_proc p;
	assert_int_equal(h_cli(d, &p, "status", NULL), 0);
	assert_int_equal(p.status, 0);
	char want[64];
	snprintf(want, sizeof want, "last seq: %lld\n", (long long)last + 1);
	H_ASSERT_CONTAINS(p.out, want);
	H_ASSERT_CONTAINS(p.out, "cursor ops: acked 2");
	H_ASSERT_CONTAINS(p.out, copy);
	h_proc_free(&p);
	H_PASS(d);
}

/* STATUS= once a second while serving: the last seq and the commands' rate, as they change. */
static void test_status_line(void **state)
{
	struct h_daemon *d = *state;
	assert_int_equal(h_wait_notify(d, "STATUS=serving: last seq 0, ", H_WAIT_MS), 0);
	drafts(d, "SL", 30);
	/* The drafts show in the rate, then the rate falls to nothing when they stop. */
	assert_int_equal(h_wait_notify(d, "STATUS=serving: last seq 30, ", H_WAIT_MS), 0);
	json_t *j = status(d);
	assert_int_equal(h_jint(j, "last_seq"), 30);
	json_decref(j);
	assert_int_equal(h_wait_notify(d, "STATUS=serving: last seq 30, 0 commands/s", H_WAIT_MS),
	                 0);
	assert_int_equal(status_until(d, "commands_per_s", 0), 0);
	H_PASS(d);
}

/* Bytes of the file at path, 0 when there is none. */
static int64_t file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (int64_t)sb.st_size : 0;
}

/* Commands of about 2.5 KiB each, far more in all than the WAL is let grow to. */
#define STREAM 6000
#define STREAM_INFLIGHT 64
/*
 * Where docketd has a batch wait for the WAL to be copied so that it starts
 * again (4,000 pages of 4 KiB, 16 MiB), with room for the batches committed
 * while the thread's checkpoint runs.
 */
#define WAL_BOUND (24 * 1024 * 1024)

static void test_wal_bounded(void **state)
{
	struct h_daemon *d = *state;
	char wal[320], db[300], justification[2048];
	snprintf(db, sizeof db, "%s/docket.db", d->state_dir);
	snprintf(wal, sizeof wal, "%s-wal", db);
	memset(justification, 'j', sizeof justification - 1);
	justification[sizeof justification - 1] = '\0';

	int64_t most = 0;
	uint64_t id;
	int sent = 0, got = 0;
	while (got < STREAM) {
		while (sent < STREAM && sent - got < STREAM_INFLIGHT) {
			char ref[32];
			snprintf(ref, sizeof ref, "W-%05d", sent++);
			docket_request *r = h_req("draft", "ref", ref, "title", "A title", "text",
			                          "Some text.", "justification", justification,
			                          "decision_maker", "pcc", "category", "other", NULL);
			assert_int_equal(docket_client_send(d->client, r, &id), 0);
			docket_request_destroy(&r);
		}
		docket_msg *m = NULL;
		assert_int_equal(docket_client_recv(d->client, &m, &id), 0);
		assert_true(docket_msg_ok(m));
		docket_msg_destroy(&m);
		got++;
		int64_t size = file_size(wal);
		most = size > most ? size : most;
	}
	print_message("WAL at most %lld bytes over %d commands\n", (long long)most, STREAM);
	assert_true(most > 0);
	assert_true(most <= WAL_BOUND);

	/* The checkpoints were the thread's: passive, every page copied in the end. */
	json_t *j = status(d);
	assert_int_equal(h_jint(j, "last_seq"), STREAM);
	assert_true(h_jint(j, "wal_checkpoint.count") >= 2);
	H_ASSERT_STR(h_jstr(j, "wal_checkpoint.mode"), "passive");
	assert_true(h_jint(j, "wal_bytes") <= WAL_BOUND);
	json_decref(j);

	/* What was checkpointed into the database file is whole, and every command is there. */
	assert_int_equal(h_stop(d, H_WAIT_MS), 0);
	assert_int_equal(file_size(wal), 0);
	sqlite3 *s = NULL;
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_open_v2(db, &s, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(s, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	H_ASSERT_STR((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(s, "SELECT count(*) FROM decisions", -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int64(st, 0), STREAM);
	sqlite3_finalize(st);
	sqlite3_close(s);
	struct h_proc p;
	assert_int_equal(h_cli(d, &p, "verify", "--state-dir", d->state_dir, NULL), 0);
	assert_int_equal(p.status, 0);
	h_proc_free(&p);
	assert_int_equal(h_start(d), 0);
	H_PASS(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_status_figures, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_status_line, h_setup_started, h_teardown),
	    cmocka_unit_test_setup_teardown(test_wal_bounded, h_setup_started, h_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
