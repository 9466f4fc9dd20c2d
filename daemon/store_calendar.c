/* The panel calendar: meetings and their agenda items. */
#include <string.h>

#include "docket/error.h"
#include "proto.h"
#include "store_int.h"

static int read_meeting(sqlite3_stmt *q, struct arena *a, struct meeting *m)
{
	m->id = sqlite3_column_int64(q, 0);
	m->panel = store_column_str(q, 1, a);
	m->starts_at = store_column_str(q, 2, a);
	m->venue = store_column_str(q, 3, a);
	const char *status = (const char *)sqlite3_column_text(q, 4);
	m->status = status ? proto_enum_lookup(proto_meeting_statuses, status,
					       (uint32_t)strlen(status))
			   : -1;
	m->version = sqlite3_column_int64(q, 5);
	/* A status this build does not know means the file was edited by hand. */
	return m->status >= 0 && m->starts_at.ptr && m->panel.ptr ? 0 : -DOCKET_ESTORAGE;
}

static void read_item(sqlite3_stmt *q, struct arena *a, struct item *it)
{
	it->id = sqlite3_column_int64(q, 0);
	it->meeting = sqlite3_column_int64(q, 1);
	it->code = store_column_str(q, 2, a);
	it->subject = store_column_str(q, 3, a);
	it->period_start = store_column_str(q, 4, a);
	it->period_end = store_column_str(q, 5, a);
	it->from = store_column_str(q, 6, a);
	it->to = store_column_str(q, 7, a);
}

/* The one meeting a bound statement selects: 0, -DOCKET_ENOTFOUND or -DOCKET_ESTORAGE. */
static int one_meeting(sqlite3_stmt *q, struct arena *a, struct meeting *m)
{
	int rc = sqlite3_step(q);
	int ret = rc == SQLITE_ROW ? read_meeting(q, a, m)
		  : rc == SQLITE_DONE ? -DOCKET_ENOTFOUND
				      : -DOCKET_ESTORAGE;
	store_reset(q);
	return ret;
}

int store_meeting_get(struct store *s, int64_t id, struct arena *a, struct meeting *m)
{
	sqlite3_stmt *q = s->stmt[S_MEETING_GET];
	sqlite3_bind_int64(q, 1, id);
	return one_meeting(q, a, m);
}

static int write_meeting(struct store *s, enum stmt st, const struct meeting *m)
{
	sqlite3_stmt *q = s->stmt[st];
	sqlite3_bind_int64(q, 1, m->id);
	store_bind_str(q, 2, m->panel);
	store_bind_str(q, 3, m->starts_at);
	store_bind_str(q, 4, m->venue);
	sqlite3_bind_text(q, 5, proto_meeting_statuses[m->status], -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 6, m->version);
	return store_exec(s, st);
}

int store_meeting_insert(struct store *s, struct meeting *m)
{
	int rc = write_meeting(s, S_MEETING_INSERT, m);
	if (rc == 0)
		m->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

int store_meeting_update(struct store *s, const struct meeting *m)
{
	return write_meeting(s, S_MEETING_UPDATE, m);
}

int store_item_get(struct store *s, int64_t id, struct arena *a, struct item *it)
{
	sqlite3_stmt *q = s->stmt[S_ITEM_GET];
	sqlite3_bind_int64(q, 1, id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		read_item(q, a, it);
	store_reset(q);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? -DOCKET_ENOTFOUND : -DOCKET_ESTORAGE;
}

int store_item_insert(struct store *s, struct item *it)
{
	sqlite3_stmt *q = s->stmt[S_ITEM_INSERT];
	sqlite3_bind_int64(q, 2, it->meeting);
	store_bind_str(q, 3, it->code);
	store_bind_str(q, 4, it->subject);
	store_bind_str(q, 5, it->period_start);
	store_bind_str(q, 6, it->period_end);
	store_bind_str(q, 7, it->from);
	store_bind_str(q, 8, it->to);
	int rc = store_exec(s, S_ITEM_INSERT);
	if (rc == 0)
		it->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

int store_meeting_count(struct store *s, int64_t meeting, int state, int64_t *count)
{
	sqlite3_stmt *q = s->stmt[S_MEETING_COUNT];
	sqlite3_bind_int64(q, 1, meeting);
	if (state > ST_NONE)
		sqlite3_bind_text(q, 2, proto_state_name(state), -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*count = sqlite3_column_int64(q, 0);
	store_reset(q);
	return rc == SQLITE_ROW ? 0 : -DOCKET_ESTORAGE;
}

int store_meeting_next(struct store *s, struct str time, struct arena *a, struct meeting *m)
{
	sqlite3_stmt *q = s->stmt[S_MEETING_NEXT];
	store_bind_str(q, 1, time);
	return one_meeting(q, a, m);
}

int store_item_code_taken(struct store *s, int64_t meeting, struct str code)
{
	sqlite3_stmt *q = s->stmt[S_ITEM_CODE];
	sqlite3_bind_int64(q, 1, meeting);
	store_bind_str(q, 2, code);
	int rc = sqlite3_step(q);
	int taken = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) > 0 : -DOCKET_ESTORAGE;
	store_reset(q);
	return taken;
}

int store_meeting_list(struct store *s, store_meeting_fn fn, void *ctx)
{
	sqlite3_stmt *q = s->stmt[S_MEETING_LIST];
	int rc, ret = 0;
	struct meeting m;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if ((ret = read_meeting(q, NULL, &m)) < 0 || (ret = fn(ctx, &m)) < 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = -DOCKET_ESTORAGE;
	store_reset(q);
	return ret;
}

int store_meeting_items(struct store *s, int64_t meeting, store_item_fn fn, void *ctx)
{
	sqlite3_stmt *q = s->stmt[S_MEETING_ITEMS];
	sqlite3_bind_int64(q, 1, meeting);
	int rc, ret = 0;
	struct item it;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		read_item(q, NULL, &it);
		if ((ret = fn(ctx, &it)) < 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = -DOCKET_ESTORAGE;
	store_reset(q);
	return ret;
}

int store_meeting_on(struct store *s, struct str panel, struct str from, struct str to,
		     struct arena *a, struct meeting *m)
{
	sqlite3_stmt *q = s->stmt[S_MEETING_ON];
	store_bind_str(q, 1, panel);
	store_bind_str(q, 2, from);
	store_bind_str(q, 3, to);
	return one_meeting(q, a, m);
}

int store_item_by_code(struct store *s, int64_t meeting, struct str code, struct arena *a,
		       struct item *it)
{
	sqlite3_stmt *q = s->stmt[S_ITEM_BY_CODE];
	sqlite3_bind_int64(q, 1, meeting);
	store_bind_str(q, 2, code);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		read_item(q, a, it);
	store_reset(q);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? -DOCKET_ENOTFOUND : -DOCKET_ESTORAGE;
}
