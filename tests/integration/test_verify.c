/*
 * The tamper-evident log: what an attacker with the sqlite3 shell does to a
 * stopped docketd's database (a field changed, a row deleted, a row forged
 * with its hash recomputed, the tail cut, an older copy put back) is found
 * by docket verify, naming the first bad seq, and docketd refuses to start
 * on it; a subscriber's signed checkpoint proves the log it was given.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <msgpack.h>
#include <sodium.h>
#include <sqlite3.h>
#include <zmq.h>

#include "harness.h"

/* docketd's exit status when the log does not verify or is behind its watermark (docketd(8)). */
#define EXIT_TAMPERED 79
#define SQLITE3 "/usr/bin/sqlite3"

/* Draft n decisions P-<tag>-<i>; returns the seq of the last one's event. */
static int64_t drafts(struct h_daemon *d, const char *tag, int n)
{
	int64_t seq = 0;
	for (int i = 0; i < n; i++) {
		char ref[32];
		snprintf(ref, sizeof ref, "P-%s-%d", tag, i);
		seq = h_change(d, "draft", "ref", ref, "title", "Chained", "text", "Text.",
		               "justification", "Because.", "decision_maker", "pcc", "category",
		               "other", NULL);
	}
	return seq;
}

static void db_path(struct h_daemon *d, const char *name, char *out, size_t cap)
{
	snprintf(out, cap, "%s/%s", d->state_dir, name);
}

/* What an attacker does: lift the triggers that keep the log, then run sql with sqlite3. */
static void tamper(struct h_daemon *d, const char *sql)
{
	char path[320], script[2048];
	struct h_proc p;
	db_path(d, "docket.db", path, sizeof path);
	snprintf(script, sizeof script,
	         "DROP TRIGGER IF EXISTS events_fixed; DROP TRIGGER IF EXISTS events_keep; %s",
	         sql);
	const char *const argv[] = {SQLITE3, path, script, NULL};
	assert_int_equal(h_run(&p, argv, NULL, H_WAIT_MS), 0);
	if (p.status != 0)
		fail_msg("sqlite3 exited %d: %s", p.status, p.err);
	h_proc_free(&p);
}

/* Run docket verify on d's state directory with more arguments (NULL-terminated). */
static void verify(struct h_daemon *d, struct h_proc *p, const char *a, const char *b)
{
	assert_int_equal(h_cli(d, p, "verify", "--state-dir", d->state_dir, a, b, NULL), 0);
}

/* docket verify must exit 1 with a line of stderr naming seq, and words in the reason. */
static void expect_bad(struct h_daemon *d, int64_t seq, const char *words, const char *a,
                       const char *b)
{
	struct h_proc p;
	char head[32];
	verify(d, &p, a, b);
	snprintf(head, sizeof head, "seq %lld: ", (long long)seq);
	const char *line = strstr(p.err, head);
	if (p.status != 1 || !line || (line != p.err && line[-1] != '\n') || !strstr(line, words))
		fail_msg("docket verify exited %d with \"%s\", expected 1 and \"%s...%s\"",
		         p.status, p.err, head, words);
	assert_int_equal(p.out_len, 0);
	h_proc_free(&p);
}

/* docketd must refuse to start on the log, with the distinct status and a message holding words. */
static void expect_refused(struct h_daemon *d, const char *words)
{
	size_t from = h_stderr_size(d);
	assert_int_equal(h_start(d), -1);
	assert_int_equal(d->status, EXIT_TAMPERED);
	char *log = h_stderr(d);
	assert_non_null(log);
	H_ASSERT_CONTAINS(log + from, words);
	free(log);
}

static int64_t started_with_drafts(struct h_daemon *d, int n)
{
	assert_int_equal(h_start(d), 0);
	int64_t seq = drafts(d, "a", n);
	assert_int_equal(seq, n);
	assert_int_equal(h_stop(d, H_WAIT_MS), 0);
	return seq;
}

static void test_ok_while_running(void **state)
{
	struct h_daemon *d = *state;
	assert_int_equal(h_start(d), 0);
	drafts(d, "ok", 5);
	struct h_proc p;
	verify(d, &p, NULL, NULL);
	assert_int_equal(p.status, 0);
	H_ASSERT_CONTAINS(p.out, "ok: 5 events, head seq 5, hash ");
	h_proc_free(&p);
	/* The watermark trails the commits by a write at most; the log holds all it names. */
	drafts(d, "ok2", 2);
	verify(d, &p, NULL, NULL);
	assert_int_equal(p.status, 0);
	H_ASSERT_CONTAINS(p.out, "ok: 7 events, head seq 7, hash ");
	h_proc_free(&p);
	H_PASS(d);
}

static void test_changed_field(void **state)
{
	struct h_daemon *d = *state;
	started_with_drafts(d, 5);
	tamper(d, "UPDATE events SET actor = 'mallory' WHERE seq = 3;");
	expect_bad(d, 3, "does not match its hash", NULL, NULL);
	expect_refused(d, "seq 3: its content does not match its hash");
	H_PASS(d);
}

static void test_deleted_row(void **state)
{
	struct h_daemon *d = *state;
	started_with_drafts(d, 5);
	tamper(d, "DELETE FROM events WHERE seq = 3;");
	expect_bad(d, 3, "missing", NULL, NULL);
	expect_refused(d, "seq 3: missing");
	H_PASS(d);
}

/*
 * Rewrite event seq with another actor and the hash recomputed as docketd
 * would, from the canonical encoding (PROTOCOL.md, "The log's hash chain")
 * written here with msgpack-c and hashed with libsodium.
 */
static void forge(struct h_daemon *d, int64_t seq)
{
	char path[320], sql[512], hex[2 * 32 + 1];
	sqlite3 *db;
	sqlite3_stmt *st;
	db_path(d, "docket.db", path, sizeof path);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT ts, type, ref, meeting, item, body, prev_hash"
	                                    " FROM events WHERE seq = ?1",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_int64(st, 1, seq);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_array(&pk, 8);
	msgpack_pack_int64(&pk, seq);
	for (int i = 0; i < 2; i++)
		msgpack_pack_str_with_body(&pk, sqlite3_column_text(st, i),
		                           (size_t)sqlite3_column_bytes(st, i));
	msgpack_pack_str_with_body(&pk, "mallory", 7);
	if (sqlite3_column_type(st, 2) == SQLITE_NULL)
		msgpack_pack_nil(&pk);
	else
		msgpack_pack_str_with_body(&pk, sqlite3_column_text(st, 2),
		                           (size_t)sqlite3_column_bytes(st, 2));
	for (int i = 3; i < 5; i++) {
		if (sqlite3_column_type(st, i) == SQLITE_NULL)
			msgpack_pack_nil(&pk);
		else
			msgpack_pack_int64(&pk, sqlite3_column_int64(st, i));
	}
	msgpack_pack_bin_with_body(&pk, sqlite3_column_blob(st, 5),
	                           (size_t)sqlite3_column_bytes(st, 5));
	assert_int_equal(sqlite3_column_bytes(st, 6), 32);
	crypto_generichash_state hs;
	uint8_t hash[32];
	crypto_generichash_init(&hs, NULL, 0, sizeof hash);
	crypto_generichash_update(&hs, sqlite3_column_blob(st, 6), 32);
	crypto_generichash_update(&hs, (const unsigned char *)sb.data, sb.size);
	crypto_generichash_final(&hs, hash, sizeof hash);
	msgpack_sbuffer_destroy(&sb);
	sqlite3_finalize(st);
	sqlite3_close(db);
	sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
	snprintf(sql, sizeof sql,
	         "UPDATE events SET actor = 'mallory', hash = X'%s' WHERE seq = %lld;", hex,
	         (long long)seq);
	tamper(d, sql);
}

static void test_forged_row(void **state)
{
	struct h_daemon *d = *state;
	started_with_drafts(d, 5);
	forge(d, 3);
	expect_bad(d, 3, "rewritten", NULL, NULL);
	expect_refused(d, "seq 3: its hash is not the next event's prev_hash");
	H_PASS(d);
}

/* The chain of what is left holds together: the watermark tells. */
static void test_cut_tail(void **state)
{
	struct h_daemon *d = *state;
	started_with_drafts(d, 5);
	tamper(d, "DELETE FROM events WHERE seq > 3;");
	expect_bad(d, 4, "watermark", NULL, NULL);
	expect_refused(d, "the database ends at seq 3 but seq 5 had been committed");
	H_PASS(d);
}

static void copy_file(const char *from, const char *to)
{
	size_t len = 0;
	char *bytes = h_read_file(from, &len);
	assert_non_null(bytes);
	assert_int_equal(h_write_bytes(to, bytes, len), 0);
	free(bytes);
}

static void test_older_backup(void **state)
{
	struct h_daemon *d = *state;
	char db[320], wal[330], shm[330], backup[320];
	db_path(d, "docket.db", db, sizeof db);
	snprintf(wal, sizeof wal, "%s-wal", db);
	snprintf(shm, sizeof shm, "%s-shm", db);
	snprintf(backup, sizeof backup, "%s/backup.db", d->dir);
	started_with_drafts(d, 3);
	copy_file(db, backup);
	assert_int_equal(h_start(d), 0);
	assert_int_equal(drafts(d, "b", 2), 5);
	assert_int_equal(h_stop(d, H_WAIT_MS), 0);
	/* An operator restores last night's copy. */
	copy_file(backup, db);
	unlink(wal);
	unlink(shm);
	expect_refused(d, "the database ends at seq 3 but seq 5 had been committed");
	expect_bad(d, 4, "restored from an older copy", NULL, NULL);
	H_PASS(d);
}

/* A checkpoint map's seq and bins (PROTOCOL.md 6.1); the harness's JSON takes no bins. */
static void checkpoint_fields(const char *buf, size_t len, int64_t *seq, uint8_t *hash,
                              uint8_t *key, uint8_t *sig)
{
	msgpack_unpacked u;
	msgpack_unpacked_init(&u);
	assert_int_equal(msgpack_unpack_next(&u, buf, len, NULL), MSGPACK_UNPACK_SUCCESS);
	assert_int_equal(u.data.type, MSGPACK_OBJECT_MAP);
	assert_int_equal(u.data.via.map.size, 5);
	for (uint32_t i = 0; i < u.data.via.map.size; i++) {
		msgpack_object_kv *kv = &u.data.via.map.ptr[i];
		const char *k = kv->key.via.str.ptr;
		size_t kl = kv->key.via.str.size;
		if (kl == 3 && !memcmp(k, "seq", 3)) {
			*seq = (int64_t)kv->val.via.u64;
			continue;
		}
		uint8_t *out = kl == 4 && !memcmp(k, "hash", 4)        ? hash
		               : kl == 3 && !memcmp(k, "key", 3)       ? key
		               : kl == 9 && !memcmp(k, "signature", 9) ? sig
		                                                       : NULL;
		if (!out)
			continue;
		assert_int_equal(kv->val.type, MSGPACK_OBJECT_BIN);
		assert_int_equal(kv->val.via.bin.size, out == sig ? 64 : 32);
		memcpy(out, kv->val.via.bin.ptr, kv->val.via.bin.size);
	}
	msgpack_unpacked_destroy(&u);
}

/* Wait for a docket.checkpoint of seq want on s, drafting to move the head until one comes. */
static char *await_checkpoint(struct h_daemon *d, void *s, int64_t *want, size_t *len)
{
	for (int round = 0; round < 20; round++) {
		*want = drafts(d, round ? "cpn" : "cp", 1);
		/* checkpoint_interval is 1 s: one comes within two unless the subscription lags. */
		double until = h_now() + 2.5;
		while (h_now() < until) {
			zmq_pollitem_t it = {.socket = s, .events = ZMQ_POLLIN};
			int ms = (int)((until - h_now()) * 1000) + 1;
			if (zmq_poll(&it, 1, ms) <= 0)
				break;
			char topic[64];
			int n = zmq_recv(s, topic, sizeof topic - 1, 0);
			assert_true(n > 0);
			topic[n] = '\0';
			H_ASSERT_STR(topic, "docket.checkpoint");
			zmq_msg_t body;
			zmq_msg_init(&body);
			assert_true(zmq_msg_recv(&body, s, 0) >= 0);
			int64_t seq = 0;
			uint8_t hash[32], key[32], sig[64];
			checkpoint_fields(zmq_msg_data(&body), zmq_msg_size(&body), &seq, hash, key,
			                  sig);
			if (seq == *want) {
				*len = zmq_msg_size(&body);
				char *copy = malloc(*len);
				assert_non_null(copy);
				memcpy(copy, zmq_msg_data(&body), *len);
				zmq_msg_close(&body);
				return copy;
			}
			zmq_msg_close(&body);
		}
	}
	fail_msg("no docket.checkpoint of the log's head came");
	return NULL;
}

static void test_checkpoint(void **state)
{
	struct h_daemon *d = *state;
	assert_int_equal(h_write_config(d, "[docketd]\ncheckpoint_interval = 1\n"), 0);
	assert_int_equal(h_start(d), 0);
	void *ctx = zmq_ctx_new(), *s = zmq_socket(ctx, ZMQ_SUB);
	int linger = 0;
	zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
	assert_int_equal(zmq_setsockopt(s, ZMQ_SUBSCRIBE, "docket.checkpoint", 17), 0);
	assert_int_equal(zmq_connect(s, d->ev), 0);
	int64_t want;
	size_t len = 0;
	char *frame = await_checkpoint(d, s, &want, &len);
	zmq_close(s);
	zmq_ctx_term(ctx);

	/* The signature holds under the key docketd publishes in checkpoint.pub. */
	int64_t seq = 0;
	uint8_t hash[32], key[32], sig[64], msg[20 + 8 + 32];
	checkpoint_fields(frame, len, &seq, hash, key, sig);
	assert_int_equal(seq, want);
	memcpy(msg, "docket-checkpoint-v1", 20);
	for (int i = 0; i < 8; i++)
		msg[20 + i] = (uint8_t)((uint64_t)seq >> (56 - 8 * i));
	memcpy(msg + 28, hash, 32);
	assert_int_equal(crypto_sign_verify_detached(sig, msg, sizeof msg, key), 0);
	char pub_path[320], key_hex[65], hash_hex[65];
	db_path(d, "checkpoint.pub", pub_path, sizeof pub_path);
	char *pub = h_read_file(pub_path, NULL);
	sodium_bin2hex(key_hex, sizeof key_hex, key, sizeof key);
	assert_non_null(pub);
	H_ASSERT_CONTAINS(pub, key_hex);
	free(pub);

	/* docket verify proves the log holds it: as the frame came, and as JSON (bins in base64).
	 */
	char cp_bin[128], cp_json[128], line[160], json[512];
	snprintf(cp_bin, sizeof cp_bin, "%s/checkpoint.msgpack", d->dir);
	snprintf(cp_json, sizeof cp_json, "%s/checkpoint.json", d->dir);
	assert_int_equal(h_write_bytes(cp_bin, frame, len), 0);
	char b64[3][128];
	sodium_bin2base64(b64[0], sizeof b64[0], hash, 32, sodium_base64_VARIANT_ORIGINAL);
	sodium_bin2base64(b64[1], sizeof b64[1], key, 32, sodium_base64_VARIANT_ORIGINAL);
	sodium_bin2base64(b64[2], sizeof b64[2], sig, 64, sodium_base64_VARIANT_ORIGINAL);
	snprintf(json, sizeof json,
	         "{\"seq\":%lld,\"hash\":\"%s\",\"key\":\"%s\",\"signature\":\"%s\"}\n",
	         (long long)seq, b64[0], b64[1], b64[2]);
	assert_int_equal(h_write_bytes(cp_json, json, strlen(json)), 0);
	assert_int_equal(h_stop(d, H_WAIT_MS), 0);
	sodium_bin2hex(hash_hex, sizeof hash_hex, hash, sizeof hash);
	snprintf(line, sizeof line, "ok: %lld events, head seq %lld, hash %s\n", (long long)seq,
	         (long long)seq, hash_hex);
	const char *const files[] = {cp_bin, cp_json};
	for (int i = 0; i < 2; i++) {
		struct h_proc p;
		verify(d, &p, "--checkpoint", files[i]);
		if (p.status != 0)
			fail_msg("docket verify --checkpoint %s exited %d: %s", files[i], p.status,
			         p.err);
		H_ASSERT_CONTAINS(p.out, line);
		H_ASSERT_CONTAINS(p.out, "checkpoint: seq");
		h_proc_free(&p);
	}

	/* A checkpoint whose signature does not hold proves nothing: exit 65. */
	frame[len - 1] ^= 1;
	assert_int_equal(h_write_bytes(cp_bin, frame, len), 0);
	struct h_proc p;
	verify(d, &p, "--checkpoint", cp_bin);
	assert_int_equal(p.status, 65);
	H_ASSERT_CONTAINS(p.err, "signature");
	h_proc_free(&p);
	free(frame);

	/*
	 * An attacker who rewrites the head and removes the watermark leaves a
	 * chain that holds: only the checkpoint a subscriber kept tells.
	 */
	char mark[320];
	db_path(d, "watermark", mark, sizeof mark);
	forge(d, seq);
	assert_int_equal(unlink(mark), 0);
	verify(d, &p, NULL, NULL);
	assert_int_equal(p.status, 0);
	H_ASSERT_CONTAINS(p.err, "no watermark");
	h_proc_free(&p);
	expect_bad(d, seq, "checkpoint", "--checkpoint", cp_json);
	H_PASS(d);
}

/* A database from before the watermark (or one whose watermark was lost) starts, and gets one. */
static void test_missing_watermark_made(void **state)
{
	struct h_daemon *d = *state;
	char mark[320];
	db_path(d, "watermark", mark, sizeof mark);
	started_with_drafts(d, 2);
	assert_int_equal(unlink(mark), 0);
	size_t from = h_stderr_size(d);
	assert_int_equal(h_start(d), 0);
	assert_int_equal(h_wait_stderr(d, from, "no watermark", H_WAIT_MS), 0);
	assert_int_equal(access(mark, F_OK), 0);
	assert_int_equal(drafts(d, "c", 1), 3);
	assert_int_equal(h_stop(d, H_WAIT_MS), 0);
	/* Cut back to before the watermark was made: refused. */
	tamper(d, "DELETE FROM events WHERE seq = 3;");
	expect_refused(d, "the database ends at seq 2 but seq 3 had been committed");
	H_PASS(d);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_ok_while_running, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_changed_field, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_deleted_row, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_forged_row, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_cut_tail, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_older_backup, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_checkpoint, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_missing_watermark_made, h_setup, h_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
