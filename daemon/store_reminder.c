/* The reminders table: the schedule docketd fires from. */
#include <string.h>

#include "docket/error.h"
#include "proto.h"
#include "store_int.h"

static void read_reminder(sqlite3_stmt *q, struct reminder *r)
{
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(q, 0);
	const char *kind = (const char *)sqlite3_column_text(q, 1);
	r->kind = kind ? proto_enum_lookup(proto_reminder_kinds, kind, (uint32_t)strlen(kind)) : -1;
	r->meeting = sqlite3_column_int64(q, 2);
	r->ref = store_column_str(q, 3, NULL);
	r->days = sqlite3_column_int(q, 4);
	r->target_at = store_column_str(q, 5, NULL);
	r->due_at = store_column_str(q, 6, NULL);
	const char *status = (const char *)sqlite3_column_text(q, 7);
	r->status = status ? proto_enum_lookup(proto_reminder_statuses, status,
					       (uint32_t)strlen(status))
			   : -1;
	r->seq = sqlite3_column_int64(q, 8);
	r->settled_at = store_column_str(q, 9, NULL);
}

static int each(sqlite3_stmt *q, store_reminder_fn fn, void *ctx)
{
	int rc, ret = 0;
	struct reminder r;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		read_reminder(q, &r);
		/* A kind or status this build does not know means the file was edited by hand. */
		if (r.kind < 0 || r.status < 0 || !r.due_at.ptr || !r.target_at.ptr) {
			ret = -DOCKET_ESTORAGE;
			break;
		}
		if ((ret = fn(ctx, &r)) < 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = -DOCKET_ESTORAGE;
	store_reset(q);
	return ret;
}

static void bind_reminder(sqlite3_stmt *q, const struct reminder *r)
{
	sqlite3_bind_int64(q, 1, r->id);
	sqlite3_bind_text(q, 2, proto_reminder_kinds[r->kind], -1, SQLITE_STATIC);
	if (r->meeting)
		sqlite3_bind_int64(q, 3, r->meeting);
	store_bind_str(q, 4, r->ref);
	sqlite3_bind_int(q, 5, r->days);
	store_bind_str(q, 6, r->target_at);
	store_bind_str(q, 7, r->due_at);
	sqlite3_bind_text(q, 8, proto_reminder_statuses[r->status], -1, SQLITE_STATIC);
	if (r->seq)
		sqlite3_bind_int64(q, 9, r->seq);
	store_bind_str(q, 10, r->settled_at);
}

int store_reminder_insert(struct store *s, struct reminder *r)
{
	bind_reminder(s->stmt[S_REMINDER_INSERT], r);
	int rc = store_exec(s, S_REMINDER_INSERT);
	if (rc == 0)
		r->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

int store_reminder_update(struct store *s, const struct reminder *r)
{
	bind_reminder(s->stmt[S_REMINDER_UPDATE], r);
	return store_exec(s, S_REMINDER_UPDATE);
}

int store_reminders_of(struct store *s, int kind, int64_t meeting, struct str ref,
		       store_reminder_fn fn, void *ctx)
{
	sqlite3_stmt *q = s->stmt[meeting ? S_REMINDERS_OF_MEETING : S_REMINDERS_OF_REF];
	if (meeting)
		sqlite3_bind_int64(q, 1, meeting);
	else
		store_bind_str(q, 1, ref);
	sqlite3_bind_text(q, 2, proto_reminder_kinds[kind], -1, SQLITE_STATIC);
	return each(q, fn, ctx);
}

int store_reminders_due(struct store *s, struct str now, int64_t limit, store_reminder_fn fn,
			void *ctx)
{
	sqlite3_stmt *q = s->stmt[S_REMINDERS_DUE];
	store_bind_str(q, 1, now);
	sqlite3_bind_int64(q, 2, limit);
	return each(q, fn, ctx);
}

int store_reminder_next(struct store *s, struct arena *a, struct str *due_at)
{
	sqlite3_stmt *q = s->stmt[S_REMINDER_NEXT];
	int rc = sqlite3_step(q), ret = -DOCKET_ESTORAGE;
	if (rc == SQLITE_ROW) {
		*due_at = store_column_str(q, 0, a);
		ret = due_at->ptr ? 0 : -DOCKET_ENOTFOUND;
	}
	store_reset(q);
	return ret;
}

int store_reminder_list(struct store *s, int status, int kind, int64_t meeting, struct str ref,
			int64_t limit, store_reminder_fn fn, void *ctx)
{
	sqlite3_stmt *q = s->stmt[S_REMINDER_LIST];
	if (status >= 0)
		sqlite3_bind_text(q, 1, proto_reminder_statuses[status], -1, SQLITE_STATIC);
	if (kind >= 0)
		sqlite3_bind_text(q, 2, proto_reminder_kinds[kind], -1, SQLITE_STATIC);
	if (meeting)
		sqlite3_bind_int64(q, 3, meeting);
	store_bind_str(q, 4, ref);
	sqlite3_bind_int64(q, 5, limit);
	return each(q, fn, ctx);
}

int store_reminder_targets(struct store *s, store_reminder_fn fn, void *ctx)
{
	return each(s->stmt[S_REMINDER_TARGETS], fn, ctx);
}
