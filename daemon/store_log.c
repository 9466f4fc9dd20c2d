/* The log read back: pages of events by seq, one event, and where a time falls. */
#include <string.h>

#include "docket/error.h"
#include "store_int.h"

static void read_event(sqlite3_stmt *q, struct log_event *e)
{
	e->seq = sqlite3_column_int64(q, 0);
	e->type = store_column_str(q, 1, NULL);
	e->body = sqlite3_column_blob(q, 2);
	e->len = (size_t)sqlite3_column_bytes(q, 2);
}

int store_log_scan(struct store *s, int64_t after, int64_t scan, store_log_fn fn, void *ctx,
		   int64_t *looked)
{
	sqlite3_stmt *q = s->stmt[S_LOG_PAGE];
	sqlite3_bind_int64(q, 1, after);
	sqlite3_bind_int64(q, 2, scan);
	*looked = after;
	int rc, out = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct log_event e = {0};
		read_event(q, &e);
		if ((out = fn(ctx, &e)) != 0)
			break;
		*looked = e.seq;
	}
	if (out == 0 && rc != SQLITE_DONE)
		out = -DOCKET_ESTORAGE;
	store_reset(q);
	return out < 0 ? out : 0;
}

int store_log_get(struct store *s, int64_t seq, struct arena *a, struct log_event *e)
{
	sqlite3_stmt *q = s->stmt[S_LOG_GET];
	sqlite3_bind_int64(q, 1, seq);
	int rc = sqlite3_step(q), out = 0;
	if (rc == SQLITE_ROW) {
		read_event(q, e);
		e->type = store_column_str(q, 1, a);
		e->ts = store_column_str(q, 3, a);
		e->body = arena_strndup(a, e->body ? e->body : "", e->len);
		if (!e->type.ptr || !e->ts.ptr || !e->body)
			out = -DOCKET_ENOMEM;
	} else {
		out = rc == SQLITE_DONE ? -DOCKET_ENOTFOUND : -DOCKET_ESTORAGE;
	}
	store_reset(q);
	return out;
}

/* Whether event seq was recorded before ts: 1, 0, or a negative code. */
static int before(struct store *s, int64_t seq, struct str ts)
{
	sqlite3_stmt *q = s->stmt[S_LOG_TS];
	sqlite3_bind_int64(q, 1, seq);
	int rc = sqlite3_step(q), out;
	if (rc == SQLITE_ROW) {
		/* Times of changes have one fixed width: bytes compare as times do. */
		struct str t = store_column_str(q, 0, NULL);
		int cmp = memcmp(t.ptr, ts.ptr, t.len < ts.len ? t.len : ts.len);
		out = cmp < 0 || (cmp == 0 && t.len < ts.len);
	} else {
		out = -DOCKET_ESTORAGE;
	}
	store_reset(q);
	return out;
}

int store_log_before(struct store *s, struct str ts, int64_t *after)
{
	/* seq has no gaps: the log runs from 1 to next_seq - 1. */
	int64_t lo = 0, hi = s->next_seq - 1;
	/* Invariant: events up to lo are before ts; those after hi are not. */
	while (lo < hi) {
		int64_t mid = lo + (hi - lo + 1) / 2;
		int b = before(s, mid, ts);
		if (b < 0)
			return b;
		if (b)
			lo = mid;
		else
			hi = mid - 1;
	}
	*after = lo;
	return 0;
}
