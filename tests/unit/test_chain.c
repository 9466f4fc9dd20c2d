/*
 * chain: the canonical encoding against PROTOCOL.md's test vectors and bytes
 * written out by hand, the walk against a real SQLite log tampered with,
 * the watermark's slots and the checkpoint's signature.
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

#include "chain.h"
#include "docket/error.h"

static void unhex(const char *h, uint8_t *out, size_t len)
{
	size_t used = 0;
	assert_int_equal(sodium_hex2bin(out, len, h, strlen(h), NULL, &used, NULL), 0);
	assert_int_equal(used, len);
}

static const uint8_t body1[] = {0x81, 0xa3, 's', 'e', 'q', 0x01};

/* PROTOCOL.md, "The log's hash chain": the two events of the test vectors. */
static struct chain_row vector1(void)
{
	return (struct chain_row){.seq = 1,
	                          .ts = {"2026-12-01T09:00:00.000Z", 24},
	                          .type = {"decision.drafted", 16},
	                          .actor = {"office", 6},
	                          .ref = {"PCD 1306", 8},
	                          .body = body1,
	                          .body_len = sizeof body1};
}

static struct chain_row vector2(void)
{
	return (struct chain_row){.seq = 2,
	                          .ts = {"2026-12-01T09:05:00.000Z", 24},
	                          .type = {"meeting.created", 15},
	                          .actor = {"sec", 3},
	                          .has_meeting = true,
	                          .meeting = 7,
	                          .body = "\x80",
	                          .body_len = 1};
}

#define HASH1 "ac0297788ed0d15943827a06bdb2bed23722e4c0d84021f71ad34a718b204358"
#define HASH2 "d30a0a546f527c7bb36f945895002bf6d8cb01c50f48d0ca1284cdda8e417f96"

/* BLAKE2b-256 of prev and the encoding written out byte by byte, as a reader of the spec would. */
static void by_hand(const uint8_t *prev, const uint8_t *enc, size_t len, uint8_t *out)
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, CHAIN_HASH_LEN);
	crypto_generichash_update(&st, prev, CHAIN_HASH_LEN);
	crypto_generichash_update(&st, enc, len);
	crypto_generichash_final(&st, out, CHAIN_HASH_LEN);
}

static void test_vectors(void **state)
{
	(void)state;
	uint8_t zero[CHAIN_HASH_LEN] = {0}, h1[CHAIN_HASH_LEN], h2[CHAIN_HASH_LEN];
	uint8_t want[CHAIN_HASH_LEN], hand[CHAIN_HASH_LEN];
	struct chain_row r1 = vector1(), r2 = vector2();
	chain_hash(zero, &r1, h1);
	unhex(HASH1, want, sizeof want);
	assert_memory_equal(h1, want, CHAIN_HASH_LEN);
	chain_hash(h1, &r2, h2);
	unhex(HASH2, want, sizeof want);
	assert_memory_equal(h2, want, CHAIN_HASH_LEN);

	static const uint8_t enc1[] = "\x98\x01\xb8"
	                              "2026-12-01T09:00:00.000Z"
	                              "\xb0"
	                              "decision.drafted"
	                              "\xa6"
	                              "office"
	                              "\xa8"
	                              "PCD 1306"
	                              "\xc0\xc0\xc4\x06\x81\xa3seq\x01";
	by_hand(zero, enc1, sizeof enc1 - 1, hand);
	assert_memory_equal(hand, h1, CHAIN_HASH_LEN);
	static const uint8_t enc2[] = "\x98\x02\xb8"
	                              "2026-12-01T09:05:00.000Z"
	                              "\xaf"
	                              "meeting.created"
	                              "\xa3"
	                              "sec"
	                              "\xc0\x07\xc0\xc4\x01\x80";
	by_hand(h1, enc2, sizeof enc2 - 1, hand);
	assert_memory_equal(hand, h2, CHAIN_HASH_LEN);

	/* nil and 0 differ, and so do "" and nil: the columns' NULLs are in the hash. */
	struct chain_row r = r1;
	r.has_meeting = true;
	r.meeting = 0;
	chain_hash(zero, &r, hand);
	assert_memory_not_equal(hand, h1, CHAIN_HASH_LEN);
	r = r2;
	r.ref = (struct chain_text){"", 0};
	chain_hash(h1, &r, hand);
	assert_memory_not_equal(hand, h2, CHAIN_HASH_LEN);
}

/* Shortest forms past the fix ranges: seq and meeting as uint 16/32, str 8, bin 16. */
static void test_longer_forms(void **state)
{
	(void)state;
	char type[40];
	uint8_t body[300], zero[CHAIN_HASH_LEN] = {0}, got[CHAIN_HASH_LEN], hand[CHAIN_HASH_LEN];
	memset(type, 't', sizeof type);
	memset(body, 0x5a, sizeof body);
	struct chain_row r = {.seq = 300,
	                      .ts = {"t", 1},
	                      .type = {type, sizeof type},
	                      .actor = {"a", 1},
	                      .has_meeting = true,
	                      .meeting = 70000,
	                      .has_item = true,
	                      .item = 5,
	                      .body = body,
	                      .body_len = sizeof body};
	chain_hash(zero, &r, got);
	uint8_t enc[512];
	size_t n = 0;
	enc[n++] = 0x98;
	enc[n++] = 0xcd, enc[n++] = 0x01, enc[n++] = 0x2c; /* 300 */
	enc[n++] = 0xa1, enc[n++] = 't';
	enc[n++] = 0xd9, enc[n++] = 40;
	memcpy(enc + n, type, sizeof type), n += sizeof type;
	enc[n++] = 0xa1, enc[n++] = 'a';
	enc[n++] = 0xc0;
	enc[n++] = 0xce, enc[n++] = 0, enc[n++] = 0x01, enc[n++] = 0x11, enc[n++] = 0x70;
	enc[n++] = 0x05;
	enc[n++] = 0xc5, enc[n++] = 0x01, enc[n++] = 0x2c;
	memcpy(enc + n, body, sizeof body), n += sizeof body;
	by_hand(zero, enc, n, hand);
	assert_memory_equal(got, hand, CHAIN_HASH_LEN);
}

/* A log of n events in a fresh in-memory database, chained as docketd appends them. */
static sqlite3 *make_log(int n)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                              "CREATE TABLE events (seq INTEGER PRIMARY KEY, ts TEXT, type"
	                              " TEXT, actor TEXT, ref TEXT, meeting INTEGER, item INTEGER,"
	                              " body BLOB, prev_hash BLOB, hash BLOB)",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "INSERT INTO events VALUES (?1, ?2, 'decision.drafted',"
	                                    " 'office', ?3, NULL, NULL, ?4, ?5, ?6)",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	uint8_t prev[CHAIN_HASH_LEN] = {0}, hash[CHAIN_HASH_LEN];
	for (int i = 1; i <= n; i++) {
		char ts[32], ref[16], body[16];
		snprintf(ts, sizeof ts, "2026-12-01T09:00:%02d.000Z", i % 60);
		snprintf(ref, sizeof ref, "R-%d", i);
		snprintf(body, sizeof body, "body %d", i);
		struct chain_row r = {.seq = i,
		                      .ts = {ts, strlen(ts)},
		                      .type = {"decision.drafted", 16},
		                      .actor = {"office", 6},
		                      .ref = {ref, strlen(ref)},
		                      .body = body,
		                      .body_len = strlen(body)};
		chain_hash(prev, &r, hash);
		sqlite3_bind_int(st, 1, i);
		sqlite3_bind_text(st, 2, ts, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, ref, -1, SQLITE_TRANSIENT);
		sqlite3_bind_blob(st, 4, body, (int)strlen(body), SQLITE_TRANSIENT);
		sqlite3_bind_blob(st, 5, prev, CHAIN_HASH_LEN, SQLITE_TRANSIENT);
		sqlite3_bind_blob(st, 6, hash, CHAIN_HASH_LEN, SQLITE_TRANSIENT);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
		memcpy(prev, hash, CHAIN_HASH_LEN);
	}
	sqlite3_finalize(st);
	return db;
}

static void exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
}

/* Walk db and expect the first bad seq (0: none) and a word of the reason. */
static void expect_walk(sqlite3 *db, int64_t bad, const char *why, int64_t head)
{
	struct chain_report r;
	assert_int_equal(chain_walk(db, 0, &r), 0);
	if (r.bad_seq != bad)
		fail_msg("bad seq %lld (%s), expected %lld", (long long)r.bad_seq, r.why,
		         (long long)bad);
	if (why && !strstr(r.why, why))
		fail_msg("\"%s\" does not say \"%s\"", r.why, why);
	assert_int_equal(r.head_seq, head);
	assert_true(r.complete);
}

static void test_walk(void **state)
{
	(void)state;
	sqlite3 *db = make_log(10);
	expect_walk(db, 0, NULL, 10);
	uint8_t h[CHAIN_HASH_LEN];
	assert_int_equal(chain_hash_at(db, 10, h), 0);
	assert_int_equal(chain_hash_at(db, 11, h), -DOCKET_ENOTFOUND);
	int64_t last;
	assert_int_equal(chain_last_seq(db, &last), 0);
	assert_int_equal(last, 10);

	/* A field changed. */
	exec(db, "UPDATE events SET actor = 'mallory' WHERE seq = 4");
	expect_walk(db, 4, "does not match its hash", 3);
	sqlite3_close(db);

	/* A NULL made of a value, and a value's type changed: both are changes. */
	db = make_log(5);
	exec(db, "UPDATE events SET ref = NULL WHERE seq = 2");
	expect_walk(db, 2, "does not match", 1);
	sqlite3_close(db);
	db = make_log(5);
	exec(db, "UPDATE events SET meeting = 'x' WHERE seq = 3");
	expect_walk(db, 3, "meeting is not an integer", 2);
	sqlite3_close(db);

	/* A row deleted, the first one too. */
	db = make_log(10);
	exec(db, "DELETE FROM events WHERE seq = 6");
	expect_walk(db, 6, "missing", 5);
	exec(db, "DELETE FROM events WHERE seq = 1");
	expect_walk(db, 1, "missing", 0);
	sqlite3_close(db);

	/* A row rewritten with its hash recomputed: the next row's link names it. */
	db = make_log(10);
	sqlite3_stmt *st;
	uint8_t prev[CHAIN_HASH_LEN], hash[CHAIN_HASH_LEN];
	assert_int_equal(chain_hash_at(db, 6, prev), 0);
	struct chain_row r = {.seq = 7,
	                      .ts = {"2026-12-01T09:00:07.000Z", 24},
	                      .type = {"decision.drafted", 16},
	                      .actor = {"mallory", 7},
	                      .ref = {"R-7", 3},
	                      .body = "body 7",
	                      .body_len = 6};
	chain_hash(prev, &r, hash);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "UPDATE events SET actor = 'mallory', hash = ?1"
	                                    " WHERE seq = 7",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_blob(st, 1, hash, CHAIN_HASH_LEN, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	expect_walk(db, 7, "rewritten", 6);
	/* The same at the head holds together: only the watermark can tell. */
	exec(db, "DELETE FROM events WHERE seq > 7");
	expect_walk(db, 0, NULL, 7);
	sqlite3_close(db);

	/* A hash of the wrong length. */
	db = make_log(3);
	exec(db, "UPDATE events SET hash = x'00' WHERE seq = 3");
	expect_walk(db, 3, "hash is not 32 bytes", 2);
	assert_int_equal(chain_hash_at(db, 3, h), -DOCKET_EPROTO);
	sqlite3_close(db);

	/* An empty log verifies, with seq 0 and a zero hash. */
	db = make_log(0);
	expect_walk(db, 0, NULL, 0);
	sqlite3_close(db);
}

static void test_walk_budget(void **state)
{
	(void)state;
	sqlite3 *db = make_log(5000);
	struct chain_report r;
	/* 1 ms is too short for 5,000 events on any machine that runs this suite. */
	assert_int_equal(chain_walk(db, 1, &r), 0);
	assert_int_equal(r.bad_seq, 0);
	if (!r.complete)
		assert_true(r.head_seq > 0 && r.head_seq < 5000);
	assert_int_equal(chain_walk(db, 0, &r), 0);
	assert_true(r.complete);
	assert_int_equal(r.head_seq, 5000);
	assert_int_equal(r.events, 5000);
	sqlite3_close(db);
}

static void write_bytes(const char *path, const uint8_t *b, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, n, f), n);
	fclose(f);
}

static void test_watermark(void **state)
{
	(void)state;
	char dir[] = "/tmp/docket-chain-XXXXXX", path[64];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/watermark", dir);
	struct chain_mark m, a = {.seq = 41}, b = {.seq = 42};
	memset(a.hash, 0xaa, sizeof a.hash);
	memset(b.hash, 0xbb, sizeof b.hash);
	assert_int_equal(chain_mark_read(path, &m), -DOCKET_ENOTFOUND);
	uint8_t file[2 * CHAIN_MARK_SLOT];
	write_bytes(path, file, 0);
	assert_int_equal(chain_mark_read(path, &m), -DOCKET_ENOTFOUND);

	/* The slot of greater seq, whichever it is. */
	chain_mark_encode(&b, file);
	chain_mark_encode(&a, file + CHAIN_MARK_SLOT);
	write_bytes(path, file, sizeof file);
	assert_int_equal(chain_mark_read(path, &m), 0);
	assert_int_equal(m.seq, 42);
	assert_memory_equal(m.hash, b.hash, CHAIN_HASH_LEN);

	/* A torn slot is passed over for the whole one. */
	file[30] ^= 1;
	write_bytes(path, file, sizeof file);
	assert_int_equal(chain_mark_read(path, &m), 0);
	assert_int_equal(m.seq, 41);
	file[CHAIN_MARK_SLOT + 70] ^= 1;
	write_bytes(path, file, sizeof file);
	assert_int_equal(chain_mark_read(path, &m), -DOCKET_EPROTO);
	write_bytes(path, (const uint8_t *)"not a watermark\n", 16);
	assert_int_equal(chain_mark_read(path, &m), -DOCKET_EPROTO);
	unlink(path);
	rmdir(dir);
}

/* The docket.checkpoint map as docketd packs it. */
static size_t pack_checkpoint(msgpack_sbuffer *sb, const struct chain_checkpoint *c)
{
	msgpack_packer pk;
	msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 5);
	msgpack_pack_str_with_body(&pk, "seq", 3);
	msgpack_pack_int64(&pk, c->seq);
	msgpack_pack_str_with_body(&pk, "hash", 4);
	msgpack_pack_bin_with_body(&pk, c->hash, CHAIN_HASH_LEN);
	msgpack_pack_str_with_body(&pk, "ts", 2);
	msgpack_pack_str_with_body(&pk, "2026-12-01T09:05:01.000Z", 24);
	msgpack_pack_str_with_body(&pk, "key", 3);
	msgpack_pack_bin_with_body(&pk, c->key, CHAIN_KEY_LEN);
	msgpack_pack_str_with_body(&pk, "signature", 9);
	msgpack_pack_bin_with_body(&pk, c->signature, CHAIN_SIG_LEN);
	return sb->size;
}

static void test_checkpoint(void **state)
{
	(void)state;
	/* PROTOCOL.md's vector: the seed of 32 bytes 0x07 signs seq 2 and HASH2. */
	uint8_t seed[32], sk[64], msg[CHAIN_CHECKPOINT_MSG_LEN], want[CHAIN_SIG_LEN];
	struct chain_checkpoint c = {.seq = 2}, got;
	memset(seed, 7, sizeof seed);
	crypto_sign_seed_keypair(c.key, sk, seed);
	unhex(HASH2, c.hash, sizeof c.hash);
	chain_checkpoint_message(c.seq, c.hash, msg);
	assert_memory_equal(msg, "docket-checkpoint-v1\0\0\0\0\0\0\0\x02", 28);
	crypto_sign_detached(c.signature, NULL, msg, sizeof msg, sk);
	unhex("6c2b9c7089b21c92668e436d0852e1eb4d0f5a2e19080f26aa84f53c2612ed9a"
	      "5f11146b6822e28a9148a0f204f7ad4650c78c5b50ed566420ac8fe7f52c8a0b",
	      want, sizeof want);
	assert_memory_equal(c.signature, want, CHAIN_SIG_LEN);
	unhex("ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c", want,
	      CHAIN_KEY_LEN);
	assert_memory_equal(c.key, want, CHAIN_KEY_LEN);

	msgpack_sbuffer sb;
	msgpack_sbuffer_init(&sb);
	pack_checkpoint(&sb, &c);
	assert_int_equal(chain_checkpoint_decode(sb.data, sb.size, &got), 0);
	assert_int_equal(got.seq, 2);
	assert_string_equal(got.ts, "2026-12-01T09:05:01.000Z");
	assert_true(chain_checkpoint_valid(&got));
	got.seq = 3;
	assert_false(chain_checkpoint_valid(&got));
	got.seq = 2;
	got.hash[0] ^= 1;
	assert_false(chain_checkpoint_valid(&got));
	/* Cut short, or a map without its signature. */
	assert_int_equal(chain_checkpoint_decode(sb.data, sb.size - 1, &got), -DOCKET_EPROTO);
	msgpack_sbuffer_clear(&sb);
	msgpack_packer pk;
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 1);
	msgpack_pack_str_with_body(&pk, "seq", 3);
	msgpack_pack_int64(&pk, 2);
	assert_int_equal(chain_checkpoint_decode(sb.data, sb.size, &got), -DOCKET_EPROTO);
	msgpack_sbuffer_destroy(&sb);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vectors),   cmocka_unit_test(test_longer_forms),
	    cmocka_unit_test(test_walk),      cmocka_unit_test(test_walk_budget),
	    cmocka_unit_test(test_watermark), cmocka_unit_test(test_checkpoint),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
