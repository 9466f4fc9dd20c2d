/* The store: opening, transactions and the event log (its schema: store_schema.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docket/error.h"
#include "store_int.h"

int store_fail(char *err, size_t errlen, sqlite3 *db, const char *what)
{
	snprintf(err, errlen, "%s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
	return -DOCKET_ESTORAGE;
}

int store_open(struct store **out, const char *path, struct tz *zone, unsigned check_ms,
	       char *err, size_t errlen)
{
	*out = NULL;
	struct store *s = calloc(1, sizeof *s);
	if (!s)
		return store_fail(err, errlen, NULL, "cannot open the database");

	int rc = -DOCKET_ESTORAGE;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		store_fail(err, errlen, s->db, path);
		rc = store_check_refusal(s->db);
		goto out;
	}
	sqlite3_extended_result_codes(s->db, 1);
	if ((rc = store_guard_config(s->db, err, errlen)) < 0 ||
	    (rc = store_check_writable(s->db, path, err, errlen)) < 0)
		goto out;
	/* busy_timeout guards against an operator's sqlite3 shell holding a lock. */
	sqlite3_busy_timeout(s->db, 2000);
	if (sqlite3_exec(s->db,
			 "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
			 NULL, NULL, NULL) != SQLITE_OK) {
		store_fail(err, errlen, s->db, path);
		rc = store_check_refusal(s->db);
		goto out;
	}
	/* Damage found before a migration writes into it, or a change is accepted. */
	if ((rc = store_check_pages(s->db, check_ms, err, errlen)) < 0 ||
	    (rc = store_migrate(s->db, zone, err, errlen)) < 0)
		goto out;
	/* Every statement is prepared under the authoriser: one it refuses stops the start. */
	if ((rc = store_guard_log(s->db, err, errlen)) < 0 ||
	    (rc = store_prepare_all(s, err, errlen)) < 0)
		goto out;
	/* A log that cannot be read must not be numbered from 1 again. */
	int64_t last = 0;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "SELECT coalesce(max(seq), 0) FROM events", -1, &st, NULL) !=
	    SQLITE_OK) {
		rc = store_fail(err, errlen, s->db, "cannot read the log");
		goto out;
	}
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		last = sqlite3_column_int64(st, 0);
	else
		rc = store_fail(err, errlen, s->db, "cannot read the log's last seq");
	sqlite3_finalize(st);
	if (step != SQLITE_ROW)
		goto out;
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

const char *store_path(const struct store *s)
{
	const char *p = sqlite3_db_filename(s->db, "main");
	return p ? p : "";
}

int store_on_wal(struct store *s, int64_t keep_bytes, store_wal_fn fn, void *arg)
{
	if (!fn) {
		sqlite3_wal_hook(s->db, NULL, NULL);
		return 0;
	}
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA journal_size_limit=%lld", (long long)keep_bytes);
	if (sqlite3_wal_autocheckpoint(s->db, 0) != SQLITE_OK ||
	    sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return -DOCKET_ESTORAGE;
	/* After wal_autocheckpoint, which sets a hook of its own that this one replaces. */
	sqlite3_wal_hook(s->db, fn, arg);
	return 0;
}

int store_wal_checkpoint(struct store *s, int64_t *log, int64_t *done)
{
	int l = -1, d = -1;
	int rc = sqlite3_wal_checkpoint_v2(s->db, "main", SQLITE_CHECKPOINT_PASSIVE, &l, &d);
	*log = l;
	*done = d;
	return rc == SQLITE_OK ? 0 : rc == SQLITE_BUSY ? -DOCKET_ECONFLICT : -DOCKET_ESTORAGE;
}

int store_pending_reminders(struct store *s, int64_t *n)
{
	/* Asked by the status query now and then: prepared each time, kept out of the table. */
	sqlite3_stmt *q;
	*n = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM reminders WHERE status = 'pending'", -1,
			       &q, NULL) != SQLITE_OK)
		return -DOCKET_ESTORAGE;
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? 0 : -DOCKET_ESTORAGE;
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

int store_event_hash(struct store *s, int64_t seq, uint8_t *hash)
{
	/* Hashes of events appended in this run come from memory: no read on the command path. */
	if (seq == s->chain_seq && seq < s->next_seq) {
		memcpy(hash, s->chain_hash, CHAIN_HASH_LEN);
		return 0;
	}
	if (seq == 0) {
		memset(hash, 0, CHAIN_HASH_LEN);
		return 0;
	}
	sqlite3_stmt *q = s->stmt[S_EVENT_HASH];
	sqlite3_bind_int64(q, 1, seq);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		rc = sqlite3_column_bytes(q, 0) == CHAIN_HASH_LEN ? 0 : -DOCKET_EPROTO;
	else
		rc = rc == SQLITE_DONE ? -DOCKET_ENOTFOUND : -DOCKET_ESTORAGE;
	if (rc == 0)
		memcpy(hash, sqlite3_column_blob(q, 0), CHAIN_HASH_LEN);
	store_reset(q);
	return rc;
}

int store_chain_head(struct store *s, int64_t *seq, uint8_t *hash)
{
	*seq = s->next_seq - 1;
	return store_event_hash(s, *seq, hash);
}

int store_chain_walk(struct store *s, int64_t budget_ms, struct chain_report *r)
{
	return chain_walk(s->db, budget_ms, r);
}

int store_append_event(struct store *s, const struct event *ev)
{
	uint8_t prev[CHAIN_HASH_LEN], hash[CHAIN_HASH_LEN];
	/* The event before ev cannot be missing: a log that fails here is broken, not busy. */
	if (store_event_hash(s, ev->seq - 1, prev) < 0)
		return -DOCKET_ESTORAGE;
	struct chain_row row = {
		.seq = ev->seq,
		.ts = {ev->ts, strlen(ev->ts)},
		.type = {ev->type, strlen(ev->type)},
		.actor = {ev->actor.ptr, ev->actor.len},
		.ref = {ev->ref.ptr, ev->ref.len},
		.has_meeting = ev->meeting != 0,
		.meeting = ev->meeting,
		.has_item = ev->item != 0,
		.item = ev->item,
		.body = ev->body,
		.body_len = ev->body_len,
	};
	chain_hash(prev, &row, hash);
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
	sqlite3_bind_blob(q, 9, prev, CHAIN_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(q, 10, hash, CHAIN_HASH_LEN, SQLITE_STATIC);
	int rc = store_exec(s, S_EVENT_INSERT);
	if (rc == 0) {
		s->next_seq = ev->seq + 1;
		s->chain_seq = ev->seq;
		memcpy(s->chain_hash, hash, CHAIN_HASH_LEN);
	}
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
