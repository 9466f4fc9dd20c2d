/*
 * The guards on docketd's own connection: the authoriser keeps the log
 * and the schema as they are, SQLite's defensive mode keeps the file
 * whole, and the schema is not trusted to call functions.
 */
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

#include "docket/error.h"
#include "store.h"
#include "store_int.h" /* the store's own connection */
#include "tz.h"

struct fx {
	char dir[64];
	char path[128];
	struct store *s;
	struct tz *zone;
	char err[512];
};

static int teardown(void **state)
{
	struct fx *f = *state;
	store_close(&f->s);
	tz_close(&f->zone);
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

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/docket-guard-XXXXXX");
	if (!mkdtemp(f->dir) || tz_open(&f->zone, "Europe/London") < 0) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof f->path, "%s/docket.db", f->dir);
	*state = f;
	int rc = store_open(&f->s, f->path, f->zone, STORE_CHECK_MS, f->err, sizeof f->err);
	if (rc < 0) {
		fprintf(stderr, "store_open: %s\n", f->err);
		teardown(state);
		return -1;
	}
	return 0;
}

/* Run sql on the store's own connection; SQLite's primary result code. */
static int run(struct fx *f, const char *sql)
{
	return sqlite3_exec(f->s->db, sql, NULL, NULL, NULL) & 0xff;
}

static int64_t one_int(struct fx *f, const char *sql)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(f->s->db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The log is appended to; changing or deleting an event is refused before its triggers run. */
static void test_log_is_append_only(void **state)
{
	struct fx *f = *state;
	assert_int_equal(run(f, "INSERT INTO events (seq, ts, type, actor, body)"
	                        " VALUES (1, '2026-01-01T00:00:00.000Z', 't', 'a', x'80')"),
	                 SQLITE_OK);
	assert_int_equal(run(f, "UPDATE events SET type = 'changed' WHERE seq = 1"), SQLITE_AUTH);
	assert_int_equal(run(f, "DELETE FROM events"), SQLITE_AUTH);
	assert_int_equal(run(f, "DELETE FROM main.EVENTS WHERE seq = 1"), SQLITE_AUTH);
	assert_int_equal(one_int(f, "SELECT count(*) FROM events WHERE type = 't'"), 1);
	/* Other tables change as docketd needs them to. */
	assert_int_equal(run(f, "INSERT INTO cursors (name, delivered, ack_wait, max_deliveries,"
	                        " created_at) VALUES ('c', 0, 30, 5, 'now')"),
	                 SQLITE_OK);
	assert_int_equal(run(f, "UPDATE cursors SET delivered = 1"), SQLITE_OK);
	assert_int_equal(run(f, "DELETE FROM cursors"), SQLITE_OK);
}

/* The schema, with the triggers that keep the records, changes only in a migration. */
static void test_schema_is_fixed(void **state)
{
	struct fx *f = *state;
	assert_int_equal(run(f, "DROP TRIGGER events_fixed"), SQLITE_AUTH);
	assert_int_equal(run(f, "DROP TRIGGER decisions_keep"), SQLITE_AUTH);
	assert_int_equal(run(f, "DROP TABLE events"), SQLITE_AUTH);
	assert_int_equal(run(f, "DROP INDEX events_ref"), SQLITE_AUTH);
	assert_int_equal(run(f, "ALTER TABLE events RENAME TO old_events"), SQLITE_AUTH);
	assert_int_equal(run(f, "CREATE TABLE planted (a)"), SQLITE_AUTH);
	assert_int_equal(run(f, "CREATE TRIGGER planted AFTER INSERT ON decisions"
	                        " BEGIN SELECT 1; END"),
	                 SQLITE_AUTH);
	assert_int_equal(run(f, "DROP TABLE search"), SQLITE_AUTH);
	/* A temporary table is the connection's own, not the file's. */
	assert_int_equal(run(f, "CREATE TEMP TABLE scratch (a)"), SQLITE_OK);
	assert_int_equal(run(f, "DROP TABLE scratch"), SQLITE_OK);
	assert_int_equal(
	    one_int(f, "SELECT count(*) FROM sqlite_schema WHERE name = 'events_fixed'"), 1);
}

/* Defensive mode: no writable_schema, no writes to the search index's shadow tables. */
static void test_defensive(void **state)
{
	struct fx *f = *state;
	run(f, "PRAGMA writable_schema = ON");
	assert_int_not_equal(run(f, "UPDATE sqlite_schema SET sql = sql WHERE name = 'events'"),
	                     SQLITE_OK);
	assert_int_not_equal(run(f, "DELETE FROM search_data"), SQLITE_OK);
	assert_int_equal(one_int(f, "PRAGMA trusted_schema"), 0);
	/* The search index itself works under both. */
	assert_int_equal(run(f, "INSERT INTO search (rowid, title, text, justification)"
	                        " VALUES (1, 'body worn cameras', 't', 'j')"),
	                 SQLITE_OK);
	assert_int_equal(one_int(f, "SELECT count(*) FROM search WHERE search MATCH 'camera*'"), 1);
	assert_int_equal(run(f, "DELETE FROM search WHERE rowid = 1"), SQLITE_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_log_is_append_only, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_schema_is_fixed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_defensive, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
