/* Decision rows and the queries over them. */
#include <string.h>

#include "docket/error.h"
#include "proto.h"
#include "ref.h"
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
	d->position = sqlite3_column_int64(q, 5);
	d->source = sqlite3_column_int64(q, 6);
	d->source_line = sqlite3_column_int64(q, 7);
	for (int i = 0; i < D_COUNT; i++)
		d->col[i] = store_column_str(q, DECISION_TEXT_BIND - 1 + i, a);
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
	if (d->position)
		sqlite3_bind_int64(q, 6, d->position);
	if (d->source) {
		sqlite3_bind_int64(q, 7, d->source);
		sqlite3_bind_int64(q, 8, d->source_line);
	}
	for (int i = 0; i < D_COUNT; i++)
		store_bind_str(q, DECISION_TEXT_BIND + i, d->col[i]);
}

int decision_restricted(const struct decision *d)
{
	struct str r = d->col[D_RESTRICTION];
	return r.ptr && !(r.len == 4 && memcmp(r.ptr, "none", 4) == 0);
}

size_t store_ref_key(struct str ref, unsigned char *out)
{
	return ref_key(ref.ptr, ref.len, out);
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

/* True for the states the public register shows (STORE_REGISTER_STATES). */
static int in_register(int state)
{
	return state == ST_PUBLISHED || state == ST_SCHEDULED || state == ST_REPORTED ||
	       state == ST_NOTED || state == ST_RESPONSE_DUE || state == ST_RESPONDED;
}

static int by_ref(struct store *s, enum stmt st, struct str ref)
{
	store_bind_str(s->stmt[st], 1, ref);
	return store_exec(s, st);
}

/*
 * Bring the search index in step with the stored row of d: what the public
 * may read of it, while the register shows it. Done here rather than by
 * triggers, which cost every draft and amendment a trigger program.
 */
static int index_decision(struct store *s, const struct decision *d)
{
	if (!in_register(d->state))
		return 0;
	sqlite3_stmt *q = s->stmt[S_SEARCH_SAME];
	store_bind_str(q, 1, d->ref);
	int rc = sqlite3_step(q);
	store_reset(q);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return -DOCKET_ESTORAGE;
	if (by_ref(s, S_SEARCH_DELETE, d->ref) < 0 || by_ref(s, S_SEARCH_REF, d->ref) < 0)
		return -DOCKET_ESTORAGE;
	return by_ref(s, S_SEARCH_PUT, d->ref);
}

int store_decision_insert(struct store *s, const struct decision *d)
{
	sqlite3_stmt *q = s->stmt[S_DECISION_INSERT];
	unsigned char key[REF_KEY_MAX];
	bind_row(q, d);
	sqlite3_bind_blob(q, DECISION_TEXT_BIND + D_COUNT, key, (int)store_ref_key(d->ref, key),
			  SQLITE_STATIC);
	int rc = store_exec(s, S_DECISION_INSERT);
	return rc < 0 ? rc : index_decision(s, d);
}

int store_decision_update(struct store *s, const struct decision *d)
{
	bind_row(s->stmt[S_DECISION_UPDATE], d);
	int rc = store_exec(s, S_DECISION_UPDATE);
	return rc < 0 ? rc : index_decision(s, d);
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

int store_decision_list(struct store *s, const struct store_page *page, store_decision_fn fn,
			void *ctx)
{
	/* A statement per order and filter, so that each has its index. */
	int filtered = page->state > ST_NONE;
	enum stmt st = page->sort == SORT_DECIDED ? (filtered ? S_LIST_DECIDED_STATE : S_LIST_DECIDED)
						  : (filtered ? S_LIST_REF_STATE : S_LIST_REF);
	sqlite3_stmt *q = s->stmt[st];
	if (filtered)
		sqlite3_bind_text(q, 1, proto_state_name(page->state), -1, SQLITE_STATIC);
	/* The empty blob and text sort before every key and date: the first page. */
	sqlite3_bind_blob(q, 2, page->after_key.ptr ? page->after_key.ptr : "",
			  (int)page->after_key.len, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, page->limit);
	if (page->sort == SORT_DECIDED)
		sqlite3_bind_text(q, 4, page->after_date.ptr ? page->after_date.ptr : "",
				  (int)page->after_date.len, SQLITE_STATIC);
	return each_row(q, fn, ctx);
}

int store_decision_candidates(struct store *s, struct str from, struct str to,
			      store_decision_fn fn, void *ctx)
{
	sqlite3_stmt *q = s->stmt[S_DECISION_CANDIDATES];
	store_bind_str(q, 1, from);
	store_bind_str(q, 2, to);
	return each_row(q, fn, ctx);
}

/* until nil means every one: "~" sorts after every date. */
static int until_date(struct store *s, enum stmt st, struct str until, store_decision_fn fn,
		      void *ctx)
{
	sqlite3_stmt *q = s->stmt[st];
	store_bind_str(q, 1, until.ptr ? until : (struct str){"~", 1});
	return each_row(q, fn, ctx);
}

int store_decision_responses(struct store *s, struct str until, store_decision_fn fn, void *ctx)
{
	return until_date(s, S_DECISION_RESPONSES, until, fn, ctx);
}

int store_decision_reviews(struct store *s, struct str until, store_decision_fn fn, void *ctx)
{
	return until_date(s, S_DECISION_REVIEWS, until, fn, ctx);
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

int store_item_next_position(struct store *s, int64_t item, int64_t *pos)
{
	sqlite3_stmt *q = s->stmt[S_ITEM_NEXT_POSITION];
	sqlite3_bind_int64(q, 1, item);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*pos = sqlite3_column_int64(q, 0);
	store_reset(q);
	return rc == SQLITE_ROW ? 0 : -DOCKET_ESTORAGE;
}

int store_decision_set_position(struct store *s, struct str ref, int64_t pos)
{
	sqlite3_stmt *q = s->stmt[S_DECISION_POSITION];
	store_bind_str(q, 1, ref);
	sqlite3_bind_int64(q, 2, pos);
	return store_exec(s, S_DECISION_POSITION);
}

int store_source_decisions(struct store *s, int64_t source, store_decision_fn fn, void *ctx)
{
	sqlite3_stmt *q = s->stmt[S_SOURCE_DECISIONS];
	sqlite3_bind_int64(q, 1, source);
	return each_row(q, fn, ctx);
}

int store_register(struct store *s, struct str after_key, int64_t limit, store_decision_fn fn,
		   void *ctx)
{
	sqlite3_stmt *q = s->stmt[S_REGISTER];
	sqlite3_bind_blob(q, 2, after_key.ptr ? after_key.ptr : "", (int)after_key.len,
			  SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, limit);
	return each_row(q, fn, ctx);
}
