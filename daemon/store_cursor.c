/* Durable cursors: a position in the log per integration, and its pending and parked events. */
#include "docket/error.h"
#include "store_int.h"

static int read_cursor(sqlite3_stmt *q, struct arena *a, struct cursor *c)
{
	c->name = store_column_str(q, 0, a);
	c->topics = (struct str){NULL, 0};
	if (sqlite3_column_type(q, 1) == SQLITE_BLOB) {
		const char *p = sqlite3_column_blob(q, 1);
		uint32_t len = (uint32_t)sqlite3_column_bytes(q, 1);
		if (a && !(p = arena_strndup(a, p, len)))
			return -DOCKET_ENOMEM;
		c->topics = (struct str){p, len};
	}
	c->delivered = sqlite3_column_int64(q, 2);
	c->ack_wait = sqlite3_column_int64(q, 3);
	c->max_deliveries = sqlite3_column_int64(q, 4);
	c->created_at = store_column_str(q, 5, a);
	c->pending = sqlite3_column_int64(q, 6);
	c->parked = sqlite3_column_int64(q, 7);
	c->first_pending = sqlite3_column_int64(q, 8);
	return c->name.ptr && c->created_at.ptr ? 0 : -DOCKET_ENOMEM;
}

int store_cursor_get(struct store *s, struct str name, struct arena *a, struct cursor *c)
{
	sqlite3_stmt *q = s->stmt[S_CURSOR_GET];
	store_bind_str(q, 1, name);
	int rc = sqlite3_step(q), out;
	if (rc == SQLITE_ROW)
		out = read_cursor(q, a, c);
	else
		out = rc == SQLITE_DONE ? -DOCKET_ENOTFOUND : -DOCKET_ESTORAGE;
	store_reset(q);
	return out;
}

int store_cursor_list(struct store *s, store_cursor_fn fn, void *ctx)
{
	sqlite3_stmt *q = s->stmt[S_CURSOR_LIST];
	int rc, out = 0;
	while (out == 0 && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct cursor c;
		if ((out = read_cursor(q, NULL, &c)) == 0)
			out = fn(ctx, &c);
	}
	if (out == 0 && rc != SQLITE_DONE)
		out = -DOCKET_ESTORAGE;
	store_reset(q);
	return out;
}

int store_cursor_insert(struct store *s, const struct cursor *c)
{
	sqlite3_stmt *q = s->stmt[S_CURSOR_INSERT];
	store_bind_str(q, 1, c->name);
	if (c->topics.ptr)
		sqlite3_bind_blob(q, 2, c->topics.ptr, (int)c->topics.len, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, c->delivered);
	sqlite3_bind_int64(q, 4, c->ack_wait);
	sqlite3_bind_int64(q, 5, c->max_deliveries);
	store_bind_str(q, 6, c->created_at);
	return store_exec(s, S_CURSOR_INSERT);
}

static int name_only(struct store *s, enum stmt st, struct str name)
{
	store_bind_str(s->stmt[st], 1, name);
	return store_exec(s, st);
}

static int name_seq(struct store *s, enum stmt st, struct str name, int64_t seq)
{
	store_bind_str(s->stmt[st], 1, name);
	sqlite3_bind_int64(s->stmt[st], 2, seq);
	return store_exec(s, st);
}

int store_cursor_delete(struct store *s, struct str name)
{
	return name_only(s, S_CURSOR_DELETE, name);
}

int store_cursor_set_delivered(struct store *s, struct str name, int64_t delivered)
{
	return name_seq(s, S_CURSOR_DELIVERED, name, delivered);
}

int store_cursor_forget_after(struct store *s, struct str name, int64_t after)
{
	return name_seq(s, S_CURSOR_REWIND, name, after);
}

int store_pending_due(struct store *s, struct str name, int64_t now, int64_t limit,
		      int64_t *seq, int64_t *deliveries, size_t *n)
{
	sqlite3_stmt *q = s->stmt[S_PENDING_DUE];
	store_bind_str(q, 1, name);
	sqlite3_bind_int64(q, 2, now);
	sqlite3_bind_int64(q, 3, limit);
	int rc;
	*n = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		seq[*n] = sqlite3_column_int64(q, 0);
		deliveries[*n] = sqlite3_column_int64(q, 1);
		(*n)++;
	}
	store_reset(q);
	return rc == SQLITE_DONE ? 0 : -DOCKET_ESTORAGE;
}

int store_pending_add(struct store *s, struct str name, int64_t seq, int64_t due)
{
	sqlite3_stmt *q = s->stmt[S_PENDING_ADD];
	sqlite3_bind_int64(q, 3, due);
	return name_seq(s, S_PENDING_ADD, name, seq);
}

int store_pending_get(struct store *s, struct str name, int64_t seq, int64_t *deliveries,
		      int *parked)
{
	sqlite3_stmt *q = s->stmt[S_PENDING_GET];
	store_bind_str(q, 1, name);
	sqlite3_bind_int64(q, 2, seq);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		*deliveries = sqlite3_column_int64(q, 0);
		*parked = sqlite3_column_int(q, 1);
	}
	store_reset(q);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? -DOCKET_ENOTFOUND : -DOCKET_ESTORAGE;
}

int store_pending_redeliver(struct store *s, struct str name, int64_t seq, int64_t due,
			    int count)
{
	sqlite3_stmt *q = s->stmt[S_PENDING_REDELIVER];
	sqlite3_bind_int64(q, 3, due);
	sqlite3_bind_int(q, 4, count);
	return name_seq(s, S_PENDING_REDELIVER, name, seq);
}

/* Run a statement of (name, seq) and tell how many rows it changed. */
static int counted(struct store *s, enum stmt st, struct str name, int64_t seq, int64_t *n)
{
	int rc = name_seq(s, st, name, seq);
	*n = rc == 0 ? sqlite3_changes64(s->db) : 0;
	return rc;
}

int store_pending_ack(struct store *s, struct str name, int64_t seq, int through, int64_t *n)
{
	return counted(s, through ? S_PENDING_ACK_THROUGH : S_PENDING_ACK, name, seq, n);
}

int store_pending_park(struct store *s, struct str name, int64_t seq, struct str ts,
		       struct str reason)
{
	sqlite3_stmt *q = s->stmt[S_PENDING_PARK];
	store_bind_str(q, 3, ts);
	store_bind_str(q, 4, reason);
	return name_seq(s, S_PENDING_PARK, name, seq);
}

int store_parked_retry(struct store *s, struct str name, int64_t seq, int64_t *n)
{
	return counted(s, S_PARKED_RETRY, name, seq, n);
}

int store_parked_skip(struct store *s, struct str name, int64_t seq, int64_t *n)
{
	return counted(s, S_PARKED_SKIP, name, seq, n);
}

int store_parked_list(struct store *s, struct str name, int64_t limit, store_parked_fn fn,
		      void *ctx)
{
	sqlite3_stmt *q = s->stmt[S_PARKED_LIST];
	store_bind_str(q, 1, name);
	sqlite3_bind_int64(q, 2, limit);
	int rc, out = 0;
	while (out == 0 && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct parked_event p = {
			.seq = sqlite3_column_int64(q, 0),
			.type = store_column_str(q, 1, NULL),
			.ts = store_column_str(q, 2, NULL),
			.deliveries = sqlite3_column_int64(q, 3),
			.parked_at = store_column_str(q, 4, NULL),
			.reason = store_column_str(q, 5, NULL),
		};
		out = fn(ctx, &p);
	}
	if (out == 0 && rc != SQLITE_DONE)
		out = -DOCKET_ESTORAGE;
	store_reset(q);
	return out;
}
