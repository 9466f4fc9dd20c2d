/* The store's schema: one migration per version, with the work some do in C. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "docket/error.h"
#include "ref.h"
#include "store_int.h"
#include "tz.h"

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

	/* 2: business dates, references in reading order, reminders. */
	"ALTER TABLE decisions ADD COLUMN ref_key BLOB;"
	"ALTER TABLE decisions ADD COLUMN decided_on TEXT;"
	"ALTER TABLE decisions ADD COLUMN published_on TEXT;"
	"ALTER TABLE decisions ADD COLUMN reported_on TEXT;"
	"ALTER TABLE decisions ADD COLUMN noted_on TEXT;"
	"ALTER TABLE decisions ADD COLUMN recommended_on TEXT;"
	"ALTER TABLE decisions ADD COLUMN responded_on TEXT;"
	/* Dates of what happened before them, as the office's calendar read the times. */
	"UPDATE decisions SET ref_key = docket_ref_key(ref),"
	"  decided_on = docket_local_date(endorsed_at),"
	"  published_on = docket_local_date(published_at),"
	"  reported_on = CASE WHEN reported_at IS NOT NULL THEN (SELECT docket_local_date(m.starts_at)"
	"    FROM items i JOIN meetings m ON m.id = i.meeting WHERE i.id = decisions.item) END;"
	"UPDATE decisions SET noted_on = CASE WHEN state = 'noted' THEN reported_on END,"
	"  recommended_on = CASE WHEN state IN ('response_due', 'responded') THEN reported_on END,"
	"  responded_on = CASE WHEN state = 'responded' THEN docket_local_date(closed_at) END;"
	"DROP INDEX decisions_state;"
	"CREATE INDEX decisions_key ON decisions(ref_key);"
	"CREATE INDEX decisions_state_key ON decisions(state, ref_key);"
	"CREATE INDEX items_code ON items(meeting, code COLLATE NOCASE);"
	"CREATE TABLE reminders ("
	"  id INTEGER PRIMARY KEY,"
	"  kind TEXT NOT NULL,"
	"  meeting INTEGER REFERENCES meetings(id),"
	"  ref TEXT REFERENCES decisions(ref),"
	"  days INTEGER NOT NULL,"
	"  target_at TEXT NOT NULL,"
	"  due_at TEXT NOT NULL,"
	"  status TEXT NOT NULL,"
	"  seq INTEGER,"
	"  settled_at TEXT);"
	"CREATE INDEX reminders_pending ON reminders(due_at, id) WHERE status = 'pending';"
	"CREATE INDEX reminders_meeting ON reminders(meeting) WHERE meeting IS NOT NULL;"
	"CREATE INDEX reminders_ref ON reminders(ref) WHERE ref IS NOT NULL;"
	"CREATE TRIGGER reminders_keep BEFORE DELETE ON reminders"
	"  BEGIN SELECT RAISE(ABORT, 'reminders are never deleted'); END;"
	"CREATE TRIGGER reminders_no_replace BEFORE INSERT ON reminders"
	"  WHEN EXISTS (SELECT 1 FROM reminders WHERE id = NEW.id)"
	"  BEGIN SELECT RAISE(ABORT, 'reminders are never replaced'); END;",

	/* 3: the office's documents: published wording, item order, imports and search. */
	"CREATE TABLE sources ("
	"  id INTEGER PRIMARY KEY,"
	"  file TEXT NOT NULL,"
	"  sha256 TEXT NOT NULL UNIQUE,"
	"  document TEXT NOT NULL,"
	"  title TEXT, from_text TEXT, to_text TEXT, subject TEXT,"
	"  item INTEGER REFERENCES items(id),"
	"  imported_at TEXT NOT NULL,"
	"  actor TEXT NOT NULL);"
	"CREATE TRIGGER sources_keep BEFORE DELETE ON sources"
	"  BEGIN SELECT RAISE(ABORT, 'sources are never deleted'); END;"
	"CREATE TRIGGER sources_no_replace BEFORE INSERT ON sources"
	"  WHEN EXISTS (SELECT 1 FROM sources WHERE id = NEW.id OR sha256 = NEW.sha256)"
	"  BEGIN SELECT RAISE(ABORT, 'sources are never replaced'); END;"
	"ALTER TABLE decisions ADD COLUMN withheld TEXT;"
	"ALTER TABLE decisions ADD COLUMN public_text TEXT;"
	"ALTER TABLE decisions ADD COLUMN public_justification TEXT;"
	"ALTER TABLE decisions ADD COLUMN position INTEGER;"
	"ALTER TABLE decisions ADD COLUMN source INTEGER REFERENCES sources(id);"
	"ALTER TABLE decisions ADD COLUMN source_line INTEGER;"
	"CREATE INDEX decisions_source ON decisions(source, source_line) WHERE source IS NOT NULL;"
	/* Items keep the order they were shown in before staff could set it. */
	"UPDATE decisions SET position = (SELECT count(*) FROM decisions o WHERE o.item = decisions.item"
	"  AND (coalesce(o.endorsed_at, ''), o.ref_key) <="
	"      (coalesce(decisions.endorsed_at, ''), decisions.ref_key)) WHERE item IS NOT NULL;"
	/*
	 * The search index holds what the public may read of the decisions the
	 * register shows (published and later); store_decision.c keeps it in
	 * step in the transaction that changes the decision. Its rowids come
	 * from search_refs, whose INTEGER PRIMARY KEY survives VACUUM as the
	 * decisions table's implicit rowid would not.
	 */
	"CREATE TABLE search_refs (id INTEGER PRIMARY KEY, ref TEXT NOT NULL UNIQUE);"
	"CREATE TRIGGER search_refs_keep BEFORE DELETE ON search_refs"
	"  BEGIN SELECT RAISE(ABORT, 'search references are never deleted'); END;"
	"CREATE VIRTUAL TABLE search USING fts5(title, text, justification,"
	"  tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2 3');"
	"INSERT INTO search_refs (ref) SELECT ref FROM decisions"
	"  WHERE state IN (" STORE_REGISTER_STATES ") ORDER BY rowid;"
	"INSERT INTO search (rowid, title, text, justification)"
	"  SELECT r.id, d.title," STORE_PUBLIC_TEXT("d") "," STORE_PUBLIC_JUSTIFICATION("d")
	"  FROM decisions d JOIN search_refs r ON r.ref = d.ref;",
	/*
	 * Durable cursors (PROTOCOL.md 6.3). cursor_events holds the events a
	 * cursor delivered and has not had acknowledged (pending), and those it
	 * set aside (parked); an acknowledged event leaves no row.
	 */
	"CREATE TABLE cursors ("
	"  name TEXT PRIMARY KEY,"
	"  topics BLOB,"
	"  delivered INTEGER NOT NULL,"
	"  ack_wait INTEGER NOT NULL,"
	"  max_deliveries INTEGER NOT NULL,"
	"  created_at TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE cursor_events ("
	"  cursor TEXT NOT NULL REFERENCES cursors(name) ON DELETE CASCADE,"
	"  seq INTEGER NOT NULL,"
	"  deliveries INTEGER NOT NULL,"
	"  due_at INTEGER NOT NULL,"
	"  parked_at TEXT, reason TEXT,"
	"  PRIMARY KEY (cursor, seq)) WITHOUT ROWID;"
	"CREATE INDEX cursor_events_due ON cursor_events(cursor, due_at) WHERE parked_at IS NULL;",
	/*
	 * The clients' CURVE public keys (Z85), each the key of one principal
	 * with its roles (ROLE_* bits). A key is revoked, never deleted, so that
	 * the events it signed for keep a name.
	 */
	"CREATE TABLE keys ("
	"  key TEXT PRIMARY KEY,"
	"  principal TEXT NOT NULL,"
	"  roles INTEGER NOT NULL,"
	"  added_at TEXT NOT NULL,"
	"  changed_at TEXT NOT NULL,"
	"  revoked_at TEXT) WITHOUT ROWID;"
	"CREATE TRIGGER keys_keep BEFORE DELETE ON keys"
	"  BEGIN SELECT RAISE(ABORT, 'keys are revoked, never deleted'); END;",
	/*
	 * 6: the log's hash chain (PROTOCOL.md, "The log's hash chain"): each
	 * event's hash and the hash of the event before it. chain_events gives
	 * the events already there theirs.
	 */
	"ALTER TABLE events ADD COLUMN prev_hash BLOB; ALTER TABLE events ADD COLUMN hash BLOB;",
};

/* docket_ref_key(ref): the reading-order key of ref.h, for the migration to version 2. */
static void sql_ref_key(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *ref = (const char *)sqlite3_value_text(argv[0]);
	if (!ref) {
		sqlite3_result_null(ctx);
		return;
	}
	unsigned char key[REF_KEY_MAX];
	size_t len = (size_t)sqlite3_value_bytes(argv[0]);
	size_t n = ref_key(ref, len > REF_MAX ? REF_MAX : len, key);
	sqlite3_result_blob(ctx, key, (int)n, SQLITE_TRANSIENT);
}

/* docket_local_date(time): the office's date of a UTC time, or NULL. */
static void sql_local_date(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	struct tz *z = sqlite3_user_data(ctx);
	const char *t = (const char *)sqlite3_value_text(argv[0]);
	int64_t epoch;
	if (!t || date_utc_parse(t, (size_t)sqlite3_value_bytes(argv[0]), &epoch) < 0) {
		sqlite3_result_null(ctx);
		return;
	}
	char day[DATE_LEN];
	date_format(tz_days(z, epoch), day);
	sqlite3_result_text(ctx, day, -1, SQLITE_TRANSIENT);
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

static int exec1(sqlite3 *db, const char *sql, const char *a, const char *b)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -DOCKET_ESTORAGE;
	sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	if (b)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -DOCKET_ESTORAGE;
}

/*
 * Before version 2, references were stored as sent. Give each its
 * canonical form (ref.h), in the decisions and in the log's ref column,
 * so that a request can still name it; the event bodies keep what was
 * sent. Two references with one canonical form, or one the canonical
 * form refuses, stop the migration with a message naming them.
 */
static int canonical_refs(sqlite3 *db, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	char (*renames)[2][REF_BUF] = NULL;
	size_t n = 0, cap = 0;
	int rc = -DOCKET_ESTORAGE;
	if (sqlite3_prepare_v2(db, "SELECT ref FROM decisions", -1, &st, NULL) != SQLITE_OK)
		return store_fail(err, errlen, db, "cannot read the references");
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *ref = (const char *)sqlite3_column_text(st, 0), *canon;
		size_t len = (size_t)sqlite3_column_bytes(st, 0), clen;
		char buf[REF_BUF], why[256];
		if (!ref || len >= REF_BUF ||
		    ref_normalize(ref, len, buf, &canon, &clen, "ref", why, sizeof why) < 0) {
			snprintf(err, errlen, "decision '%.*s' has a reference docket no longer takes: %s",
				 (int)(len > 64 ? 64 : len), ref ? ref : "", ref ? why : "none");
			goto out;
		}
		if (clen == len && memcmp(canon, ref, len) == 0)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			void *grown = realloc(renames, cap * sizeof *renames);
			if (!grown) {
				snprintf(err, errlen, "out of memory");
				goto out;
			}
			renames = grown;
		}
		snprintf(renames[n][0], REF_BUF, "%s", ref);
		snprintf(renames[n][1], REF_BUF, "%.*s", (int)clen, canon);
		n++;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (n && sqlite3_exec(db, "DROP TRIGGER events_fixed", NULL, NULL, NULL) != SQLITE_OK) {
		rc = store_fail(err, errlen, db, "cannot give references their canonical form");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const char *old = renames[i][0], *canon = renames[i][1];
		int taken = exec1(db, "SELECT 1 FROM decisions WHERE ref = ?1", canon, NULL);
		if (taken == 1) {
			snprintf(err, errlen,
				 "decisions '%s' and '%s' are one reference once white space and "
				 "Unicode forms are set aside; rename one with sqlite3 first",
				 old, canon);
			goto out;
		}
		if (taken < 0 ||
		    exec1(db, "UPDATE events SET ref = ?1 WHERE ref = ?2", canon, old) < 0 ||
		    exec1(db, "UPDATE decisions SET ref = ?1 WHERE ref = ?2", canon, old) < 0) {
			rc = store_fail(err, errlen, db, "cannot give references their canonical form");
			goto out;
		}
	}
	if (n && sqlite3_exec(db,
			      "CREATE TRIGGER events_fixed BEFORE UPDATE ON events"
			      "  BEGIN SELECT RAISE(ABORT, 'events are never changed'); END;",
			      NULL, NULL, NULL) != SQLITE_OK) {
		rc = store_fail(err, errlen, db, "cannot give references their canonical form");
		goto out;
	}
	rc = 0;
out:
	if (st)
		sqlite3_finalize(st);
	free(renames);
	return rc;
}

/* Work a migration does in C before its SQL, by the version it starts from. */
static int (*const before_migration[STORE_SCHEMA_VERSION])(sqlite3 *db, char *err,
							     size_t errlen) = {
	[1] = canonical_refs,
};

/*
 * Chain the events a version 5 database holds, in seq order, as docketd
 * would have had it hashed them when it appended them. The log is never
 * changed otherwise: events_fixed is lifted for this only.
 */
static int chain_events(sqlite3 *db, char *err, size_t errlen)
{
	sqlite3_stmt *get = NULL, *put = NULL;
	uint8_t prev[CHAIN_HASH_LEN] = {0}, hash[CHAIN_HASH_LEN];
	int64_t seq = 0;
	int rc = -DOCKET_ESTORAGE;
	/* One row at a time: a statement never reads a table it is updating. */
	if (sqlite3_exec(db, "DROP TRIGGER events_fixed", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
			       "SELECT " CHAIN_ROW_COLUMNS " FROM events WHERE seq > ?1"
			       " ORDER BY seq LIMIT 1",
			       -1, &get, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "UPDATE events SET prev_hash = ?1, hash = ?2 WHERE seq = ?3", -1,
			       &put, NULL) != SQLITE_OK)
		goto out;
	for (;;) {
		struct chain_row row;
		const char *col, *why;
		sqlite3_bind_int64(get, 1, seq);
		int step = sqlite3_step(get);
		if (step == SQLITE_DONE)
			break;
		if (step != SQLITE_ROW)
			goto out;
		if ((why = chain_row_read(get, &row, &col))) {
			snprintf(err, errlen, "cannot chain the log: event %lld: its %s %s",
				 (long long)row.seq, col, why);
			sqlite3_reset(get);
			rc = -DOCKET_ESTORAGE;
			goto done;
		}
		chain_hash(prev, &row, hash);
		seq = row.seq;
		sqlite3_reset(get);
		sqlite3_bind_blob(put, 1, prev, CHAIN_HASH_LEN, SQLITE_STATIC);
		sqlite3_bind_blob(put, 2, hash, CHAIN_HASH_LEN, SQLITE_STATIC);
		sqlite3_bind_int64(put, 3, seq);
		step = sqlite3_step(put);
		sqlite3_reset(put);
		if (step != SQLITE_DONE)
			goto out;
		memcpy(prev, hash, CHAIN_HASH_LEN);
	}
	if (sqlite3_exec(db,
			 "CREATE TRIGGER events_fixed BEFORE UPDATE ON events"
			 "  BEGIN SELECT RAISE(ABORT, 'events are never changed'); END;",
			 NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	rc = 0;
	goto done;
out:
	store_fail(err, errlen, db, "cannot chain the log");
done:
	sqlite3_finalize(get);
	sqlite3_finalize(put);
	return rc;
}

/* Work a migration does in C after its SQL, by the version it starts from. */
static int (*const after_migration[STORE_SCHEMA_VERSION])(sqlite3 *db, char *err,
							    size_t errlen) = {
	[5] = chain_events,
};

static int migrate(sqlite3 *db, char *err, size_t errlen)
{
	int64_t have;
	if (pragma_int(db, "PRAGMA user_version", &have) < 0)
		return store_fail(err, errlen, db, "cannot read the schema version");
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
			return store_fail(err, errlen, db, "cannot start a migration");
		if (before_migration[v] && before_migration[v](db, err, errlen) < 0) {
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return -DOCKET_ESTORAGE;
		}
		if (sqlite3_exec(db, migrations[v], NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(db, bump, NULL, NULL, NULL) != SQLITE_OK) {
			store_fail(err, errlen, db, "schema migration failed");
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return -DOCKET_ESTORAGE;
		}
		if (after_migration[v] && after_migration[v](db, err, errlen) < 0) {
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return -DOCKET_ESTORAGE;
		}
		if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
			return store_fail(err, errlen, db, "cannot commit a migration");
	}
	return 0;
}

int store_migrate(sqlite3 *db, struct tz *zone, char *err, size_t errlen)
{
	int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
	if (sqlite3_create_function(db, "docket_ref_key", 1, flags, NULL, sql_ref_key, NULL,
				    NULL) != SQLITE_OK ||
	    sqlite3_create_function(db, "docket_local_date", 1, flags, (void *)zone,
				    sql_local_date, NULL, NULL) != SQLITE_OK)
		return store_fail(err, errlen, db, "cannot prepare the migrations");
	int rc = migrate(db, err, errlen);
	/* The functions serve the migrations only; zone need not outlive this call. */
	sqlite3_create_function(db, "docket_ref_key", 1, flags, NULL, NULL, NULL, NULL);
	sqlite3_create_function(db, "docket_local_date", 1, flags, NULL, NULL, NULL, NULL);
	return rc;
}

