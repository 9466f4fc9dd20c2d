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
	int rc = store_open(&f->s, f->path, f->err, sizeof f->err);
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
	static const char *const tables[] = {"decisions", "events", "meetings", "items",
	                                     "idempotency"};
	for (size_t i = 0; i < 5; i++) {
		char sql[128];
		snprintf(sql, sizeof sql,
		         "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '%s'",
		         tables[i]);
		assert_int_equal(raw_int(db, sql), 1);
	}
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"),
	                 9);
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
	                    .status = S("scheduled"),
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
	assert_int_equal(store_open(&s, f->path, f->err, sizeof f->err), -DOCKET_ESTORAGE);
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

static void expect_refused(struct fx *f)
{
	struct store *s = (struct store *)1;
	f->err[0] = '\0';
	int rc = store_open(&s, f->path, f->err, sizeof f->err);
	assert_int_equal(rc, -DOCKET_ESTORAGE);
	assert_null(s);
	assert_true(strlen(f->err) > 0);
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

	/* A directory where the file should be, and a directory that does not exist. */
	unlink(f->path);
	snprintf(f->path, sizeof f->path, "%s", f->dir);
	expect_refused(f);
	snprintf(f->path, sizeof f->path, "%s/no/such/dir/docket.db", f->dir);
	expect_refused(f);
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
	                 9);
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
	                    .status = S("scheduled"),
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
	static const int nil_cols[] = {D_RESTRICTION_REASON, D_REVIEW_DATE,  D_COMMENT,
	                               D_RECOMMENDATION,     D_RESPONSE_DUE, D_RESPONSE,
	                               D_SUBMITTED_AT,       D_ENDORSED_AT,  D_ENDORSED_BY,
	                               D_PUBLISHED_AT,       D_REPORTED_AT,  D_CLOSED_AT};
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
	char refs[16][16];
	int states[16];
	int n;
	int stop_after; /* 0: never */
};

static int collect(void *ctx, const struct decision *d)
{
	struct seen *s = ctx;
	assert_true(s->n < 16);
	assert_true(d->ref.len < sizeof s->refs[0]);
	memcpy(s->refs[s->n], d->ref.ptr, d->ref.len);
	s->refs[s->n][d->ref.len] = '\0';
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
	assert_int_equal(
	    store_decision_list(f->s, ST_NONE, (struct str){NULL, 0}, 100, collect, &s), 0);
	expect_refs(&s, all, 7);
	assert_int_equal(s.states[2], ST_PUBLISHED);
	assert_int_equal(s.states[5], ST_NOTED);

	/* Pages of three. */
	memset(&s, 0, sizeof s);
	assert_int_equal(store_decision_list(f->s, ST_NONE, (struct str){NULL, 0}, 3, collect, &s),
	                 0);
	expect_refs(&s, all, 3);
	memset(&s, 0, sizeof s);
	assert_int_equal(store_decision_list(f->s, ST_NONE, S("D03"), 3, collect, &s), 0);
	expect_refs(&s, all + 3, 3);
	memset(&s, 0, sizeof s);
	assert_int_equal(store_decision_list(f->s, ST_NONE, S("D06"), 3, collect, &s), 0);
	expect_refs(&s, all + 6, 1);
	memset(&s, 0, sizeof s);
	assert_int_equal(store_decision_list(f->s, ST_NONE, S("D07"), 3, collect, &s), 0);
	assert_int_equal(s.n, 0);
	/* after need not be a ref that exists. */
	memset(&s, 0, sizeof s);
	assert_int_equal(store_decision_list(f->s, ST_NONE, S("D035"), 2, collect, &s), 0);
	expect_refs(&s, all + 3, 2);

	/* A state filter, alone and with after. */
	static const char *const drafts[] = {"D01", "D02", "D04", "D05"};
	memset(&s, 0, sizeof s);
	assert_int_equal(
	    store_decision_list(f->s, ST_DRAFT, (struct str){NULL, 0}, 100, collect, &s), 0);
	expect_refs(&s, drafts, 4);
	memset(&s, 0, sizeof s);
	assert_int_equal(store_decision_list(f->s, ST_DRAFT, S("D02"), 1, collect, &s), 0);
	expect_refs(&s, drafts + 2, 1);
	static const char *const published[] = {"D03", "D07"};
	memset(&s, 0, sizeof s);
	assert_int_equal(
	    store_decision_list(f->s, ST_PUBLISHED, (struct str){NULL, 0}, 100, collect, &s), 0);
	expect_refs(&s, published, 2);
	memset(&s, 0, sizeof s);
	assert_int_equal(
	    store_decision_list(f->s, ST_RESPONDED, (struct str){NULL, 0}, 100, collect, &s), 0);
	assert_int_equal(s.n, 0);

	/* The filter of one call does not stick to the next. */
	memset(&s, 0, sizeof s);
	assert_int_equal(
	    store_decision_list(f->s, ST_NONE, (struct str){NULL, 0}, 100, collect, &s), 0);
	assert_int_equal(s.n, 7);

	/* The callback can stop the walk with its own code. */
	memset(&s, 0, sizeof s);
	s.stop_after = 2;
	assert_int_equal(
	    store_decision_list(f->s, ST_NONE, (struct str){NULL, 0}, 100, collect, &s),
	    -DOCKET_EINTERNAL);
	assert_int_equal(s.n, 2);
	/* ...and the statement is reusable afterwards. */
	memset(&s, 0, sizeof s);
	assert_int_equal(store_decision_list(f->s, ST_NONE, S("D05"), 100, collect, &s), 0);
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
	                        .status = S("scheduled"),
	                        .version = 1};
	struct meeting sooner = {.panel = S("Kent and Medway Police and Crime Panel"),
	                         .starts_at = S("2015-09-22T10:00:00Z"),
	                         .status = S("scheduled"),
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
	expect_str(m.status, "scheduled");
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
	sooner.status = S("scheduled");
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
	    cmocka_unit_test_setup_teardown(test_idempotency, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_decision_list, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_history, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_meetings_and_items, setup, teardown),
	    cmocka_unit_test(test_close_is_null_safe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
