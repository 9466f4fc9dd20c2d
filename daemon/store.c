/* The store: opening, schema migrations, transactions and the event log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docket/error.h"
#include "store_int.h"

/* migrations[i] takes user_version i to i + 1. Never edit one that has shipped. */
static const char *const migrations[STORE_SCHEMA_VERSION] = {
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
	/* Records are never deleted and the log is never rewritten. */
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
	/* REPLACE deletes without firing DELETE triggers: refuse the insert instead. */
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
	"  BEGIN SELECT RAISE(ABORT, 'items are never replaced'); END;",
};

static int fail(char *err, size_t errlen, sqlite3 *db, const char *what)
{
	snprintf(err, errlen, "%s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
	return -DOCKET_ESTORAGE;
}

static int pragma_int(sqlite3 *db, const char *sql, int64_t *out)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -DOCKET_ESTORAGE;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -DOCKET_ESTORAGE;
}

static int migrate(sqlite3 *db, char *err, size_t errlen)
{
	int64_t have;
	if (pragma_int(db, "PRAGMA user_version", &have) < 0)
		return fail(err, errlen, db, "cannot read the schema version");
	if (have > STORE_SCHEMA_VERSION) {
		snprintf(err, errlen,
			 "database schema version %lld is newer than this docketd's (%d)",
			 (long long)have, STORE_SCHEMA_VERSION);
		return -DOCKET_ESTORAGE;
	}
	for (int64_t v = have; v < STORE_SCHEMA_VERSION; v++) {
		char bump[64];
		snprintf(bump, sizeof bump, "PRAGMA user_version = %lld", (long long)v + 1);
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
			return fail(err, errlen, db, "cannot start a migration");
		if (sqlite3_exec(db, migrations[v], NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(db, bump, NULL, NULL, NULL) != SQLITE_OK) {
			fail(err, errlen, db, "schema migration failed");
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return -DOCKET_ESTORAGE;
		}
		if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
			return fail(err, errlen, db, "cannot commit a migration");
	}
	return 0;
}

int store_open(struct store **out, const char *path, char *err, size_t errlen)
{
	*out = NULL;
	struct store *s = calloc(1, sizeof *s);
	if (!s)
		return fail(err, errlen, NULL, "cannot open the database");

	int rc = -DOCKET_ESTORAGE;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		fail(err, errlen, s->db, path);
		goto out;
	}
	sqlite3_extended_result_codes(s->db, 1);
	/* busy_timeout guards against an operator's sqlite3 shell holding a lock. */
	sqlite3_busy_timeout(s->db, 2000);
	if (sqlite3_exec(s->db,
			 "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
			 NULL, NULL, NULL) != SQLITE_OK) {
		fail(err, errlen, s->db, path);
		goto out;
	}
	if ((rc = migrate(s->db, err, errlen)) < 0)
		goto out;
	if ((rc = store_prepare_all(s, err, errlen)) < 0)
		goto out;
	int64_t last = 0;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "SELECT coalesce(max(seq), 0) FROM events", -1, &st, NULL) !=
	    SQLITE_OK) {
		rc = fail(err, errlen, s->db, path);
		goto out;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		last = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	s->next_seq = s->seq_at_begin = s->seq_at_savepoint = last + 1;
	*out = s;
	return 0;
out:
	store_close(&s);
	return rc;
}

void store_close(struct store **sp)
{
	struct store *s = *sp;
	if (!s)
		return;
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	sqlite3_close(s->db);
	free(s);
	*sp = NULL;
}

const char *store_errmsg(const struct store *s)
{
	return sqlite3_errmsg(s->db);
}

void store_reset(sqlite3_stmt *q)
{
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
}

int store_exec(struct store *s, enum stmt st)
{
	sqlite3_stmt *q = s->stmt[st];
	int rc = sqlite3_step(q);
	store_reset(q);
	return rc == SQLITE_DONE ? 0 : -DOCKET_ESTORAGE;
}

int store_begin(struct store *s)
{
	s->seq_at_begin = s->next_seq;
	return store_exec(s, S_BEGIN);
}

int store_commit(struct store *s)
{
	return store_exec(s, S_COMMIT);
}

int store_rollback(struct store *s)
{
	s->next_seq = s->seq_at_begin;
	/* A failed COMMIT may already have rolled back: ignore "no transaction". */
	if (sqlite3_get_autocommit(s->db))
		return 0;
	return store_exec(s, S_ROLLBACK);
}

int store_savepoint(struct store *s)
{
	s->seq_at_savepoint = s->next_seq;
	return store_exec(s, S_SAVEPOINT);
}

int store_release(struct store *s)
{
	return store_exec(s, S_RELEASE);
}

int store_rollback_savepoint(struct store *s)
{
	s->next_seq = s->seq_at_savepoint;
	int rc = store_exec(s, S_ROLLBACK_TO);
	/* ROLLBACK TO keeps the savepoint open; release it so the next command starts clean. */
	return rc < 0 ? rc : store_exec(s, S_RELEASE);
}

int store_in_transaction(const struct store *s)
{
	return !sqlite3_get_autocommit(s->db);
}

int64_t store_next_seq(const struct store *s)
{
	return s->next_seq;
}

void store_bind_str(sqlite3_stmt *st, int i, struct str v)
{
	if (v.ptr)
		sqlite3_bind_text(st, i, v.ptr, (int)v.len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

struct str store_column_str(sqlite3_stmt *st, int i, struct arena *a)
{
	const char *p = (const char *)sqlite3_column_text(st, i);
	if (!p)
		return (struct str){NULL, 0};
	uint32_t len = (uint32_t)sqlite3_column_bytes(st, i);
	if (a && !(p = arena_strndup(a, p, len)))
		return (struct str){NULL, 0};
	return (struct str){p, len};
}

int store_append_event(struct store *s, const struct event *ev)
{
	sqlite3_stmt *q = s->stmt[S_EVENT_INSERT];
	sqlite3_bind_int64(q, 1, ev->seq);
	sqlite3_bind_text(q, 2, ev->ts, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, ev->type, -1, SQLITE_STATIC);
	store_bind_str(q, 4, ev->actor);
	store_bind_str(q, 5, ev->ref);
	if (ev->meeting)
		sqlite3_bind_int64(q, 6, ev->meeting);
	if (ev->item)
		sqlite3_bind_int64(q, 7, ev->item);
	sqlite3_bind_blob(q, 8, ev->body, (int)ev->body_len, SQLITE_STATIC);
	int rc = store_exec(s, S_EVENT_INSERT);
	if (rc == 0)
		s->next_seq = ev->seq + 1;
	return rc;
}

int store_idem_get(struct store *s, struct str principal, struct str key, struct arena *a,
		   struct str *req, struct str *result, int64_t *pairs)
{
	sqlite3_stmt *q = s->stmt[S_IDEM_GET];
	store_bind_str(q, 1, principal);
	store_bind_str(q, 2, key);
	int rc = sqlite3_step(q);
	int found = 0;
	if (rc == SQLITE_ROW) {
		const void *b = sqlite3_column_blob(q, 0);
		int n = sqlite3_column_bytes(q, 0);
		const void *r = sqlite3_column_blob(q, 1);
		int rn = sqlite3_column_bytes(q, 1);
		char *bc = arena_strndup(a, b ? b : "", (size_t)n);
		char *rc2 = arena_strndup(a, r ? r : "", (size_t)rn);
		*req = (struct str){bc, (uint32_t)n};
		*result = (struct str){rc2, (uint32_t)rn};
		*pairs = sqlite3_column_int64(q, 2);
		found = bc && rc2 ? 1 : -DOCKET_ESTORAGE;
	} else if (rc != SQLITE_DONE) {
		found = -DOCKET_ESTORAGE;
	}
	store_reset(q);
	return found;
}

int store_idem_put(struct store *s, struct str principal, struct str key, struct str req,
		   const void *result, size_t result_len, int64_t pairs)
{
	sqlite3_stmt *q = s->stmt[S_IDEM_PUT];
	store_bind_str(q, 1, principal);
	store_bind_str(q, 2, key);
	sqlite3_bind_blob(q, 3, req.ptr ? req.ptr : "", (int)req.len, SQLITE_STATIC);
	sqlite3_bind_blob(q, 4, result, (int)result_len, SQLITE_STATIC);
	sqlite3_bind_int64(q, 5, pairs);
	return store_exec(s, S_IDEM_PUT);
}
