/* store: real SQLite files in a temporary directory, checked through the store and a raw
 * connection. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "arena.h"
#include "docket/error.h"
#include "proto.h"
#include "store.h"
#include "store_int.h" /* the store's own connection, for its per-connection pragmas */
#include "ref.h"
#include "tz.h"

/* The office's zone, for the dates the migration gives older records. */
static struct tz *zone(void)
{
	static struct tz *z;
	if (!z && tz_open(&z, "Europe/London") < 0)
		fail_msg("no Europe/London zone");
	return z;
}

/*
 * Version 1's nine triggers, version 2's two on reminders (never deleted, never replaced),
 * version 3's three on sources and search references, version 5's one on keys.
 */
#define STORE_TRIGGERS 15

struct fx {
	char dir[64];
	char path[128];
	struct store *s;
	struct arena a;
	char err[512];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/docket-store-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof f->path, "%s/docket.db", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	store_close(&f->s);
	arena_free(&f->a);
	DIR *d = opendir(f->dir);
	if (d) {
		struct dirent *e;
		char p[512];
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
				snprintf(p, sizeof p, "%s/%s", f->dir, e->d_name);
				unlink(p);
			}
		closedir(d);
	}
	int rc = rmdir(f->dir);
	free(f);
	return rc;
}

static struct str S(const char *s) {
	return (struct str){s, s ? (uint32_t)strlen(s) : 0};
}

static void
expect_str(struct str got, const char *want)
{
	if (!want) {
		assert_null(got.ptr);
		return;
	}
	if (!got.ptr)
		fail_msg("got nil, expected \"%s\"", want);
	assert_int_equal(got.len, strlen(want));
	assert_memory_equal(got.ptr, want, got.len);
}

static void open_store(struct fx *f)
{
	int rc = store_open(&f->s, f->path, zone(), STORE_CHECK_MS, f->err, sizeof f->err);
	if (rc != 0)
		fail_msg("store_open: %d: %s", rc, f->err);
	assert_non_null(f->s);
}

static void reopen_store(struct fx *f)
{
	store_close(&f->s);
	assert_null(f->s);
	open_store(f);
}

static sqlite3 *raw(const struct fx *f)
{
	sqlite3 *db;
	assert_int_equal(
	    sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
	    SQLITE_OK);
	sqlite3_busy_timeout(db, 2000);
	return db;
}

static int64_t raw_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The first column of the first row as text, copied into buf. */
static const char *raw_text(sqlite3 *db, const char *sql, char *buf, size_t cap)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	const char *t = (const char *)sqlite3_column_text(st, 0);
	snprintf(buf, cap, "%s", t ? t : "(null)");
	sqlite3_finalize(st);
	return buf;
}

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(p, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

/* A draft with every required column, the rest nil. */
static void base_decision(struct decision *d, const char *ref, int state)
{
	memset(d, 0, sizeof *d);
	d->ref = S(ref);
	d->state = state;
	d->version = 1;
	d->cost_pence = -1;
	d->col[D_TITLE] = S("Body worn cameras roll out");
	d->col[D_TEXT] = S("The Commissioner has endorsed the roll out.");
	d->col[D_JUSTIFICATION] = S("Reasons:\n- evidence\n- trust");
	d->col[D_DECISION_MAKER] = S("pcc");
	d->col[D_CATEGORY] = S("spend");
	d->col[D_AUTHOR] = S("alice");
	d->col[D_RESTRICTION] = S("none");
	d->col[D_DRAFTED_AT] = S("2015-07-01T09:00:00.000Z");
}

static void add_event(struct fx *f, const char *ref, const char *body)
{
	struct event ev = {
	    .seq = store_next_seq(f->s),
	    .ts = "2015-07-01T09:00:00.000Z",
	    .type = "decision.drafted",
	    .actor = S("alice"),
	    .ref = S(ref),
	    .body = body,
	    .body_len = strlen(body),
	};
	assert_int_equal(store_append_event(f->s, &ev), 0);
}

/* The log's hash chain verifies from seq 1 to head. */
static void expect_chain(struct fx *f, int64_t head)
{
	struct chain_report r;
	assert_int_equal(store_chain_walk(f->s, 0, &r), 0);
	if (r.bad_seq)
		fail_msg("seq %lld: %s", (long long)r.bad_seq, r.why);
	assert_true(r.complete);
	assert_int_equal(r.head_seq, head);
	int64_t seq;
	uint8_t hash[CHAIN_HASH_LEN];
	assert_int_equal(store_chain_head(f->s, &seq, hash), 0);
	assert_int_equal(seq, head);
	assert_memory_equal(hash, r.head_hash, CHAIN_HASH_LEN);
}

/*
 * A command rolled back takes its events with it: the next event chains to
 * the last one kept, whether the store remembers its hash or reads it back.
 */
static void test_chain_across_rollbacks(void **state)
{
	struct fx *f = *state;
	open_store(f);
	assert_int_equal(store_begin(f->s), 0);
	add_event(f, "A 1", "one");
	assert_int_equal(store_savepoint(f->s), 0);
	add_event(f, "A 1", "two, undone");
	add_event(f, "A 1", "three, undone");
	assert_int_equal(store_rollback_savepoint(f->s), 0);
	assert_int_equal(store_savepoint(f->s), 0);
	add_event(f, "A 1", "two");
	assert_int_equal(store_release(f->s), 0);
	assert_int_equal(store_commit(f->s), 0);
	expect_chain(f, 2);
	/* A whole batch rolled back, and one whose last command was. */
	assert_int_equal(store_begin(f->s), 0);
	add_event(f, "A 1", "three, undone too");
	assert_int_equal(store_rollback(f->s), 0);
	expect_chain(f, 2);
	assert_int_equal(store_begin(f->s), 0);
	add_event(f, "A 1", "three");
	assert_int_equal(store_savepoint(f->s), 0);
	add_event(f, "A 1", "four, undone");
	assert_int_equal(store_rollback_savepoint(f->s), 0);
	assert_int_equal(store_commit(f->s), 0);
	expect_chain(f, 3);
	/* Reopened, the store reads the head's hash back. */
	reopen_store(f);
	assert_int_equal(store_begin(f->s), 0);
	add_event(f, "A 1", "four");
	assert_int_equal(store_commit(f->s), 0);
	expect_chain(f, 4);
}

static void test_open_creates_schema(void **state)
{
	struct fx *f = *state;
	open_store(f);
	assert_int_equal(store_next_seq(f->s), 1);
	assert_false(store_in_transaction(f->s));

	sqlite3 *db = raw(f);
	char buf[64];
	assert_int_equal(raw_int(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_string_equal(raw_text(db, "PRAGMA journal_mode", buf, sizeof buf), "wal");
	static const char *const tables[] = {"decisions", "events",    "meetings",
	                                     "items",     "idempotency", "reminders",
	                                     "sources",   "search_refs", "search"};
	for (size_t i = 0; i < 9; i++) {
		char sql[128];
		snprintf(sql, sizeof sql,
		         "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '%s'",
		         tables[i]);
		assert_int_equal(raw_int(db, sql), 1);
	}
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"),
	                 STORE_TRIGGERS);
	sqlite3_close(db);

	/* synchronous and foreign_keys belong to a connection: ask the store's own. */
	assert_int_equal(raw_int(f->s->db, "PRAGMA synchronous"), 2);
	assert_int_equal(raw_int(f->s->db, "PRAGMA foreign_keys"), 1);
	assert_string_equal(raw_text(f->s->db, "PRAGMA journal_mode", buf, sizeof buf), "wal");
}

static void test_reopen_keeps_data(void **state)
{
	struct fx *f = *state;
	open_store(f);
	struct decision d;
	base_decision(&d, "35 - 2015", ST_DRAFT);
	assert_int_equal(store_begin(f->s), 0);
	assert_int_equal(store_decision_insert(f->s, &d), 0);
	add_event(f, "35 - 2015", "one");
	add_event(f, "35 - 2015", "two");
	assert_int_equal(store_commit(f->s), 0);
	struct meeting m = {.panel = S("Kent and Medway Police and Crime Panel"),
	                    .starts_at = S("2015-09-22T09:00:00Z"),
	                    .status = MS_SCHEDULED,
	                    .version = 1};
	assert_int_equal(store_meeting_insert(f->s, &m), 0);
	struct str req, res;
	int64_t pairs;
	assert_int_equal(store_idem_put(f->s, S("alice"), S("k"), S("request"), "reply", 5, 2), 0);

	reopen_store(f);
	assert_int_equal(store_next_seq(f->s), 3);
	struct decision got;
	assert_int_equal(store_decision_get(f->s, S("35 - 2015"), &f->a, &got), 0);
	assert_int_equal(got.state, ST_DRAFT);
	expect_str(got.col[D_TITLE], "Body worn cameras roll out");
	struct meeting gm;
	assert_int_equal(store_meeting_get(f->s, m.id, &f->a, &gm), 0);
	expect_str(gm.panel, "Kent and Medway Police and Crime Panel");
	assert_int_equal(store_idem_get(f->s, S("alice"), S("k"), &f->a, &req, &res, &pairs), 1);
	expect_str(res, "reply");

	/* Reopening an up-to-date database changes nothing about its schema. */
	sqlite3 *db = raw(f);
	assert_int_equal(raw_int(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	sqlite3_close(db);
}

static void test_newer_schema_refused(void **state)
{
	struct fx *f = *state;
	sqlite3 *db = raw(f);
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", STORE_SCHEMA_VERSION + 1);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE future (x);", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	struct store *s = (struct store *)1;
	f->err[0] = '\0';
	assert_int_equal(store_open(&s, f->path, zone(), STORE_CHECK_MS, f->err, sizeof f->err),
	                 -DOCKET_ESTORAGE);
	assert_null(s);
	assert_true(strlen(f->err) > 0);
	char v[16];
	snprintf(v, sizeof v, "%d", STORE_SCHEMA_VERSION + 1);
	if (!strstr(f->err, v))
		fail_msg("message \"%s\" does not give the version %s", f->err, v);

	/* Nothing was migrated or created. */
	db = raw(f);
	assert_int_equal(raw_int(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION + 1);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'decisions'"),
	                 0);
	sqlite3_close(db);
}

static void expect_refused_as(struct fx *f, int code)
{
	struct store *s = (struct store *)1;
	f->err[0] = '\0';
	int rc = store_open(&s, f->path, zone(), STORE_CHECK_MS, f->err, sizeof f->err);
	assert_int_equal(rc, code);
	assert_null(s);
	assert_true(strlen(f->err) > 0);
}

static void expect_refused(struct fx *f)
{
	expect_refused_as(f, -DOCKET_ESTORAGE);
}

static void test_corrupt_refused(void **state)
{
	struct fx *f = *state;
	/* Random bytes (a fixed seed, so a failure can be replayed). */
	uint8_t junk[8192];
	uint32_t x = 2463534242u;
	for (size_t i = 0; i < sizeof junk; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		junk[i] = (uint8_t)x;
	}
	write_file(f->path, junk, sizeof junk);
	expect_refused(f);

	/* A text file, which must be left as it was. */
	static const char text[] = "[docketd]\ncommands = tcp://127.0.0.1:5570\n"
	                           "This is a configuration file, not a database.\n";
	write_file(f->path, text, sizeof text - 1);
	expect_refused(f);
	FILE *fp = fopen(f->path, "rb");
	assert_non_null(fp);
	char back[256];
	size_t n = fread(back, 1, sizeof back, fp);
	fclose(fp);
	assert_int_equal(n, sizeof text - 1);
	assert_memory_equal(back, text, n);

	/* A real header followed by garbage pages. */
	memcpy(junk, "SQLite format 3", 16);
	write_file(f->path, junk, sizeof junk);
	expect_refused(f);

	/* A directory where the file should be, and a directory that does not exist: no file to open. */
	unlink(f->path);
	snprintf(f->path, sizeof f->path, "%s", f->dir);
	expect_refused_as(f, -DOCKET_ESYS);
	snprintf(f->path, sizeof f->path, "%s/no/such/dir/docket.db", f->dir);
	expect_refused_as(f, -DOCKET_ESYS);
}

/* Open a database of the previous version (for version 1: none) and check it was brought up to
 * date. */
static void expect_migrated(struct fx *f)
{
	open_store(f);
	sqlite3 *db = raw(f);
	char buf[64];
	assert_int_equal(raw_int(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_string_equal(raw_text(db, "PRAGMA journal_mode", buf, sizeof buf), "wal");
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"),
	                 STORE_TRIGGERS);
	sqlite3_close(db);
	/* And it works. */
	struct decision d, got;
	base_decision(&d, "2024/22", ST_DRAFT);
	assert_int_equal(store_decision_insert(f->s, &d), 0);
	assert_int_equal(store_decision_get(f->s, S("2024/22"), &f->a, &got), 0);
}

static void test_migrate_from_empty_file(void **state)
{
	struct fx *f = *state;
	write_file(f->path, "", 0);
	expect_migrated(f);
}

static void test_migrate_from_version_0(void **state)
{
	struct fx *f = *state;
	/* A database sqlite3 made, in the default rollback-journal mode, with user_version 0. */
	sqlite3 *db = raw(f);
	assert_int_equal(sqlite3_exec(db,
	                              "PRAGMA journal_mode = DELETE; PRAGMA user_version = 0;"
	                              " CREATE TABLE scratch (x); DROP TABLE scratch;",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	char buf[64];
	assert_string_equal(raw_text(db, "PRAGMA journal_mode", buf, sizeof buf), "delete");
	assert_int_equal(raw_int(db, "PRAGMA user_version"), 0);
	sqlite3_close(db);
	FILE *fp = fopen(f->path, "rb");
	assert_non_null(fp);
	char magic[16];
	assert_int_equal(fread(magic, 1, 16, fp), 16);
	fclose(fp);
	assert_memory_equal(magic, "SQLite format 3", 16);

	expect_migrated(f);
}

/* A migration that fails part-way leaves the file as it found it. */
static void test_failed_migration_is_undone(void **state)
{
	struct fx *f = *state;
	sqlite3 *db = raw(f);
	/* A stray table named like one the migration creates, after meetings and items. */
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE decisions (x);", NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	expect_refused(f);
	db = raw(f);
	assert_int_equal(raw_int(db, "PRAGMA user_version"), 0);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'meetings'"),
	                 0);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'items'"), 0);
	sqlite3_close(db);
}

/* A meeting and an item on it; returns the item id. */
static int64_t add_item(struct fx *f, const char *starts_at, const char *code)
{
	struct meeting m = {.panel = S("Kent and Medway Police and Crime Panel"),
	                    .starts_at = S(starts_at),
	                    .status = MS_SCHEDULED,
	                    .version = 1};
	assert_int_equal(store_meeting_insert(f->s, &m), 0);
	struct item it = {.meeting = m.id, .code = S(code), .subject = S("Key Decisions")};
	assert_int_equal(store_item_insert(f->s, &it), 0);
	return it.id;
}

static void test_decision_round_trip(void **state)
{
	struct fx *f = *state;
	open_store(f);
	int64_t item = add_item(f, "2015-09-22T09:00:00Z", "C1");

	/* Every column set, each to a value of its own. */
	struct decision d, got;
	base_decision(&d, "35 - 2015", ST_REPORTED);
	d.version = 7;
	d.cost_pence = 180000000;
	d.item = item;
	static const char *const vals[D_COUNT] = {
	    [D_TITLE] = "Body worn cameras – roll out",
	    [D_TEXT] = "The Commissioner has endorsed\nthe roll out.",
	    [D_JUSTIFICATION] = "Paragraph one.\r\n\r\n- bullet\n- bullet\n",
	    [D_DECISION_MAKER] = "deputy_pcc",
	    [D_CATEGORY] = "strategic",
	    [D_COST_TEXT] = "£1.8m from approved capital resources",
	    [D_AUTHOR] = "alice",
	    [D_RESTRICTION] = "part",
	    [D_RESTRICTION_REASON] = "commercially sensitive",
	    [D_REVIEW_DATE] = "2016-04-01",
	    [D_COMMENT] = "a comment",
	    [D_RECOMMENDATION] = "Publish the business case.",
	    [D_RESPONSE_DUE] = "2015-10-22",
	    [D_RESPONSE] = "Published.",
	    [D_DRAFTED_AT] = "2015-07-01T09:00:00.000Z",
	    [D_SUBMITTED_AT] = "2015-07-02T09:00:00.000Z",
	    [D_ENDORSED_AT] = "2015-07-03T09:00:00.000Z",
	    [D_ENDORSED_BY] = "Ann Barnes",
	    [D_PUBLISHED_AT] = "2015-07-04T09:00:00.000Z",
	    [D_REPORTED_AT] = "2015-09-22T11:00:00.000Z",
	    [D_CLOSED_AT] = "2015-09-23T09:00:00.000Z",
	    [D_DECIDED_ON] = "2015-07-03",
	    [D_PUBLISHED_ON] = "2015-07-04",
	    [D_REPORTED_ON] = "2015-09-22",
	    [D_NOTED_ON] = "2015-09-23",
	    [D_RECOMMENDED_ON] = "2015-09-24",
	    [D_RESPONDED_ON] = "2015-09-25",
	    [D_WITHHELD] = "the contract value",
	    [D_PUBLIC_TEXT] = "The Commissioner has endorsed body worn cameras.",
	    [D_PUBLIC_JUSTIFICATION] = "Value for money.",
	};
	for (int i = 0; i < D_COUNT; i++) {
		assert_non_null(vals[i]);
		d.col[i] = S(vals[i]);
	}
	assert_int_equal(store_decision_insert(f->s, &d), 0);
	assert_int_equal(store_decision_get(f->s, S("35 - 2015"), &f->a, &got), 0);
	expect_str(got.ref, "35 - 2015");
	assert_int_equal(got.state, ST_REPORTED);
	assert_int_equal(got.version, 7);
	assert_int_equal(got.cost_pence, 180000000);
	assert_int_equal(got.item, item);
	for (int i = 0; i < D_COUNT; i++)
		expect_str(got.col[i], vals[i]);
	/* The copies live in the arena, not in SQLite's row. */
	assert_ptr_not_equal(got.col[D_TITLE].ptr, vals[D_TITLE]);

	/* Optional columns nil, cost -1, no item; an empty string stays empty, not nil. */
	base_decision(&d, "35 - 2016", ST_DRAFT);
	d.col[D_COST_TEXT] = S("");
	assert_int_equal(store_decision_insert(f->s, &d), 0);
	assert_int_equal(store_decision_get(f->s, S("35 - 2016"), &f->a, &got), 0);
	assert_int_equal(got.cost_pence, -1);
	assert_int_equal(got.item, 0);
	expect_str(got.col[D_COST_TEXT], "");
	static const int nil_cols[] = {
	    D_RESTRICTION_REASON, D_REVIEW_DATE,    D_COMMENT,     D_RECOMMENDATION, D_RESPONSE_DUE,
	    D_RESPONSE,           D_SUBMITTED_AT,   D_ENDORSED_AT, D_ENDORSED_BY,    D_PUBLISHED_AT,
	    D_REPORTED_AT,        D_CLOSED_AT,      D_DECIDED_ON,  D_PUBLISHED_ON,   D_REPORTED_ON,
	    D_NOTED_ON,           D_RECOMMENDED_ON, D_RESPONDED_ON};
	for (size_t i = 0; i < sizeof nil_cols / sizeof nil_cols[0]; i++)
		expect_str(got.col[nil_cols[i]], NULL);
	sqlite3 *db = raw(f);
	assert_int_equal(
	    raw_int(db, "SELECT cost_pence IS NULL FROM decisions WHERE ref = '35 - 2016'"), 1);
	assert_int_equal(raw_int(db, "SELECT item IS NULL FROM decisions WHERE ref = '35 - 2016'"),
	                 1);
	assert_int_equal(
	    raw_int(db, "SELECT cost_text = '' FROM decisions WHERE ref = '35 - 2016'"), 1);
	assert_int_equal(raw_int(db, "SELECT cost_pence FROM decisions WHERE ref = '35 - 2015'"),
	                 180000000);

	/* Update: every column again, some back to nil, a cost of zero. */
	d = got;
	d.ref = S("35 - 2016");
	d.state = ST_SUBMITTED;
	d.version = 2;
	d.cost_pence = 0;
	d.item = item;
	d.col[D_TITLE] = S("New title");
	d.col[D_COST_TEXT] = (struct str){NULL, 0};
	d.col[D_SUBMITTED_AT] = S("2015-07-02T10:00:00.000Z");
	assert_int_equal(store_decision_update(f->s, &d), 0);
	assert_int_equal(store_decision_get(f->s, S("35 - 2016"), &f->a, &got), 0);
	assert_int_equal(got.state, ST_SUBMITTED);
	assert_int_equal(got.version, 2);
	assert_int_equal(got.cost_pence, 0);
	assert_int_equal(got.item, item);
	expect_str(got.col[D_TITLE], "New title");
	expect_str(got.col[D_COST_TEXT], NULL);
	expect_str(got.col[D_SUBMITTED_AT], "2015-07-02T10:00:00.000Z");
	expect_str(got.col[D_JUSTIFICATION], "Reasons:\n- evidence\n- trust");
	assert_int_equal(
	    raw_int(db, "SELECT cost_pence IS 0 FROM decisions WHERE ref = '35 - 2016'"), 1);
	/* Back to no cost. */
	d.cost_pence = -1;
	d.item = 0;
	assert_int_equal(store_decision_update(f->s, &d), 0);
	assert_int_equal(store_decision_get(f->s, S("35 - 2016"), &f->a, &got), 0);
	assert_int_equal(got.cost_pence, -1);
	assert_int_equal(got.item, 0);
	/* The other decision was not touched. */
	assert_int_equal(store_decision_get(f->s, S("35 - 2015"), &f->a, &got), 0);
	assert_int_equal(got.version, 7);
	sqlite3_close(db);

	assert_int_equal(store_decision_get(f->s, S("no such"), &f->a, &got), -DOCKET_ENOTFOUND);
	/* The ref is unique; required columns are required; items must exist. */
	base_decision(&d, "35 - 2015", ST_DRAFT);
	assert_int_equal(store_decision_insert(f->s, &d), -DOCKET_ESTORAGE);
	base_decision(&d, "35 - 2017", ST_DRAFT);
	d.col[D_TITLE] = (struct str){NULL, 0};
	assert_int_equal(store_decision_insert(f->s, &d), -DOCKET_ESTORAGE);
	base_decision(&d, "35 - 2017", ST_DRAFT);
	d.item = item + 1000;
	assert_int_equal(store_decision_insert(f->s, &d), -DOCKET_ESTORAGE);
	assert_int_equal(store_decision_get(f->s, S("35 - 2017"), &f->a, &got), -DOCKET_ENOTFOUND);
	/* After refusals the statements still work. */
	base_decision(&d, "35 - 2017", ST_DRAFT);
	assert_int_equal(store_decision_insert(f->s, &d), 0);
}

static void expect_raw_refused(sqlite3 *db, const char *sql, const char *why)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc == SQLITE_OK)
		fail_msg("%s succeeded", sql);
	if (!msg || !strstr(msg, why))
		fail_msg("%s: message \"%s\" does not say \"%s\"", sql, msg ? msg : "", why);
	sqlite3_free(msg);
}

static void test_never_delete(void **state)
{
	struct fx *f = *state;
	open_store(f);
	int64_t item = add_item(f, "2015-09-22T09:00:00Z", "C1");
	struct decision d;
	base_decision(&d, "35 - 2015", ST_SCHEDULED);
	d.item = item;
	assert_int_equal(store_decision_insert(f->s, &d), 0);
	add_event(f, "35 - 2015", "body");

	sqlite3 *db = raw(f);
	expect_raw_refused(db, "DELETE FROM decisions", "never deleted");
	expect_raw_refused(db, "DELETE FROM decisions WHERE ref = '35 - 2015'", "never deleted");
	expect_raw_refused(db, "DELETE FROM events", "never deleted");
	expect_raw_refused(db, "DELETE FROM meetings", "never deleted");
	expect_raw_refused(db, "DELETE FROM items", "never deleted");
	expect_raw_refused(db, "UPDATE events SET type = 'decision.noted'", "never changed");
	expect_raw_refused(db, "UPDATE events SET body = x'00' WHERE seq = 1", "never changed");
	assert_int_equal(raw_int(db, "SELECT count(*) FROM decisions"), 1);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM events"), 1);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM meetings"), 1);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM items"), 1);
	char buf[64];
	assert_string_equal(raw_text(db, "SELECT type FROM events WHERE seq = 1", buf, sizeof buf),
	                    "decision.drafted");
	/* Decisions themselves may change (state, publication details). */
	assert_int_equal(sqlite3_exec(db, "UPDATE decisions SET version = 2", NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
}

/*
 * REPLACE removes the old row without firing DELETE triggers (unless
 * recursive_triggers is on), so it is another way to rewrite the log.
 */
static void test_log_cannot_be_replaced(void **state)
{
	struct fx *f = *state;
	open_store(f);
	add_event(f, "35 - 2015", "original");
	sqlite3 *db = raw(f);
	static const char *const rewrites[] = {
	    "INSERT OR REPLACE INTO events (seq, ts, type, actor, ref, body)"
	    " VALUES (1, 'x', 'decision.noted', 'mallory', '35 - 2015', 'forged')",
	    "REPLACE INTO events (seq, ts, type, actor, ref, body)"
	    " VALUES (1, 'x', 'decision.noted', 'mallory', '35 - 2015', 'forged')",
	};
	for (size_t i = 0; i < 2; i++) {
		int rc = sqlite3_exec(db, rewrites[i], NULL, NULL, NULL);
		char buf[64];
		raw_text(db, "SELECT body FROM events WHERE seq = 1", buf, sizeof buf);
		if (rc == SQLITE_OK || strcmp(buf, "original") != 0) {
			sqlite3_close(db);
			fail_msg("%s: rc %d, event 1 now has body \"%s\"", rewrites[i], rc, buf);
		}
	}
	sqlite3_close(db);
}

static int count_events(struct fx *f)
{
	sqlite3 *db = raw(f);
	int n = (int)raw_int(db, "SELECT count(*) FROM events");
	sqlite3_close(db);
	return n;
}

static void test_transactions(void **state)
{
	struct fx *f = *state;
	open_store(f);
	struct decision d, got;

	assert_int_equal(store_begin(f->s), 0);
	assert_true(store_in_transaction(f->s));
	/* First command: kept. */
	assert_int_equal(store_savepoint(f->s), 0);
	add_event(f, "A", "first");
	assert_int_equal(store_next_seq(f->s), 2);
	assert_int_equal(store_release(f->s), 0);
	/* Second command: refused after it had written; everything it did goes. */
	assert_int_equal(store_savepoint(f->s), 0);
	base_decision(&d, "B", ST_DRAFT);
	assert_int_equal(store_decision_insert(f->s, &d), 0);
	add_event(f, "B", "second");
	add_event(f, "B", "third");
	assert_int_equal(store_next_seq(f->s), 4);
	assert_int_equal(store_rollback_savepoint(f->s), 0);
	assert_int_equal(store_next_seq(f->s), 2);
	assert_true(store_in_transaction(f->s));
	assert_int_equal(store_decision_get(f->s, S("B"), &f->a, &got), -DOCKET_ENOTFOUND);
	/* Third command: gets the seq the refused one would have had. */
	assert_int_equal(store_savepoint(f->s), 0);
	base_decision(&d, "C", ST_DRAFT);
	assert_int_equal(store_decision_insert(f->s, &d), 0);
	add_event(f, "C", "fourth");
	assert_int_equal(store_next_seq(f->s), 3);
	assert_int_equal(store_release(f->s), 0);
	/* Nothing is visible to others before the commit. */
	assert_int_equal(count_events(f), 0);
	assert_int_equal(store_commit(f->s), 0);
	assert_false(store_in_transaction(f->s));

	sqlite3 *db = raw(f);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM events"), 2);
	assert_int_equal(raw_int(db, "SELECT max(seq) FROM events"), 2);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM events WHERE ref = 'B'"), 0);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM decisions"), 1);
	char buf[64];
	assert_string_equal(raw_text(db, "SELECT body FROM events WHERE seq = 2", buf, sizeof buf),
	                    "fourth");
	sqlite3_close(db);

	/* A whole batch rolled back: its seqs are given out again. */
	assert_int_equal(store_begin(f->s), 0);
	assert_int_equal(store_savepoint(f->s), 0);
	add_event(f, "C", "fifth");
	assert_int_equal(store_release(f->s), 0);
	assert_int_equal(store_savepoint(f->s), 0);
	add_event(f, "C", "sixth");
	assert_int_equal(store_release(f->s), 0);
	assert_int_equal(store_next_seq(f->s), 5);
	assert_int_equal(store_rollback(f->s), 0);
	assert_false(store_in_transaction(f->s));
	assert_int_equal(store_next_seq(f->s), 3);
	assert_int_equal(count_events(f), 2);
	/* Rolling back with no transaction open is harmless. */
	assert_int_equal(store_rollback(f->s), 0);

	/* A savepoint rolled back is also released: nothing stays open after it. */
	assert_int_equal(store_savepoint(f->s), 0);
	assert_true(store_in_transaction(f->s));
	add_event(f, "C", "gone");
	assert_int_equal(store_rollback_savepoint(f->s), 0);
	assert_false(store_in_transaction(f->s));
	assert_int_equal(store_next_seq(f->s), 3);

	/* A seq already taken is refused, and changes nothing. */
	assert_int_equal(store_begin(f->s), 0);
	struct event dup = {.seq = 2,
	                    .ts = "t",
	                    .type = "decision.drafted",
	                    .actor = S("a"),
	                    .body = "x",
	                    .body_len = 1};
	assert_int_equal(store_append_event(f->s, &dup), -DOCKET_ESTORAGE);
	assert_int_equal(store_next_seq(f->s), 3);
	add_event(f, "C", "seventh");
	assert_int_equal(store_commit(f->s), 0);

	/* The next seq survives a restart. */
	reopen_store(f);
	assert_int_equal(store_next_seq(f->s), 4);
	assert_int_equal(count_events(f), 3);
}

static void test_idempotency(void **state)
{
	struct fx *f = *state;
	open_store(f);
	static const char request[] = {'\x83', '\xa2', 'o', 'p', '\0', 'x', '\xff'};
	static const char reply[] = {'\x82', '\xa2', 'o', 'k', '\xc3', '\0', '\x01'};
	assert_int_equal(store_idem_put(f->s, S("alice"), S("key-1"),
	                                (struct str){request, sizeof request}, reply, sizeof reply,
	                                2),
	                 0);

	struct str req = {NULL, 0}, res = {NULL, 0};
	int64_t pairs = -1;
	assert_int_equal(store_idem_get(f->s, S("alice"), S("key-1"), &f->a, &req, &res, &pairs),
	                 1);
	assert_int_equal(req.len, sizeof request);
	assert_memory_equal(req.ptr, request, sizeof request);
	assert_int_equal(res.len, sizeof reply);
	assert_memory_equal(res.ptr, reply, sizeof reply);
	assert_int_equal(pairs, 2);

	/* Keys are per principal, and a missing key is 0. */
	req = res = (struct str){"untouched", 9};
	assert_int_equal(store_idem_get(f->s, S("bob"), S("key-1"), &f->a, &req, &res, &pairs), 0);
	assert_int_equal(store_idem_get(f->s, S("alice"), S("key-2"), &f->a, &req, &res, &pairs),
	                 0);
	assert_int_equal(store_idem_get(f->s, S("alice"), S("key-"), &f->a, &req, &res, &pairs), 0);
	assert_int_equal(store_idem_get(f->s, S("alice"), S("key-1x"), &f->a, &req, &res, &pairs),
	                 0);

	/* A key is stored once. */
	assert_int_equal(store_idem_put(f->s, S("alice"), S("key-1"), S("other"), "r", 1, 1),
	                 -DOCKET_ESTORAGE);
	assert_int_equal(store_idem_put(f->s, S("bob"), S("key-1"), S("other"), "r", 1, 1), 0);
	assert_int_equal(store_idem_get(f->s, S("bob"), S("key-1"), &f->a, &req, &res, &pairs), 1);
	expect_str(req, "other");
	assert_int_equal(pairs, 1);
	/* Alice's entry is unchanged by the refused put. */
	assert_int_equal(store_idem_get(f->s, S("alice"), S("key-1"), &f->a, &req, &res, &pairs),
	                 1);
	assert_int_equal(req.len, sizeof request);
	assert_memory_equal(req.ptr, request, sizeof request);

	/* An empty request body (only an id was sent... or nothing) round-trips as empty. */
	assert_int_equal(store_idem_put(f->s, S("carol"), S("k"), (struct str){NULL, 0}, "r", 1, 0),
	                 0);
	assert_int_equal(store_idem_get(f->s, S("carol"), S("k"), &f->a, &req, &res, &pairs), 1);
	assert_int_equal(req.len, 0);
	assert_non_null(req.ptr);
}

struct seen {
	char refs[32][24];
	char decided[32][12]; /* decided_on, "" when nil */
	int states[32];
	int n;
	int stop_after; /* 0: never */
};

static int collect(void *ctx, const struct decision *d)
{
	struct seen *s = ctx;
	assert_true(s->n < 32);
	assert_true(d->ref.len < sizeof s->refs[0]);
	memcpy(s->refs[s->n], d->ref.ptr, d->ref.len);
	s->refs[s->n][d->ref.len] = '\0';
	struct str on = d->col[D_DECIDED_ON];
	assert_true(on.len < sizeof s->decided[0]);
	memcpy(s->decided[s->n], on.ptr ? on.ptr : "", on.len);
	s->decided[s->n][on.len] = '\0';
	s->states[s->n] = d->state;
	s->n++;
	return s->stop_after && s->n == s->stop_after ? -DOCKET_EINTERNAL : 0;
}

static void expect_refs(const struct seen *s, const char *const *want, int n)
{
	if (s->n != n)
		fail_msg("%d decisions listed, expected %d", s->n, n);
	for (int i = 0; i < n; i++)
		assert_string_equal(s->refs[i], want[i]);
}

/* A page in reference order after the reference after (NULL: from the start). */
static int list_page(struct fx *f, int state, const char *after, int64_t limit, struct seen *s)
{
	unsigned char key[REF_KEY_MAX];
	struct store_page page = {.state = state, .sort = SORT_REF, .limit = limit};
	if (after)
		page.after_key =
		    (struct str){(const char *)key, (uint32_t)store_ref_key(S(after), key)};
	return store_decision_list(f->s, &page, collect, s);
}

static void test_decision_list(void **state)
{
	struct fx *f = *state;
	open_store(f);
	/* Inserted out of order; listed by ref. */
	static const char *const refs[] = {"D05", "D01", "D07", "D03", "D02", "D06", "D04"};
	static const int states[] = {ST_DRAFT, ST_DRAFT, ST_PUBLISHED, ST_PUBLISHED,
	                             ST_DRAFT, ST_NOTED, ST_DRAFT};
	for (int i = 0; i < 7; i++) {
		struct decision d;
		base_decision(&d, refs[i], states[i]);
		assert_int_equal(store_decision_insert(f->s, &d), 0);
	}
	static const char *const all[] = {"D01", "D02", "D03", "D04", "D05", "D06", "D07"};
	struct seen s = {0};
	assert_int_equal(list_page(f, ST_NONE, NULL, 100, &s), 0);
	expect_refs(&s, all, 7);
	assert_int_equal(s.states[2], ST_PUBLISHED);
	assert_int_equal(s.states[5], ST_NOTED);

	/* Pages of three. */
	memset(&s, 0, sizeof s);
	assert_int_equal(list_page(f, ST_NONE, NULL, 3, &s), 0);
	expect_refs(&s, all, 3);
	memset(&s, 0, sizeof s);
	assert_int_equal(list_page(f, ST_NONE, "D03", 3, &s), 0);
	expect_refs(&s, all + 3, 3);
	memset(&s, 0, sizeof s);
	assert_int_equal(list_page(f, ST_NONE, "D06", 3, &s), 0);
	expect_refs(&s, all + 6, 1);
	memset(&s, 0, sizeof s);
	assert_int_equal(list_page(f, ST_NONE, "D07", 3, &s), 0);
	assert_int_equal(s.n, 0);
	/* after need not be a ref that exists; numbers compare by value, so D035 is after D07. */
	memset(&s, 0, sizeof s);
	assert_int_equal(list_page(f, ST_NONE, "D035", 2, &s), 0);
	assert_int_equal(s.n, 0);
	memset(&s, 0, sizeof s);
	assert_int_equal(list_page(f, ST_NONE, "D3", 2, &s), 0);
	expect_refs(&s, all + 3, 2);

	/* A state filter, alone and with after. */
	static const char *const drafts[] = {"D01", "D02", "D04", "D05"};
	memset(&s, 0, sizeof s);
	assert_int_equal(list_page(f, ST_DRAFT, NULL, 100, &s), 0);
	expect_refs(&s, drafts, 4);
	memset(&s, 0, sizeof s);
	assert_int_equal(list_page(f, ST_DRAFT, "D02", 1, &s), 0);
	expect_refs(&s, drafts + 2, 1);
	static const char *const published[] = {"D03", "D07"};
	memset(&s, 0, sizeof s);
	assert_int_equal(list_page(f, ST_PUBLISHED, NULL, 100, &s), 0);
	expect_refs(&s, published, 2);
	memset(&s, 0, sizeof s);
	assert_int_equal(list_page(f, ST_RESPONDED, NULL, 100, &s), 0);
	assert_int_equal(s.n, 0);

	/* The filter of one call does not stick to the next. */
	memset(&s, 0, sizeof s);
	assert_int_equal(list_page(f, ST_NONE, NULL, 100, &s), 0);
	assert_int_equal(s.n, 7);

	/* The callback can stop the walk with its own code. */
	memset(&s, 0, sizeof s);
	s.stop_after = 2;
	assert_int_equal(list_page(f, ST_NONE, NULL, 100, &s), -DOCKET_EINTERNAL);
	assert_int_equal(s.n, 2);
	/* ...and the statement is reusable afterwards. */
	memset(&s, 0, sizeof s);
	assert_int_equal(list_page(f, ST_NONE, "D05", 100, &s), 0);
	expect_refs(&s, all + 5, 2);
}

struct bodies {
	char text[8][16];
	int n;
};

static int collect_body(void *ctx, const void *body, size_t len)
{
	struct bodies *b = ctx;
	assert_true(b->n < 8 && len < sizeof b->text[0]);
	memcpy(b->text[b->n], body, len);
	b->text[b->n][len] = '\0';
	b->n++;
	return 0;
}

static void test_history(void **state)
{
	struct fx *f = *state;
	open_store(f);
	assert_int_equal(store_begin(f->s), 0);
	add_event(f, "X", "x1");
	add_event(f, "Y", "y1");
	add_event(f, "X", "x2");
	add_event(f, "X", "x3");
	add_event(f, "Y", "y2");
	assert_int_equal(store_commit(f->s), 0);
	/* An event of no decision (a meeting's) is in no history. */
	struct event ev = {.seq = store_next_seq(f->s),
	                   .ts = "t",
	                   .type = "meeting.created",
	                   .actor = S("sec"),
	                   .meeting = 1,
	                   .body = "m1",
	                   .body_len = 2};
	assert_int_equal(store_append_event(f->s, &ev), 0);

	struct bodies b = {0};
	assert_int_equal(store_decision_history(f->s, S("X"), collect_body, &b), 0);
	assert_int_equal(b.n, 3);
	assert_string_equal(b.text[0], "x1");
	assert_string_equal(b.text[1], "x2");
	assert_string_equal(b.text[2], "x3");
	memset(&b, 0, sizeof b);
	assert_int_equal(store_decision_history(f->s, S("Y"), collect_body, &b), 0);
	assert_int_equal(b.n, 2);
	assert_string_equal(b.text[0], "y1");
	assert_string_equal(b.text[1], "y2");
	memset(&b, 0, sizeof b);
	assert_int_equal(store_decision_history(f->s, S("Z"), collect_body, &b), 0);
	assert_int_equal(b.n, 0);

	/* Stored bytes are exactly those appended, NULs included. */
	static const char bin[] = {'\x81', '\0', '\xc0', '\0'};
	struct event e2 = {.seq = store_next_seq(f->s),
	                   .ts = "t",
	                   .type = "decision.noted",
	                   .actor = S("sec"),
	                   .ref = S("W"),
	                   .body = bin,
	                   .body_len = sizeof bin};
	assert_int_equal(store_append_event(f->s, &e2), 0);
	sqlite3 *db = raw(f);
	assert_int_equal(raw_int(db, "SELECT length(body) FROM events WHERE ref = 'W'"), 4);
	assert_int_equal(raw_int(db, "SELECT body = x'8100c000' FROM events WHERE ref = 'W'"), 1);
	assert_int_equal(raw_int(db, "SELECT meeting FROM events WHERE type = 'meeting.created'"),
	                 1);
	assert_int_equal(
	    raw_int(db, "SELECT meeting IS NULL AND item IS NULL FROM events WHERE ref = 'W'"), 1);
	sqlite3_close(db);
}

struct mlist {
	int64_t ids[8];
	char starts[8][32];
	int n;
};

static int collect_meeting(void *ctx, const struct meeting *m)
{
	struct mlist *l = ctx;
	assert_true(l->n < 8 && m->starts_at.len < sizeof l->starts[0]);
	l->ids[l->n] = m->id;
	memcpy(l->starts[l->n], m->starts_at.ptr, m->starts_at.len);
	l->starts[l->n][m->starts_at.len] = '\0';
	l->n++;
	return 0;
}

static int collect_item(void *ctx, const struct item *it)
{
	struct mlist *l = ctx;
	assert_true(l->n < 8);
	l->ids[l->n++] = it->id;
	return 0;
}

static void test_meetings_and_items(void **state)
{
	struct fx *f = *state;
	open_store(f);
	struct meeting later = {.panel = S("Kent and Medway Police and Crime Panel"),
	                        .starts_at = S("2015-11-03T10:00:00Z"),
	                        .venue = S("Sessions House, Maidstone"),
	                        .status = MS_SCHEDULED,
	                        .version = 1};
	struct meeting sooner = {.panel = S("Kent and Medway Police and Crime Panel"),
	                         .starts_at = S("2015-09-22T10:00:00Z"),
	                         .status = MS_SCHEDULED,
	                         .version = 1};
	assert_int_equal(store_meeting_insert(f->s, &later), 0);
	assert_int_equal(store_meeting_insert(f->s, &sooner), 0);
	assert_true(later.id > 0);
	assert_true(sooner.id > 0 && sooner.id != later.id);

	struct meeting m;
	assert_int_equal(store_meeting_get(f->s, sooner.id, &f->a, &m), 0);
	assert_int_equal(m.id, sooner.id);
	expect_str(m.panel, "Kent and Medway Police and Crime Panel");
	expect_str(m.starts_at, "2015-09-22T10:00:00Z");
	expect_str(m.venue, NULL);
	assert_int_equal(m.status, MS_SCHEDULED);
	assert_int_equal(m.version, 1);
	assert_int_equal(store_meeting_get(f->s, later.id, &f->a, &m), 0);
	expect_str(m.venue, "Sessions House, Maidstone");
	assert_int_equal(store_meeting_get(f->s, 999, &f->a, &m), -DOCKET_ENOTFOUND);

	/* Listed by start time, not by id. */
	struct mlist l = {0};
	assert_int_equal(store_meeting_list(f->s, collect_meeting, &l), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.ids[0], sooner.id);
	assert_int_equal(l.ids[1], later.id);

	/* Moving the sooner one past the later one changes the order. */
	sooner.starts_at = S("2015-12-01T10:00:00Z");
	sooner.status = MS_SCHEDULED;
	sooner.venue = S("County Hall");
	sooner.version = 2;
	assert_int_equal(store_meeting_update(f->s, &sooner), 0);
	assert_int_equal(store_meeting_get(f->s, sooner.id, &f->a, &m), 0);
	expect_str(m.starts_at, "2015-12-01T10:00:00Z");
	expect_str(m.venue, "County Hall");
	assert_int_equal(m.version, 2);
	memset(&l, 0, sizeof l);
	assert_int_equal(store_meeting_list(f->s, collect_meeting, &l), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.ids[0], later.id);
	assert_int_equal(l.ids[1], sooner.id);
	assert_string_equal(l.starts[1], "2015-12-01T10:00:00Z");
	/* The other meeting was not touched. */
	assert_int_equal(store_meeting_get(f->s, later.id, &f->a, &m), 0);
	expect_str(m.starts_at, "2015-11-03T10:00:00Z");
	assert_int_equal(m.version, 1);

	/* Items. */
	struct item c1 = {.meeting = later.id,
	                  .code = S("C1"),
	                  .subject =
	                      S("Commissioner's Key Decisions – July, August & September 2015"),
	                  .period_start = S("2015-07-01"),
	                  .period_end = S("2015-09-30"),
	                  .from = S("Police and Crime Commissioner"),
	                  .to = S("The Panel")};
	struct item c2 = {.meeting = later.id, .code = S("C2"), .subject = S("Other")};
	assert_int_equal(store_item_insert(f->s, &c1), 0);
	assert_int_equal(store_item_insert(f->s, &c2), 0);
	assert_true(c1.id > 0 && c2.id > c1.id);
	struct item it;
	assert_int_equal(store_item_get(f->s, c1.id, &f->a, &it), 0);
	assert_int_equal(it.id, c1.id);
	assert_int_equal(it.meeting, later.id);
	expect_str(it.code, "C1");
	expect_str(it.subject, "Commissioner's Key Decisions – July, August & September 2015");
	expect_str(it.period_start, "2015-07-01");
	expect_str(it.period_end, "2015-09-30");
	expect_str(it.from, "Police and Crime Commissioner");
	expect_str(it.to, "The Panel");
	assert_int_equal(store_item_get(f->s, c2.id, &f->a, &it), 0);
	expect_str(it.period_start, NULL);
	expect_str(it.period_end, NULL);
	expect_str(it.from, NULL);
	expect_str(it.to, NULL);
	assert_int_equal(store_item_get(f->s, c2.id + 100, &f->a, &it), -DOCKET_ENOTFOUND);
	/* An item needs a meeting that exists. */
	struct item orphan = {.meeting = 999, .code = S("X"), .subject = S("X")};
	assert_int_equal(store_item_insert(f->s, &orphan), -DOCKET_ESTORAGE);

	memset(&l, 0, sizeof l);
	assert_int_equal(store_meeting_items(f->s, later.id, collect_item, &l), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.ids[0], c1.id);
	assert_int_equal(l.ids[1], c2.id);
	memset(&l, 0, sizeof l);
	assert_int_equal(store_meeting_items(f->s, sooner.id, collect_item, &l), 0);
	assert_int_equal(l.n, 0);

	/* Decisions on the items: counted per meeting and state, listed per item by endorsement. */
	static const struct {
		const char *ref, *endorsed;
		int state;
		int on; /* 1: c1, 2: c2, 0: none */
	} ds[] = {
	    {"A", "2015-07-10T09:00:00.000Z", ST_SCHEDULED, 1},
	    {"B", "2015-07-05T09:00:00.000Z", ST_SCHEDULED, 1},
	    {"C", "2015-07-07T09:00:00.000Z", ST_REPORTED, 1},
	    {"D", "2015-07-01T09:00:00.000Z", ST_SCHEDULED, 2},
	    {"E", "2015-07-01T09:00:00.000Z", ST_PUBLISHED, 0},
	};
	for (size_t i = 0; i < sizeof ds / sizeof ds[0]; i++) {
		struct decision d;
		base_decision(&d, ds[i].ref, ds[i].state);
		d.col[D_ENDORSED_AT] = S(ds[i].endorsed);
		d.item = ds[i].on == 1 ? c1.id : ds[i].on == 2 ? c2.id : 0;
		assert_int_equal(store_decision_insert(f->s, &d), 0);
	}
	int64_t count = -1;
	assert_int_equal(store_meeting_count(f->s, later.id, ST_NONE, &count), 0);
	assert_int_equal(count, 4);
	assert_int_equal(store_meeting_count(f->s, later.id, ST_SCHEDULED, &count), 0);
	assert_int_equal(count, 3);
	assert_int_equal(store_meeting_count(f->s, later.id, ST_REPORTED, &count), 0);
	assert_int_equal(count, 1);
	assert_int_equal(store_meeting_count(f->s, later.id, ST_NOTED, &count), 0);
	assert_int_equal(count, 0);
	assert_int_equal(store_meeting_count(f->s, sooner.id, ST_NONE, &count), 0);
	assert_int_equal(count, 0);
	/* The state of one count does not stick to the next. */
	assert_int_equal(store_meeting_count(f->s, later.id, ST_NONE, &count), 0);
	assert_int_equal(count, 4);

	struct seen s = {0};
	assert_int_equal(store_item_decisions(f->s, c1.id, collect, &s), 0);
	static const char *const on_c1[] = {"B", "C", "A"};
	expect_refs(&s, on_c1, 3);
	memset(&s, 0, sizeof s);
	assert_int_equal(store_item_decisions(f->s, c2.id, collect, &s), 0);
	static const char *const on_c2[] = {"D"};
	expect_refs(&s, on_c2, 1);

	/* All of it survives a restart. */
	reopen_store(f);
	memset(&l, 0, sizeof l);
	assert_int_equal(store_meeting_list(f->s, collect_meeting, &l), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(store_item_get(f->s, c1.id, &f->a, &it), 0);
	expect_str(it.to, "The Panel");
}

/*
 * Version 1's schema as docket 0.1.0 created it: migrations[0] of
 * daemon/store.c, which never changes once shipped. A copy, so that a change
 * to it there shows up here as a failure rather than passing unnoticed.
 */
static const char v1_schema[] =
    "CREATE TABLE meetings ("
    "  id INTEGER PRIMARY KEY,"
    "  panel TEXT NOT NULL,"
    "  starts_at TEXT NOT NULL,"
    "  venue TEXT,"
    "  status TEXT NOT NULL,"
    "  version INTEGER NOT NULL);"
    "CREATE TABLE items ("
    "  id INTEGER PRIMARY KEY,"
    "  meeting INTEGER NOT NULL REFERENCES meetings(id),"
    "  code TEXT NOT NULL,"
    "  subject TEXT NOT NULL,"
    "  period_start TEXT, period_end TEXT, from_text TEXT, to_text TEXT);"
    "CREATE INDEX items_meeting ON items(meeting);"
    "CREATE TABLE decisions ("
    "  ref TEXT PRIMARY KEY,"
    "  state TEXT NOT NULL,"
    "  version INTEGER NOT NULL,"
    "  cost_pence INTEGER,"
    "  item INTEGER REFERENCES items(id),"
    "  title TEXT NOT NULL, text TEXT NOT NULL, justification TEXT NOT NULL,"
    "  decision_maker TEXT NOT NULL, category TEXT NOT NULL, cost_text TEXT,"
    "  author TEXT NOT NULL, restriction TEXT NOT NULL,"
    "  restriction_reason TEXT, review_date TEXT, comment TEXT,"
    "  recommendation TEXT, response_due TEXT, response TEXT,"
    "  drafted_at TEXT NOT NULL, submitted_at TEXT, endorsed_at TEXT, endorsed_by TEXT,"
    "  published_at TEXT, reported_at TEXT, closed_at TEXT);"
    "CREATE INDEX decisions_state ON decisions(state, ref);"
    "CREATE INDEX decisions_item ON decisions(item) WHERE item IS NOT NULL;"
    "CREATE TABLE events ("
    "  seq INTEGER PRIMARY KEY,"
    "  ts TEXT NOT NULL,"
    "  type TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  ref TEXT, meeting INTEGER, item INTEGER,"
    "  body BLOB NOT NULL);"
    "CREATE INDEX events_ref ON events(ref, seq) WHERE ref IS NOT NULL;"
    "CREATE TABLE idempotency ("
    "  principal TEXT NOT NULL,"
    "  key TEXT NOT NULL,"
    "  request BLOB NOT NULL,"
    "  result BLOB NOT NULL,"
    "  pairs INTEGER NOT NULL,"
    "  PRIMARY KEY (principal, key)) WITHOUT ROWID;"
    "CREATE TRIGGER decisions_keep BEFORE DELETE ON decisions"
    "  BEGIN SELECT RAISE(ABORT, 'decisions are never deleted'); END;"
    "CREATE TRIGGER meetings_keep BEFORE DELETE ON meetings"
    "  BEGIN SELECT RAISE(ABORT, 'meetings are never deleted'); END;"
    "CREATE TRIGGER items_keep BEFORE DELETE ON items"
    "  BEGIN SELECT RAISE(ABORT, 'items are never deleted'); END;"
    "CREATE TRIGGER events_keep BEFORE DELETE ON events"
    "  BEGIN SELECT RAISE(ABORT, 'events are never deleted'); END;"
    "CREATE TRIGGER events_fixed BEFORE UPDATE ON events"
    "  BEGIN SELECT RAISE(ABORT, 'events are never changed'); END;"
    "CREATE TRIGGER events_no_replace BEFORE INSERT ON events"
    "  WHEN EXISTS (SELECT 1 FROM events WHERE seq = NEW.seq)"
    "  BEGIN SELECT RAISE(ABORT, 'events are never replaced'); END;"
    "CREATE TRIGGER decisions_no_replace BEFORE INSERT ON decisions"
    "  WHEN EXISTS (SELECT 1 FROM decisions WHERE ref = NEW.ref)"
    "  BEGIN SELECT RAISE(ABORT, 'decisions are never replaced'); END;"
    "CREATE TRIGGER meetings_no_replace BEFORE INSERT ON meetings"
    "  WHEN EXISTS (SELECT 1 FROM meetings WHERE id = NEW.id)"
    "  BEGIN SELECT RAISE(ABORT, 'meetings are never replaced'); END;"
    "CREATE TRIGGER items_no_replace BEFORE INSERT ON items"
    "  WHEN EXISTS (SELECT 1 FROM items WHERE id = NEW.id)"
    "  BEGIN SELECT RAISE(ABORT, 'items are never replaced'); END;";

static void raw_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%.80s: %s", sql, msg ? msg : "?");
}

/* A decision as docketd 0.1.0 stored it: record times only, no business dates. */
struct v1_decision {
	const char *ref, *state;
	int64_t item; /* 0: none */
	const char *endorsed_at, *published_at, *reported_at, *closed_at;
	const char *restriction, *review_date, *response_due;
};

static void bind_opt(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void v1_insert(sqlite3 *db, const struct v1_decision *d)
{
	static const char sql[] =
	    "INSERT INTO decisions (ref, state, version, item, title, text, justification,"
	    " decision_maker, category, author, restriction, restriction_reason, review_date,"
	    " recommendation, response_due, drafted_at, submitted_at, endorsed_at, endorsed_by,"
	    " published_at, reported_at, closed_at)"
	    " VALUES (?1, ?2, 5, ?3, 'Body worn cameras', 'The text.', 'Reasons.', 'pcc', 'spend',"
	    " 'alice', coalesce(?4, 'none'), CASE WHEN ?5 IS NOT NULL THEN 'sensitive' END, ?5,"
	    " CASE WHEN ?6 IS NOT NULL THEN 'Publish it.' END, ?6, '2015-06-01T09:00:00.000Z',"
	    " CASE WHEN ?7 IS NOT NULL THEN '2015-06-02T09:00:00.000Z' END, ?7,"
	    " CASE WHEN ?7 IS NOT NULL THEN 'Ann Barnes' END, ?8, ?9, ?10)";
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s", sqlite3_errmsg(db));
	bind_opt(st, 1, d->ref);
	bind_opt(st, 2, d->state);
	if (d->item)
		sqlite3_bind_int64(st, 3, d->item);
	bind_opt(st, 4, d->restriction);
	bind_opt(st, 5, d->review_date);
	bind_opt(st, 6, d->response_due);
	bind_opt(st, 7, d->endorsed_at);
	bind_opt(st, 8, d->published_at);
	bind_opt(st, 9, d->reported_at);
	bind_opt(st, 10, d->closed_at);
	if (sqlite3_step(st) != SQLITE_DONE)
		fail_msg("v1 decision %s: %s", d->ref, sqlite3_errmsg(db));
	sqlite3_finalize(st);
}

/* A version-1 database: its schema, the rows, user_version 1, in WAL mode like docketd's. */
static void make_v1(struct fx *f, const struct v1_decision *ds, size_t n, const char *more_sql)
{
	sqlite3 *db = raw(f);
	raw_exec(db, "PRAGMA journal_mode = WAL");
	raw_exec(db, "BEGIN");
	raw_exec(db, v1_schema);
	/*
	 * Meeting 1 took place late on a summer evening: 23:30 UTC on 22 September
	 * 2015 was 00:30 BST on the 23rd. Meeting 3 was late on a winter evening,
	 * when UTC and the office agree. Version 1 stored no "held": a meeting
	 * that has taken place is still "scheduled".
	 */
	raw_exec(db, "INSERT INTO meetings VALUES"
	             " (1, 'Kent and Medway Police and Crime Panel', '2015-09-22T23:30:00Z',"
	             "  'Sessions House', 'scheduled', 1),"
	             " (2, 'Kent and Medway Police and Crime Panel', '2015-12-08T10:00:00Z', NULL,"
	             "  'scheduled', 2),"
	             " (3, 'Kent and Medway Police and Crime Panel', '2016-01-12T23:30:00Z', NULL,"
	             "  'scheduled', 1),"
	             " (4, 'Kent and Medway Police and Crime Panel', '2016-02-02T10:00:00Z', NULL,"
	             "  'cancelled', 2);"
	             "INSERT INTO items VALUES"
	             " (1, 1, 'C1', 'Key Decisions', '2015-07-01', '2015-09-30', 'PCC', 'Panel'),"
	             " (2, 2, 'C2', 'Key Decisions', NULL, NULL, NULL, NULL),"
	             " (3, 3, 'c3', 'Key Decisions', NULL, NULL, NULL, NULL);");
	for (size_t i = 0; i < n; i++)
		v1_insert(db, &ds[i]);
	if (more_sql)
		raw_exec(db, more_sql);
	raw_exec(db, "PRAGMA user_version = 1");
	raw_exec(db, "COMMIT");
	/* It is a version-1 file: no business dates, no reminders. */
	assert_int_equal(raw_int(db, "PRAGMA user_version"), 1);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM pragma_table_info('decisions')"
	                             " WHERE name IN ('ref_key', 'decided_on')"),
	                 0);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'reminders'"),
	                 0);
	sqlite3_close(db);
}

static const struct v1_decision v1_decisions[] = {
    {"D 1", "draft", 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"12 - 2015", "rejected", 0, NULL, NULL, NULL, "2015-06-03T09:00:00.000Z", NULL, NULL, NULL},
    /* 23:30 UTC on 3 July was 00:30 BST on the 4th. */
    {"35 - 2015", "endorsed", 0, "2015-07-03T23:30:00.000Z", NULL, NULL, NULL, NULL, NULL, NULL},
    /* Decided in winter; published late on the evening the clocks went forward. */
    {"3 - 2016", "published", 0, "2016-01-10T23:30:00.000Z", "2016-03-27T23:30:00.000Z", NULL, NULL,
     "part", "2017-03-28", NULL},
    {"7 - 2015", "scheduled", 2, "2015-10-30T09:00:00.000Z", "2015-11-01T00:30:00.000Z", NULL, NULL,
     NULL, NULL, NULL},
    /* Reported at meeting 1, two days later by the record. */
    {"2024/9", "reported", 1, "2015-08-01T09:00:00.000Z", "2015-08-02T22:59:59.000Z",
     "2015-09-24T08:00:00.000Z", NULL, NULL, NULL, NULL},
    {"2024/10", "noted", 1, "2015-08-01T20:00:00.000Z", "2015-08-04T09:00:00.000Z",
     "2015-09-24T08:00:00.000Z", "2015-09-25T09:00:00.000Z", "full", "2016-09-01", NULL},
    {"PCD 1306", "response_due", 1, "2015-08-05T09:00:00.000Z", "2015-08-06T09:00:00.000Z",
     "2015-09-24T08:00:00.000Z", NULL, NULL, NULL, "2015-10-21"},
    {"DEL 2012/01", "responded", 1, "2015-08-07T09:00:00.000Z", "2015-08-08T09:00:00.000Z",
     "2015-09-24T08:00:00.000Z", "2015-10-20T23:15:00.000Z", NULL, NULL, "2015-10-22"},
    {"2024/22", "reported", 3, "2015-12-01T09:00:00.000Z", "2015-12-02T09:00:00.000Z",
     "2016-01-13T10:00:00.000Z", NULL, NULL, NULL, NULL},
};

/* The business dates each should have after the migration, "" for nil. */
static const struct {
	const char *ref;
	const char *on[6]; /* decided, published, reported, noted, recommended, responded */
} v1_dates[] = {
    {"D 1", {"", "", "", "", "", ""}},
    {"12 - 2015", {"", "", "", "", "", ""}},
    {"35 - 2015", {"2015-07-04", "", "", "", "", ""}},
    {"3 - 2016", {"2016-01-10", "2016-03-28", "", "", "", ""}},
    {"7 - 2015", {"2015-10-30", "2015-11-01", "", "", "", ""}},
    {"2024/9", {"2015-08-01", "2015-08-02", "2015-09-23", "", "", ""}},
    {"2024/10", {"2015-08-01", "2015-08-04", "2015-09-23", "2015-09-23", "", ""}},
    {"PCD 1306", {"2015-08-05", "2015-08-06", "2015-09-23", "", "2015-09-23", ""}},
    {"DEL 2012/01", {"2015-08-07", "2015-08-08", "2015-09-23", "", "2015-09-23", "2015-10-21"}},
    {"2024/22", {"2015-12-01", "2015-12-02", "2016-01-12", "", "", ""}},
};

static void expect_v1_dates(struct fx *f)
{
	static const int cols[6] = {D_DECIDED_ON, D_PUBLISHED_ON,   D_REPORTED_ON,
	                            D_NOTED_ON,   D_RECOMMENDED_ON, D_RESPONDED_ON};
	for (size_t i = 0; i < sizeof v1_dates / sizeof v1_dates[0]; i++) {
		struct decision d;
		assert_int_equal(store_decision_get(f->s, S(v1_dates[i].ref), &f->a, &d), 0);
		for (int c = 0; c < 6; c++) {
			const char *want = v1_dates[i].on[c];
			struct str got = d.col[cols[c]];
			if (!*want && got.ptr)
				fail_msg("%s: %s is %.*s, expected nil", v1_dates[i].ref,
				         decision_col_names[cols[c]], (int)got.len, got.ptr);
			if (*want && (!got.ptr || got.len != strlen(want) ||
			              memcmp(got.ptr, want, got.len) != 0))
				fail_msg("%s: %s is %.*s, expected %s", v1_dates[i].ref,
				         decision_col_names[cols[c]], got.ptr ? (int)got.len : 3,
				         got.ptr ? got.ptr : "nil", want);
		}
	}
}

/* A page in decided_on order after (after, its decided_on or "~"); NULL: from the start. */
static int decided_page(struct fx *f, int state, const char *after, const char *after_date,
                        int64_t limit, struct seen *s)
{
	unsigned char key[REF_KEY_MAX];
	struct store_page page = {.state = state, .sort = SORT_DECIDED, .limit = limit};
	if (after) {
		page.after_key =
		    (struct str){(const char *)key, (uint32_t)store_ref_key(S(after), key)};
		page.after_date = S(after_date);
	}
	return store_decision_list(f->s, &page, collect, s);
}

static void test_migrate_from_version_1(void **state)
{
	struct fx *f = *state;
	make_v1(
	    f, v1_decisions, sizeof v1_decisions / sizeof v1_decisions[0],
	    "INSERT INTO events VALUES"
	    " (1, '2015-06-01T09:00:00.000Z', 'decision.drafted', 'alice', '2024/9', NULL, NULL,"
	    "  x'81a161c3'),"
	    " (2, '2015-06-02T09:00:00.000Z', 'meeting.created', 'sec', NULL, 1, NULL, x'80'),"
	    " (3, '2015-06-03T09:00:00.000Z', 'decision.submitted', 'alice', '2024/9', NULL,"
	    "  NULL, x'80');"
	    "INSERT INTO idempotency VALUES ('alice', 'k1', x'01', x'02', 2);");

	open_store(f);
	sqlite3 *db = raw(f);
	char buf[64];
	assert_int_equal(raw_int(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_string_equal(raw_text(db, "PRAGMA integrity_check", buf, sizeof buf), "ok");
	/* Version 3: the register's decisions in the search index, those on items in their order. */
	int64_t public = raw_int(db, "SELECT count(*) FROM decisions WHERE state IN ('published',"
	                             " 'scheduled', 'reported', 'noted', 'response_due', 'responded')");
	assert_true(public > 0 && public < 10);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM search"), public);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM search_refs"), public);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM decisions"
	                             " WHERE (item IS NULL) <> (position IS NULL)"),
	                 0);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM (SELECT item, position FROM decisions"
	                             " WHERE item IS NOT NULL GROUP BY item, position"
	                             " HAVING count(*) > 1)"),
	                 0);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"),
	                 STORE_TRIGGERS);
	assert_int_equal(
	    raw_int(
	        db,
	        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'reminders'"),
	    1);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM reminders"), 0);
	/* Every decision has its key; nothing was lost or added. */
	assert_int_equal(raw_int(db, "SELECT count(*) FROM decisions"), 10);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM decisions WHERE ref_key IS NULL"), 0);
	assert_int_equal(raw_int(db, "SELECT count(DISTINCT ref_key) FROM decisions"), 10);
	/* Old columns are kept as they were. */
	assert_int_equal(raw_int(db, "SELECT count(*) FROM decisions WHERE ref = 'PCD 1306'"
	                             " AND response_due = '2015-10-21' AND version = 5"
	                             " AND reported_at = '2015-09-24T08:00:00.000Z'"),
	                 1);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM events"), 3);
	sqlite3_close(db);

	/* The log and idempotency carry on. */
	assert_int_equal(store_next_seq(f->s), 4);
	/* Version 6 chained the events already there, in seq order; new ones carry the chain on. */
	expect_chain(f, 3);
	assert_int_equal(store_begin(f->s), 0);
	add_event(f, NULL, "\x80");
	assert_int_equal(store_commit(f->s), 0);
	expect_chain(f, 4);
	struct str req, res;
	int64_t pairs;
	assert_int_equal(store_idem_get(f->s, S("alice"), S("k1"), &f->a, &req, &res, &pairs), 1);
	assert_int_equal(pairs, 2);

	/* Business dates: the office's (Europe/London) dates of the old times. */
	expect_v1_dates(f);

	/* References in reading order, no longer byte order. */
	static const char *const by_ref[] = {"3 - 2016",    "7 - 2015", "12 - 2015", "35 - 2015",
	                                     "2024/9",      "2024/10",  "2024/22",   "D 1",
	                                     "DEL 2012/01", "PCD 1306"};
	struct seen s = {0};
	assert_int_equal(list_page(f, ST_NONE, NULL, 100, &s), 0);
	expect_refs(&s, by_ref, 10);
	memset(&s, 0, sizeof s);
	assert_int_equal(list_page(f, ST_NONE, "2024/9", 2, &s), 0);
	expect_refs(&s, by_ref + 5, 2);
	memset(&s, 0, sizeof s);
	assert_int_equal(list_page(f, ST_REPORTED, NULL, 100, &s), 0);
	static const char *const reported[] = {"2024/9", "2024/22"};
	expect_refs(&s, reported, 2);

	/* And by decision date, the undecided last. */
	static const char *const by_date[] = {"35 - 2015",   "2024/9",   "2024/10", "PCD 1306",
	                                      "DEL 2012/01", "7 - 2015", "2024/22", "3 - 2016",
	                                      "12 - 2015",   "D 1"};
	memset(&s, 0, sizeof s);
	assert_int_equal(decided_page(f, ST_NONE, NULL, NULL, 100, &s), 0);
	expect_refs(&s, by_date, 10);

	/* Meetings read as before: version 1's statuses are version 2's. */
	struct meeting m;
	assert_int_equal(store_meeting_get(f->s, 1, &f->a, &m), 0);
	assert_int_equal(m.status, MS_SCHEDULED);
	expect_str(m.starts_at, "2015-09-22T23:30:00Z");
	assert_int_equal(store_meeting_get(f->s, 4, &f->a, &m), 0);
	assert_int_equal(m.status, MS_CANCELLED);
	/* Item codes compare without case, old items included. */
	assert_int_equal(store_item_code_taken(f->s, 3, S("C3")), 1);

	/* The reminders table works and refuses DELETE like the others. */
	struct reminder r = {.kind = 1,
	                     .ref = S("PCD 1306"),
	                     .days = 3,
	                     .target_at = S("2015-10-21T22:59:59Z"),
	                     .due_at = S("2015-10-18T08:00:00Z"),
	                     .status = RS_PENDING};
	assert_int_equal(store_reminder_insert(f->s, &r), 0);
	db = raw(f);
	expect_raw_refused(db, "DELETE FROM reminders", "never deleted");
	assert_int_equal(raw_int(db, "SELECT count(*) FROM reminders"), 1);
	sqlite3_close(db);

	/* Opening it again migrates nothing twice. */
	reopen_store(f);
	db = raw(f);
	assert_int_equal(raw_int(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM reminders"), 1);
	sqlite3_close(db);
	expect_v1_dates(f);
}

/*
 * Version 1 stored references as sent. The migration gives each its
 * canonical form, in the decisions and in the log's ref column, so that a
 * version 2 request (which carries only canonical forms) can name it.
 */
static void test_migration_canonical_refs(void **state)
{
	struct fx *f = *state;
	static const struct v1_decision ds[] = {
	    {" 7 - 2016", "draft", 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
	    {"Caf"
	     "e\xcc\x81 1",
	     "draft", 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
	};
	make_v1(f, ds, 2,
	        "INSERT INTO events (seq, ts, type, actor, ref, body)"
	        " VALUES (1, '2016-01-01T10:00:00.000Z', 'decision.drafted', 'office', ' 7 - 2016',"
	        " x'80');");
	open_store(f);
	struct decision d;
	assert_int_equal(store_decision_get(f->s, S("7 - 2016"), &f->a, &d), 0);
	expect_str(d.ref, "7 - 2016");
	assert_int_equal(store_decision_get(f->s, S("Caf\xc3\xa9 1"), &f->a, &d), 0);
	assert_int_equal(store_decision_get(f->s, S(" 7 - 2016"), &f->a, &d), -DOCKET_ENOTFOUND);
	/* Its events follow it; the log is still never changed afterwards. */
	struct bodies b = {0};
	assert_int_equal(store_decision_history(f->s, S("7 - 2016"), collect_body, &b), 0);
	assert_int_equal(b.n, 1);
	sqlite3 *db = raw(f);
	assert_int_not_equal(sqlite3_exec(db, "UPDATE events SET ref = 'x'", NULL, NULL, NULL),
	                     SQLITE_OK);
	sqlite3_close(db);
}

/* Two version-1 references with one canonical form stop the migration, naming both. */
static void test_migration_ref_clash_refused(void **state)
{
	struct fx *f = *state;
	static const struct v1_decision ds[] = {
	    {"7 - 2016", "draft", 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
	    {"7 - 2016 ", "draft", 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
	};
	make_v1(f, ds, 2, NULL);
	struct store *s = NULL;
	assert_int_equal(store_open(&s, f->path, zone(), STORE_CHECK_MS, f->err, sizeof f->err),
	                 -DOCKET_ESTORAGE);
	assert_null(s);
	if (!strstr(f->err, "'7 - 2016 '") || !strstr(f->err, "'7 - 2016'"))
		fail_msg("the message does not name both: %s", f->err);
	sqlite3 *db = raw(f);
	assert_int_equal(raw_int(db, "PRAGMA user_version"), 1);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM decisions WHERE ref = '7 - 2016 '"), 1);
	sqlite3_close(db);
}

static void add_dated(struct fx *f, const char *ref, int state, const char *decided,
                      const char *published)
{
	struct decision d;
	base_decision(&d, ref, state);
	d.col[D_DECIDED_ON] = S(decided);
	d.col[D_PUBLISHED_ON] = S(published);
	assert_int_equal(store_decision_insert(f->s, &d), 0);
}

static void test_decision_list_decided(void **state)
{
	struct fx *f = *state;
	open_store(f);
	add_dated(f, "10 - 2015", ST_PUBLISHED, "2015-03-01", "2015-03-02");
	add_dated(f, "9 - 2015", ST_PUBLISHED, "2015-03-01", "2015-03-03");
	add_dated(f, "2 - 2015", ST_ENDORSED, "2015-05-20", NULL);
	add_dated(f, "1 - 2015", ST_NOTED, "2015-06-01", "2015-06-02");
	add_dated(f, "B 1", ST_DRAFT, NULL, NULL);
	add_dated(f, "a 1", ST_SUBMITTED, NULL, NULL);
	add_dated(f, "3 - 2014", ST_PUBLISHED, "2014-12-31", "2015-01-05");
	add_dated(f, "A 2", ST_DRAFT, NULL, NULL);

	/* Oldest first; the same day by reference; undecided last, by reference. */
	static const char *const all[] = {"3 - 2014", "9 - 2015", "10 - 2015", "2 - 2015",
	                                  "1 - 2015", "a 1",      "A 2",       "B 1"};
	struct seen s = {0};
	assert_int_equal(decided_page(f, ST_NONE, NULL, NULL, 100, &s), 0);
	expect_refs(&s, all, 8);
	assert_string_equal(s.decided[0], "2014-12-31");
	assert_string_equal(s.decided[7], "");

	/* Page by page, each starting after the last of the one before, as 'list' does. */
	for (int64_t limit = 1; limit <= 4; limit++) {
		struct seen page;
		char after[24] = "", after_date[12] = "";
		int have = 0, got = 0;
		for (int round = 0; round < 10; round++) {
			memset(&page, 0, sizeof page);
			assert_int_equal(decided_page(f, ST_NONE, have ? after : NULL,
			                              have ? after_date : NULL, limit, &page),
			                 0);
			assert_true(page.n <= limit);
			for (int i = 0; i < page.n; i++)
				if (got + i >= 8 || strcmp(page.refs[i], all[got + i]) != 0)
					fail_msg("limit %lld: item %d is %s", (long long)limit,
					         got + i, page.refs[i]);
			got += page.n;
			if (page.n == 0)
				break;
			snprintf(after, sizeof after, "%s", page.refs[page.n - 1]);
			snprintf(after_date, sizeof after_date, "%s",
			         page.decided[page.n - 1][0] ? page.decided[page.n - 1] : "~");
			have = 1;
		}
		assert_int_equal(got, 8);
	}

	/* After an undecided decision only undecided ones follow. */
	memset(&s, 0, sizeof s);
	assert_int_equal(decided_page(f, ST_NONE, "a 1", "~", 100, &s), 0);
	expect_refs(&s, all + 6, 2);
	/* After the last of a day, the next day. */
	memset(&s, 0, sizeof s);
	assert_int_equal(decided_page(f, ST_NONE, "10 - 2015", "2015-03-01", 100, &s), 0);
	expect_refs(&s, all + 3, 5);

	/* With a state filter. */
	static const char *const published[] = {"3 - 2014", "9 - 2015", "10 - 2015"};
	memset(&s, 0, sizeof s);
	assert_int_equal(decided_page(f, ST_PUBLISHED, NULL, NULL, 100, &s), 0);
	expect_refs(&s, published, 3);
	memset(&s, 0, sizeof s);
	assert_int_equal(decided_page(f, ST_PUBLISHED, "9 - 2015", "2015-03-01", 100, &s), 0);
	expect_refs(&s, published + 2, 1);
	static const char *const drafts[] = {"A 2", "B 1"};
	memset(&s, 0, sizeof s);
	assert_int_equal(decided_page(f, ST_DRAFT, NULL, NULL, 100, &s), 0);
	expect_refs(&s, drafts, 2);
	/* The filter and order of one call do not stick to the next. */
	memset(&s, 0, sizeof s);
	assert_int_equal(list_page(f, ST_NONE, NULL, 100, &s), 0);
	static const char *const by_ref[] = {"1 - 2015",  "2 - 2015", "3 - 2014", "9 - 2015",
	                                     "10 - 2015", "a 1",      "A 2",      "B 1"};
	expect_refs(&s, by_ref, 8);
}

/* What an agenda item's period offers: endorsed or published, dated within it (inclusive). */
static void test_decision_candidates(void **state)
{
	struct fx *f = *state;
	open_store(f);
	add_dated(f, "E1", ST_ENDORSED, "2015-07-01", NULL);          /* the first day */
	add_dated(f, "E2", ST_ENDORSED, "2015-09-30", NULL);          /* the last day */
	add_dated(f, "E3", ST_ENDORSED, "2015-06-30", NULL);          /* the day before */
	add_dated(f, "E4", ST_ENDORSED, "2015-10-01", NULL);          /* the day after */
	add_dated(f, "P1", ST_PUBLISHED, "2015-06-15", "2015-07-02"); /* published within */
	add_dated(f, "P2", ST_PUBLISHED, "2015-08-01", "2015-10-05"); /* decided within */
	add_dated(f, "P3", ST_PUBLISHED, "2015-05-01", "2015-06-01"); /* neither */
	add_dated(f, "P10", ST_PUBLISHED, "2015-09-30", "2015-09-30");
	add_dated(f, "S1", ST_SCHEDULED, "2015-08-01", "2015-08-02"); /* already scheduled */
	add_dated(f, "R1", ST_REPORTED, "2015-08-01", "2015-08-02");
	add_dated(f, "N1", ST_NOTED, "2015-08-01", "2015-08-02");
	add_dated(f, "D1", ST_DRAFT, NULL, NULL);

	static const char *const quarter[] = {"E1", "E2", "P1", "P2", "P10"};
	struct seen s = {0};
	assert_int_equal(
	    store_decision_candidates(f->s, S("2015-07-01"), S("2015-09-30"), collect, &s), 0);
	expect_refs(&s, quarter, 5);
	/* One day. */
	memset(&s, 0, sizeof s);
	assert_int_equal(
	    store_decision_candidates(f->s, S("2015-07-01"), S("2015-07-01"), collect, &s), 0);
	static const char *const first_day[] = {"E1"};
	expect_refs(&s, first_day, 1);
	memset(&s, 0, sizeof s);
	assert_int_equal(
	    store_decision_candidates(f->s, S("2015-09-30"), S("2015-09-30"), collect, &s), 0);
	static const char *const last_day[] = {"E2", "P10"};
	expect_refs(&s, last_day, 2);
	/* A period with nothing in it. */
	memset(&s, 0, sizeof s);
	assert_int_equal(
	    store_decision_candidates(f->s, S("2016-01-01"), S("2016-03-31"), collect, &s), 0);
	assert_int_equal(s.n, 0);
	/* The statement is reusable after a callback stops it. */
	memset(&s, 0, sizeof s);
	s.stop_after = 1;
	assert_int_equal(
	    store_decision_candidates(f->s, S("2015-07-01"), S("2015-09-30"), collect, &s),
	    -DOCKET_EINTERNAL);
	memset(&s, 0, sizeof s);
	assert_int_equal(
	    store_decision_candidates(f->s, S("2015-07-01"), S("2015-09-30"), collect, &s), 0);
	assert_int_equal(s.n, 5);
}

static void add_due(struct fx *f, const char *ref, int state, const char *response_due,
                    const char *restriction, const char *review_date)
{
	struct decision d;
	base_decision(&d, ref, state);
	d.col[D_RESPONSE_DUE] = S(response_due);
	d.col[D_RESTRICTION] = S(restriction);
	d.col[D_REVIEW_DATE] = S(review_date);
	if (review_date)
		d.col[D_RESTRICTION_REASON] = S("sensitive");
	assert_int_equal(store_decision_insert(f->s, &d), 0);
}

static void test_decision_responses_and_reviews(void **state)
{
	struct fx *f = *state;
	open_store(f);
	add_due(f, "A", ST_RESPONSE_DUE, "2015-10-01", "none", NULL);
	add_due(f, "B 10", ST_RESPONSE_DUE, "2015-09-15", "none", NULL);
	add_due(f, "C", ST_RESPONSE_DUE, "2015-10-02", "part", "2016-06-01");
	add_due(f, "D", ST_RESPONDED, "2015-09-01", "none", NULL); /* answered */
	add_due(f, "E", ST_REPORTED, NULL, "none", NULL);
	add_due(f, "B 9", ST_RESPONSE_DUE, "2015-09-15", "none", NULL);
	add_due(f, "R1", ST_PUBLISHED, NULL, "part", "2016-04-01");
	add_due(f, "R2", ST_NOTED, NULL, "full", "2016-03-01");
	add_due(f, "R3", ST_PUBLISHED, NULL, "none", NULL);
	add_due(f, "R4", ST_RESPONDED, NULL, "part", "2016-04-01");

	/* Responses: due on or before until, by date then reference. */
	static const char *const responses[] = {"B 9", "B 10", "A", "C"};
	struct seen s = {0};
	assert_int_equal(store_decision_responses(f->s, S("2015-10-01"), collect, &s), 0);
	expect_refs(&s, responses, 3);
	memset(&s, 0, sizeof s);
	assert_int_equal(store_decision_responses(f->s, S("2015-10-02"), collect, &s), 0);
	expect_refs(&s, responses, 4);
	memset(&s, 0, sizeof s);
	assert_int_equal(store_decision_responses(f->s, S("2015-09-14"), collect, &s), 0);
	assert_int_equal(s.n, 0);
	memset(&s, 0, sizeof s);
	assert_int_equal(store_decision_responses(f->s, S("2015-09-15"), collect, &s), 0);
	expect_refs(&s, responses, 2);
	/* nil: every one. */
	memset(&s, 0, sizeof s);
	assert_int_equal(store_decision_responses(f->s, (struct str){NULL, 0}, collect, &s), 0);
	expect_refs(&s, responses, 4);

	/* Reviews: restricted, the review on or before until, whatever the state. */
	static const char *const reviews[] = {"R2", "R1", "R4", "C"};
	memset(&s, 0, sizeof s);
	assert_int_equal(store_decision_reviews(f->s, S("2016-04-01"), collect, &s), 0);
	expect_refs(&s, reviews, 3);
	memset(&s, 0, sizeof s);
	assert_int_equal(store_decision_reviews(f->s, S("2016-03-31"), collect, &s), 0);
	expect_refs(&s, reviews, 1);
	memset(&s, 0, sizeof s);
	assert_int_equal(store_decision_reviews(f->s, (struct str){NULL, 0}, collect, &s), 0);
	expect_refs(&s, reviews, 4);
	memset(&s, 0, sizeof s);
	assert_int_equal(store_decision_reviews(f->s, S("2015-01-01"), collect, &s), 0);
	assert_int_equal(s.n, 0);
}

static int64_t add_meeting(struct fx *f, const char *starts_at, int status)
{
	struct meeting m = {.panel = S("Kent and Medway Police and Crime Panel"),
	                    .starts_at = S(starts_at),
	                    .status = status,
	                    .version = 1};
	assert_int_equal(store_meeting_insert(f->s, &m), 0);
	return m.id;
}

static void test_meeting_next(void **state)
{
	struct fx *f = *state;
	open_store(f);
	struct meeting m;
	assert_int_equal(store_meeting_next(f->s, S("2030-01-01T00:00:00Z"), &f->a, &m),
	                 -DOCKET_ENOTFOUND);

	int64_t later = add_meeting(f, "2030-01-10T10:00:00Z", MS_SCHEDULED);
	int64_t postponed = add_meeting(f, "2030-01-05T10:00:00Z", MS_POSTPONED);
	int64_t cancelled = add_meeting(f, "2030-01-06T10:00:00Z", MS_CANCELLED);
	int64_t held = add_meeting(f, "2030-01-07T10:00:00Z", MS_HELD);
	int64_t past = add_meeting(f, "2029-12-01T10:00:00Z", MS_SCHEDULED);
	int64_t twin = add_meeting(f, "2030-01-10T10:00:00Z", MS_SCHEDULED);

	/* Every status is stored and read back as itself. */
	assert_int_equal(store_meeting_get(f->s, postponed, &f->a, &m), 0);
	assert_int_equal(m.status, MS_POSTPONED);
	assert_int_equal(store_meeting_get(f->s, cancelled, &f->a, &m), 0);
	assert_int_equal(m.status, MS_CANCELLED);
	assert_int_equal(store_meeting_get(f->s, held, &f->a, &m), 0);
	assert_int_equal(m.status, MS_HELD);

	/* The first scheduled one ahead; postponed, cancelled and held ones are not next. */
	memset(&m, 0, sizeof m);
	assert_int_equal(store_meeting_next(f->s, S("2030-01-01T00:00:00Z"), &f->a, &m), 0);
	assert_int_equal(m.id, later);
	expect_str(m.starts_at, "2030-01-10T10:00:00Z");
	expect_str(m.panel, "Kent and Medway Police and Crime Panel");
	assert_int_equal(m.status, MS_SCHEDULED);
	/* The copy outlives the statement. */
	assert_int_equal(store_meeting_next(f->s, S("2029-11-01T00:00:00Z"), &f->a, &m), 0);
	assert_int_equal(m.id, past);
	struct meeting again;
	assert_int_equal(store_meeting_next(f->s, S("2030-01-01T00:00:00Z"), &f->a, &again), 0);
	expect_str(m.starts_at, "2029-12-01T10:00:00Z");
	/* A meeting starting now is not ahead. */
	assert_int_equal(store_meeting_next(f->s, S("2029-12-01T10:00:00Z"), &f->a, &m), 0);
	assert_int_equal(m.id, later);
	assert_int_equal(store_meeting_next(f->s, S("2030-01-10T09:59:59Z"), &f->a, &m), 0);
	assert_int_equal(m.id, later);
	assert_true(twin > later);
	assert_int_equal(store_meeting_next(f->s, S("2030-01-10T10:00:00Z"), &f->a, &m),
	                 -DOCKET_ENOTFOUND);

	/* Moving the twin earlier makes it next. */
	struct meeting t;
	assert_int_equal(store_meeting_get(f->s, twin, &f->a, &t), 0);
	t.starts_at = S("2030-01-09T10:00:00Z");
	t.version = 2;
	assert_int_equal(store_meeting_update(f->s, &t), 0);
	assert_int_equal(store_meeting_next(f->s, S("2030-01-01T00:00:00Z"), &f->a, &m), 0);
	assert_int_equal(m.id, twin);
	/* Postponing it takes it out again. */
	t.status = MS_POSTPONED;
	t.version = 3;
	assert_int_equal(store_meeting_update(f->s, &t), 0);
	assert_int_equal(store_meeting_next(f->s, S("2030-01-01T00:00:00Z"), &f->a, &m), 0);
	assert_int_equal(m.id, later);
}

static void test_item_code_taken(void **state)
{
	struct fx *f = *state;
	open_store(f);
	int64_t a = add_meeting(f, "2030-01-10T10:00:00Z", MS_SCHEDULED);
	int64_t b = add_meeting(f, "2030-02-10T10:00:00Z", MS_SCHEDULED);
	const struct {
		int64_t *meeting;
		const char *code;
	} items[] = {{&a, "C1"}, {&a, "Item 2"}, {&a, "\xc3\x89t\xc3\xa9"}, {&b, "c3"}};
	for (size_t i = 0; i < 4; i++) {
		struct item it = {.meeting = *items[i].meeting,
		                  .code = S(items[i].code),
		                  .subject = S("Key Decisions")};
		assert_int_equal(store_item_insert(f->s, &it), 0);
	}
	const struct {
		int64_t *meeting;
		const char *code;
		int taken;
	} cases[] = {
	    {&a, "C1", 1},
	    {&a, "c1", 1},
	    {&a, " C1 ", 1},
	    {&a, "C1 ", 1},
	    {&a, "  c1", 1},
	    {&a, "item 2", 1},
	    {&a, "ITEM 2", 1},
	    {&a, "C2", 0},
	    {&a, "C", 0},
	    {&a, "C1x", 0},
	    {&a, "C 1", 0},
	    {&a, "Item2", 0},
	    {&a, "c3", 0},
	    {&b, "C3", 1},
	    {&b, "C1", 0},
	    {&b, " c3", 1},
	    /* Case is ASCII case: É and é differ. */
	    {&a, "\xc3\x89t\xc3\xa9", 1},
	    {&a, "\xc3\xa9t\xc3\xa9", 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int got = store_item_code_taken(f->s, *cases[i].meeting, S(cases[i].code));
		if (got != cases[i].taken)
			fail_msg("code \"%s\" on meeting %lld: %d, expected %d", cases[i].code,
			         (long long)*cases[i].meeting, got, cases[i].taken);
	}
	assert_int_equal(store_item_code_taken(f->s, 999, S("C1")), 0);
}

struct rlist {
	int64_t ids[16];
	int status[16], kind[16], days[16];
	int64_t meeting[16], seq[16];
	char ref[16][16], due[16][32], target[16][32], settled[16][32];
	int n;
};

static void copy_str(char *out, size_t cap, struct str s)
{
	assert_true(s.len < cap);
	memcpy(out, s.ptr ? s.ptr : "", s.len);
	out[s.len] = '\0';
}

static int collect_reminder(void *ctx, const struct reminder *r)
{
	struct rlist *l = ctx;
	assert_true(l->n < 16);
	l->ids[l->n] = r->id;
	l->status[l->n] = r->status;
	l->kind[l->n] = r->kind;
	l->days[l->n] = r->days;
	l->meeting[l->n] = r->meeting;
	l->seq[l->n] = r->seq;
	copy_str(l->ref[l->n], sizeof l->ref[0], r->ref);
	copy_str(l->due[l->n], sizeof l->due[0], r->due_at);
	copy_str(l->target[l->n], sizeof l->target[0], r->target_at);
	copy_str(l->settled[l->n], sizeof l->settled[0], r->settled_at);
	l->n++;
	return 0;
}

static void expect_ids(const struct rlist *l, const int64_t *want, int n)
{
	if (l->n != n)
		fail_msg("%d reminders, expected %d", l->n, n);
	for (int i = 0; i < n; i++)
		if (l->ids[i] != want[i])
			fail_msg("reminder %d is %lld, expected %lld", i, (long long)l->ids[i],
			         (long long)want[i]);
}

enum { K_MEETING, K_RESPONSE, K_REVIEW };

static void test_reminders(void **state)
{
	struct fx *f = *state;
	open_store(f);
	/* The kinds and statuses index the protocol's names. */
	assert_string_equal(proto_reminder_kinds[K_MEETING], "meeting");
	assert_string_equal(proto_reminder_kinds[K_REVIEW], "review");
	assert_string_equal(proto_reminder_statuses[RS_CANCELLED], "cancelled");

	int64_t mid = add_meeting(f, "2030-09-22T09:00:00Z", MS_SCHEDULED);
	int64_t other = add_meeting(f, "2030-11-22T10:00:00Z", MS_SCHEDULED);
	add_due(f, "35 - 2015", ST_RESPONSE_DUE, "2030-10-21", "none", NULL);
	add_due(f, "3 - 2016", ST_PUBLISHED, NULL, "part", "2030-09-01");

	struct reminder rs[] = {
	    {.kind = K_MEETING,
	     .meeting = mid,
	     .days = 21,
	     .target_at = S("2030-09-22T09:00:00Z"),
	     .due_at = S("2030-09-01T08:00:00Z"),
	     .status = RS_PENDING},
	    {.kind = K_MEETING,
	     .meeting = mid,
	     .days = 7,
	     .target_at = S("2030-09-22T09:00:00Z"),
	     .due_at = S("2030-09-15T08:00:00Z"),
	     .status = RS_PENDING},
	    {.kind = K_MEETING,
	     .meeting = mid,
	     .days = 1,
	     .target_at = S("2030-09-22T09:00:00Z"),
	     .due_at = S("2030-09-21T08:00:00Z"),
	     .status = RS_PENDING},
	    {.kind = K_RESPONSE,
	     .ref = S("35 - 2015"),
	     .days = 14,
	     .target_at = S("2030-10-21T22:59:59Z"),
	     .due_at = S("2030-10-07T08:00:00Z"),
	     .status = RS_PENDING},
	    {.kind = K_REVIEW,
	     .ref = S("3 - 2016"),
	     .days = 0,
	     .target_at = S("2030-09-01T22:59:59Z"),
	     .due_at = S("2030-09-01T08:00:00Z"),
	     .status = RS_PENDING},
	    {.kind = K_RESPONSE,
	     .ref = S("35 - 2015"),
	     .days = 3,
	     .target_at = S("2030-10-21T22:59:59Z"),
	     .due_at = S("2030-10-18T08:00:00Z"),
	     .status = RS_CANCELLED,
	     .settled_at = S("2030-08-01T12:00:00.000Z")},
	};
	int64_t prev = 0;
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(store_reminder_insert(f->s, &rs[i]), 0);
		assert_true(rs[i].id > prev);
		prev = rs[i].id;
	}
	int64_t r1 = rs[0].id, r2 = rs[1].id, r3 = rs[2].id, r4 = rs[3].id, r5 = rs[4].id,
	        r6 = rs[5].id;

	/* A reminder needs its meeting or decision. */
	struct reminder orphan = rs[0];
	orphan.meeting = 999;
	assert_int_equal(store_reminder_insert(f->s, &orphan), -DOCKET_ESTORAGE);
	orphan = rs[3];
	orphan.ref = S("no such");
	assert_int_equal(store_reminder_insert(f->s, &orphan), -DOCKET_ESTORAGE);

	/* Of one target and kind, by id, with every column read back. */
	struct rlist l = {0};
	assert_int_equal(
	    store_reminders_of(f->s, K_MEETING, mid, (struct str){NULL, 0}, collect_reminder, &l),
	    0);
	expect_ids(&l, (int64_t[]){r1, r2, r3}, 3);
	assert_int_equal(l.kind[0], K_MEETING);
	assert_int_equal(l.meeting[0], mid);
	assert_string_equal(l.ref[0], "");
	assert_int_equal(l.days[0], 21);
	assert_string_equal(l.target[0], "2030-09-22T09:00:00Z");
	assert_string_equal(l.due[0], "2030-09-01T08:00:00Z");
	assert_int_equal(l.status[0], RS_PENDING);
	assert_int_equal(l.seq[0], 0);
	assert_string_equal(l.settled[0], "");
	memset(&l, 0, sizeof l);
	assert_int_equal(
	    store_reminders_of(f->s, K_RESPONSE, 0, S("35 - 2015"), collect_reminder, &l), 0);
	expect_ids(&l, (int64_t[]){r4, r6}, 2);
	assert_int_equal(l.meeting[0], 0);
	assert_string_equal(l.ref[0], "35 - 2015");
	assert_int_equal(l.status[1], RS_CANCELLED);
	assert_string_equal(l.settled[1], "2030-08-01T12:00:00.000Z");
	memset(&l, 0, sizeof l);
	assert_int_equal(
	    store_reminders_of(f->s, K_REVIEW, 0, S("35 - 2015"), collect_reminder, &l), 0);
	assert_int_equal(l.n, 0);
	memset(&l, 0, sizeof l);
	assert_int_equal(
	    store_reminders_of(f->s, K_MEETING, other, (struct str){NULL, 0}, collect_reminder, &l),
	    0);
	assert_int_equal(l.n, 0);

	/* Due: pending, at or before now, earliest first (then by id), at most limit. */
	memset(&l, 0, sizeof l);
	assert_int_equal(
	    store_reminders_due(f->s, S("2030-08-31T23:59:59Z"), 10, collect_reminder, &l), 0);
	assert_int_equal(l.n, 0);
	memset(&l, 0, sizeof l);
	assert_int_equal(
	    store_reminders_due(f->s, S("2030-09-01T08:00:00Z"), 10, collect_reminder, &l), 0);
	expect_ids(&l, (int64_t[]){r1, r5}, 2);
	memset(&l, 0, sizeof l);
	assert_int_equal(
	    store_reminders_due(f->s, S("2030-09-01T08:00:00Z"), 1, collect_reminder, &l), 0);
	expect_ids(&l, (int64_t[]){r1}, 1);
	memset(&l, 0, sizeof l);
	/* The cancelled one is never due. */
	assert_int_equal(
	    store_reminders_due(f->s, S("2031-01-01T00:00:00Z"), 10, collect_reminder, &l), 0);
	expect_ids(&l, (int64_t[]){r1, r5, r2, r3, r4}, 5);

	struct str next;
	assert_int_equal(store_reminder_next(f->s, &f->a, &next), 0);
	expect_str(next, "2030-09-01T08:00:00Z");

	/* Firing r1: pending no more, its event and time recorded. */
	struct reminder fired = rs[0];
	fired.status = RS_FIRED;
	fired.seq = 7;
	fired.settled_at = S("2030-09-01T08:00:00.120Z");
	assert_int_equal(store_reminder_update(f->s, &fired), 0);
	memset(&l, 0, sizeof l);
	assert_int_equal(
	    store_reminders_due(f->s, S("2030-09-15T08:00:00Z"), 10, collect_reminder, &l), 0);
	expect_ids(&l, (int64_t[]){r5, r2}, 2);
	memset(&l, 0, sizeof l);
	assert_int_equal(
	    store_reminders_of(f->s, K_MEETING, mid, (struct str){NULL, 0}, collect_reminder, &l),
	    0);
	assert_int_equal(l.status[0], RS_FIRED);
	assert_int_equal(l.seq[0], 7);
	assert_string_equal(l.settled[0], "2030-09-01T08:00:00.120Z");
	assert_int_equal(l.status[1], RS_PENDING);
	assert_int_equal(store_reminder_next(f->s, &f->a, &next), 0);
	expect_str(next, "2030-09-01T08:00:00Z"); /* r5 */

	/* Moving r2: its times change, nothing else. */
	struct reminder moved = rs[1];
	moved.due_at = S("2030-09-16T08:00:00Z");
	moved.target_at = S("2030-09-23T09:00:00Z");
	assert_int_equal(store_reminder_update(f->s, &moved), 0);
	memset(&l, 0, sizeof l);
	assert_int_equal(
	    store_reminders_of(f->s, K_MEETING, mid, (struct str){NULL, 0}, collect_reminder, &l),
	    0);
	expect_ids(&l, (int64_t[]){r1, r2, r3}, 3);
	assert_string_equal(l.due[1], "2030-09-16T08:00:00Z");
	assert_string_equal(l.target[1], "2030-09-23T09:00:00Z");
	assert_int_equal(l.days[1], 7);
	assert_int_equal(l.kind[1], K_MEETING);
	assert_int_equal(l.meeting[1], mid);
	assert_int_equal(l.status[1], RS_PENDING);
	/* The others were not touched. */
	assert_string_equal(l.due[2], "2030-09-21T08:00:00Z");
	assert_int_equal(l.status[0], RS_FIRED);

	fired = rs[4];
	fired.status = RS_MISSED;
	fired.seq = 8;
	fired.settled_at = S("2030-09-02T08:00:00.000Z");
	assert_int_equal(store_reminder_update(f->s, &fired), 0);
	assert_int_equal(store_reminder_next(f->s, &f->a, &next), 0);
	expect_str(next, "2030-09-16T08:00:00Z");

	/* Listing: by due_at then id, each filter alone and together, and the limit. */
	memset(&l, 0, sizeof l);
	assert_int_equal(
	    store_reminder_list(f->s, -1, -1, 0, (struct str){NULL, 0}, 100, collect_reminder, &l),
	    0);
	expect_ids(&l, (int64_t[]){r1, r5, r2, r3, r4, r6}, 6);
	memset(&l, 0, sizeof l);
	assert_int_equal(store_reminder_list(f->s, RS_PENDING, -1, 0, (struct str){NULL, 0}, 100,
	                                     collect_reminder, &l),
	                 0);
	expect_ids(&l, (int64_t[]){r2, r3, r4}, 3);
	memset(&l, 0, sizeof l);
	assert_int_equal(store_reminder_list(f->s, -1, K_MEETING, 0, (struct str){NULL, 0}, 100,
	                                     collect_reminder, &l),
	                 0);
	expect_ids(&l, (int64_t[]){r1, r2, r3}, 3);
	memset(&l, 0, sizeof l);
	assert_int_equal(store_reminder_list(f->s, -1, -1, mid, (struct str){NULL, 0}, 100,
	                                     collect_reminder, &l),
	                 0);
	expect_ids(&l, (int64_t[]){r1, r2, r3}, 3);
	memset(&l, 0, sizeof l);
	assert_int_equal(
	    store_reminder_list(f->s, -1, -1, 0, S("35 - 2015"), 100, collect_reminder, &l), 0);
	expect_ids(&l, (int64_t[]){r4, r6}, 2);
	memset(&l, 0, sizeof l);
	assert_int_equal(store_reminder_list(f->s, RS_CANCELLED, K_RESPONSE, 0, S("35 - 2015"), 100,
	                                     collect_reminder, &l),
	                 0);
	expect_ids(&l, (int64_t[]){r6}, 1);
	memset(&l, 0, sizeof l);
	assert_int_equal(store_reminder_list(f->s, RS_MISSED, K_REVIEW, 0, (struct str){NULL, 0},
	                                     100, collect_reminder, &l),
	                 0);
	expect_ids(&l, (int64_t[]){r5}, 1);
	memset(&l, 0, sizeof l);
	assert_int_equal(store_reminder_list(f->s, RS_FIRED, K_RESPONSE, 0, (struct str){NULL, 0},
	                                     100, collect_reminder, &l),
	                 0);
	assert_int_equal(l.n, 0);
	memset(&l, 0, sizeof l);
	assert_int_equal(store_reminder_list(f->s, -1, -1, other, (struct str){NULL, 0}, 100,
	                                     collect_reminder, &l),
	                 0);
	assert_int_equal(l.n, 0);
	memset(&l, 0, sizeof l);
	assert_int_equal(
	    store_reminder_list(f->s, -1, -1, 0, (struct str){NULL, 0}, 2, collect_reminder, &l),
	    0);
	expect_ids(&l, (int64_t[]){r1, r5}, 2);
	/* Filters of one call do not stick to the next. */
	memset(&l, 0, sizeof l);
	assert_int_equal(
	    store_reminder_list(f->s, -1, -1, 0, (struct str){NULL, 0}, 100, collect_reminder, &l),
	    0);
	assert_int_equal(l.n, 6);

	/* Targets: one call per meeting or decision with something pending. */
	memset(&l, 0, sizeof l);
	assert_int_equal(store_reminder_targets(f->s, collect_reminder, &l), 0);
	assert_int_equal(l.n, 2);
	int meeting_seen = 0, ref_seen = 0;
	for (int i = 0; i < l.n; i++) {
		if (l.kind[i] == K_MEETING && l.meeting[i] == mid && !l.ref[i][0])
			meeting_seen++;
		if (l.kind[i] == K_RESPONSE && l.meeting[i] == 0 &&
		    strcmp(l.ref[i], "35 - 2015") == 0)
			ref_seen++;
	}
	assert_int_equal(meeting_seen, 1);
	assert_int_equal(ref_seen, 1);

	/* Settle the rest: nothing pending, no next, no targets. */
	struct reminder rest[] = {moved, rs[2], rs[3]};
	for (int i = 0; i < 3; i++) {
		rest[i].status = RS_CANCELLED;
		rest[i].settled_at = S("2030-08-02T12:00:00.000Z");
		assert_int_equal(store_reminder_update(f->s, &rest[i]), 0);
	}
	assert_int_equal(store_reminder_next(f->s, &f->a, &next), -DOCKET_ENOTFOUND);
	memset(&l, 0, sizeof l);
	assert_int_equal(store_reminder_targets(f->s, collect_reminder, &l), 0);
	assert_int_equal(l.n, 0);

	/* Reminders are never deleted, nor replaced, and survive a restart. */
	sqlite3 *db = raw(f);
	expect_raw_refused(db, "DELETE FROM reminders", "never deleted");
	char sql[160];
	snprintf(sql, sizeof sql, "DELETE FROM reminders WHERE id = %lld", (long long)r1);
	expect_raw_refused(db, sql, "never deleted");
	snprintf(sql, sizeof sql,
	         "REPLACE INTO reminders (id, kind, meeting, days, target_at, due_at, status)"
	         " VALUES (%lld, 'meeting', %lld, 5, 'x', 'y', 'pending')",
	         (long long)r1, (long long)mid);
	expect_raw_refused(db, sql, "never replaced");
	assert_int_equal(raw_int(db, "SELECT count(*) FROM reminders"), 6);
	sqlite3_close(db);
	reopen_store(f);
	memset(&l, 0, sizeof l);
	assert_int_equal(
	    store_reminder_list(f->s, -1, -1, 0, (struct str){NULL, 0}, 100, collect_reminder, &l),
	    0);
	assert_int_equal(l.n, 6);
	assert_int_equal(l.status[0], RS_FIRED);
	assert_int_equal(l.seq[0], 7);
	assert_int_equal(l.ids[5], r6);
	assert_int_equal(l.status[2], RS_CANCELLED);
	assert_string_equal(l.due[2], "2030-09-16T08:00:00Z");
}

static void test_close_is_null_safe(void **state)
{
	(void)state;
	struct store *s = NULL;
	store_close(&s);
	assert_null(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_open_creates_schema, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reopen_keeps_data, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_corrupt_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_migrate_from_empty_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_migrate_from_version_0, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_failed_migration_is_undone, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_decision_round_trip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_never_delete, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_log_cannot_be_replaced, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_chain_across_rollbacks, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_idempotency, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_decision_list, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_history, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_meetings_and_items, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_migrate_from_version_1, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_migration_canonical_refs, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_migration_ref_clash_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_decision_list_decided, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_decision_candidates, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_decision_responses_and_reviews, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_meeting_next, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_item_code_taken, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reminders, setup, teardown),
	    cmocka_unit_test(test_close_is_null_safe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
