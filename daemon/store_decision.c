/* Decision rows and the queries over them. */
#include <string.h>

#include "docket/error.h"
#include "proto.h"
#include "store_int.h"

/* Read the row in SELECT order (DECISION_COLS, then the text columns). */
static int read_row(sqlite3_stmt *q, struct arena *a, struct decision *d)
{
	memset(d, 0, sizeof *d);
	d->ref = store_column_str(q, 0, a);
	const char *state = (const char *)sqlite3_column_text(q, 1);
	d->state = state ? proto_state_lookup(state, (uint32_t)strlen(state)) : -1;
	d->version = sqlite3_column_int64(q, 2);
	d->cost_pence = sqlite3_column_type(q, 3) == SQLITE_NULL ? -1 : sqlite3_column_int64(q, 3);
	d->item = sqlite3_column_int64(q, 4);
	for (int i = 0; i < D_COUNT; i++)
		d->col[i] = store_column_str(q, 5 + i, a);
	/* A state this build does not know means the file was edited by hand. */
	return d->state > ST_NONE && d->ref.ptr ? 0 : -DOCKET_ESTORAGE;
}

static void bind_row(sqlite3_stmt *q, const struct decision *d)
{
	store_bind_str(q, 1, d->ref);
	sqlite3_bind_text(q, 2, proto_state_name(d->state), -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, d->version);
	if (d->cost_pence >= 0)
		sqlite3_bind_int64(q, 4, d->cost_pence);
	if (d->item)
		sqlite3_bind_int64(q, 5, d->item);
	for (int i = 0; i < D_COUNT; i++)
		store_bind_str(q, 6 + i, d->col[i]);
}

int store_decision_get(struct store *s, struct str ref, struct arena *a, struct decision *d)
{
	sqlite3_stmt *q = s->stmt[S_DECISION_GET];
	store_bind_str(q, 1, ref);
	int rc = sqlite3_step(q);
	int ret = rc == SQLITE_ROW ? read_row(q, a, d) : rc == SQLITE_DONE ? -DOCKET_ENOTFOUND
									    : -DOCKET_ESTORAGE;
	store_reset(q);
	return ret;
}

int store_decision_insert(struct store *s, const struct decision *d)
{
	bind_row(s->stmt[S_DECISION_INSERT], d);
	return store_exec(s, S_DECISION_INSERT);
}

int store_decision_update(struct store *s, const struct decision *d)
{
	bind_row(s->stmt[S_DECISION_UPDATE], d);
	return store_exec(s, S_DECISION_UPDATE);
}

static int each_row(sqlite3_stmt *q, store_decision_fn fn, void *ctx)
{
	int rc, ret = 0;
	struct decision d;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if ((ret = read_row(q, NULL, &d)) < 0 || (ret = fn(ctx, &d)) < 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = -DOCKET_ESTORAGE;
	store_reset(q);
	return ret;
}

int store_decision_list(struct store *s, int state, struct str after, int64_t limit,
			store_decision_fn fn, void *ctx)
{
	sqlite3_stmt *q = s->stmt[S_DECISION_LIST];
	if (state > ST_NONE)
		sqlite3_bind_text(q, 1, proto_state_name(state), -1, SQLITE_STATIC);
	store_bind_str(q, 2, after);
	sqlite3_bind_int64(q, 3, limit);
	return each_row(q, fn, ctx);
}

int store_item_decisions(struct store *s, int64_t item, store_decision_fn fn, void *ctx)
{
	sqlite3_stmt *q = s->stmt[S_ITEM_DECISIONS];
	sqlite3_bind_int64(q, 1, item);
	return each_row(q, fn, ctx);
}

int store_decision_history(struct store *s, struct str ref, store_event_fn fn, void *ctx)
{
	sqlite3_stmt *q = s->stmt[S_DECISION_HISTORY];
	store_bind_str(q, 1, ref);
	int rc, ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const void *body = sqlite3_column_blob(q, 0);
		size_t len = (size_t)sqlite3_column_bytes(q, 0);
		if ((ret = fn(ctx, body, len)) < 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = -DOCKET_ESTORAGE;
	store_reset(q);
	return ret;
}
