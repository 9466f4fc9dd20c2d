/* Reminders: each target's schedule kept in step with it, and each reminder fired once. */
#include <stdint.h>
#include <string.h>

#include "brief.h"
#include "date.h"
#include "docket/error.h"
#include "event.h"
#include "pack.h"
#include "proto.h"
#include "reminder.h"

/* Fired more than this long after its time, a reminder says it is late. */
#define LATE_AFTER_S 60
/* Reminders settled per round of firing, so that the rows are read before they change. */
#define FIRE_ROUND 64

/* What reminders count back from. */
struct target {
	int kind;         /* REMIND_* */
	int64_t meeting;  /* a meeting's id, or 0 */
	struct str ref;   /* a decision's ref, or nil */
	int wants;        /* whether it should have reminders now */
	int64_t at;       /* the meeting's start, or the end of the day due */
	int64_t day;      /* the office's date the days count back from */
};

/* Rows read before any of them changes. */
struct rows {
	struct arena *arena;
	struct reminder *r;
	size_t n, cap;
};

static struct str copy(struct arena *a, struct str s)
{
	if (!s.ptr)
		return s;
	char *p = arena_strndup(a, s.ptr, s.len);
	return (struct str){p, p ? s.len : 0};
}

static int collect(void *ctx, const struct reminder *r)
{
	struct rows *rows = ctx;
	if (rows->n == rows->cap) {
		size_t cap = rows->cap ? 2 * rows->cap : 8;
		struct reminder *grown = arena_alloc(rows->arena, cap * sizeof *grown);
		if (!grown)
			return -DOCKET_ENOMEM;
		if (rows->n)
			memcpy(grown, rows->r, rows->n * sizeof *grown);
		rows->r = grown;
		rows->cap = cap;
	}
	struct reminder *c = &rows->r[rows->n++];
	*c = *r;
	c->ref = copy(rows->arena, r->ref);
	c->target_at = copy(rows->arena, r->target_at);
	c->due_at = copy(rows->arena, r->due_at);
	c->settled_at = copy(rows->arena, r->settled_at);
	if ((r->ref.ptr && !c->ref.ptr) || !c->target_at.ptr || !c->due_at.ptr)
		return -DOCKET_ENOMEM;
	return 0;
}

static int64_t due_of(const struct remind_ctx *x, const struct target *t, int days)
{
	return tz_at(x->office->tz, t->day - days, x->office->remind_minute);
}

static int str_is(struct str s, const char *c)
{
	return s.ptr && s.len == strlen(c) && memcmp(s.ptr, c, s.len) == 0;
}

static int plan(const struct remind_ctx *x, const struct target *t)
{
	struct rows rows = {.arena = x->arena};
	int rc = store_reminders_of(x->store, t->kind, t->meeting, t->ref, collect, &rows);
	if (rc < 0)
		return rc;
	const struct remind_days *want = &x->office->remind[t->kind];
	char target_at[DATE_TIME_LEN], due_at[DATE_TIME_LEN];
	date_format_utc(t->at, target_at);
	unsigned covered = 0; /* bits of want's days that have a pending reminder */

	for (size_t i = 0; i < rows.n; i++) {
		struct reminder *r = &rows.r[i];
		if (r->status != RS_PENDING)
			continue;
		int k = -1;
		for (int j = 0; t->wants && j < want->n; j++)
			if (want->days[j] == r->days && !(covered & (1u << j)))
				k = j;
		int64_t due = due_of(x, t, r->days);
		/* Only before its target (a 09:00 reminder on the day of an 08:00 meeting is not). */
		if (k < 0 || due >= t->at) {
			r->status = RS_CANCELLED;
			r->settled_at = str_c(x->ts);
		} else {
			covered |= 1u << k;
			date_format_utc(due, due_at);
			if (str_is(r->target_at, target_at) && str_is(r->due_at, due_at))
				continue;
			/* Moved: it comes at the new time, even one already past (it fires at once). */
			r->target_at = (struct str){target_at, DATE_TIME_LEN - 1};
			r->due_at = (struct str){due_at, DATE_TIME_LEN - 1};
		}
		if ((rc = store_reminder_update(x->store, r)) < 0)
			return rc;
	}
	for (int j = 0; t->wants && j < want->n; j++) {
		if (covered & (1u << j))
			continue;
		int days = want->days[j];
		int64_t due = due_of(x, t, days);
		/* Only ahead of its target and of now: a time already past is not planned. */
		if (due <= x->now || due >= t->at)
			continue;
		/* Never again for a target time one fired or was missed for. */
		int settled = 0;
		for (size_t i = 0; i < rows.n; i++)
			settled |= rows.r[i].days == days &&
				   (rows.r[i].status == RS_FIRED || rows.r[i].status == RS_MISSED) &&
				   str_is(rows.r[i].target_at, target_at);
		if (settled)
			continue;
		date_format_utc(due, due_at);
		struct reminder r = {
			.kind = t->kind,
			.meeting = t->meeting,
			.ref = t->ref,
			.days = days,
			.target_at = {target_at, DATE_TIME_LEN - 1},
			.due_at = {due_at, DATE_TIME_LEN - 1},
			.status = RS_PENDING,
		};
		if ((rc = store_reminder_insert(x->store, &r)) < 0)
			return rc;
	}
	return 0;
}

int reminder_plan_meeting(const struct remind_ctx *x, const struct meeting *m)
{
	struct target t = {.kind = REMIND_MEETING, .meeting = m->id};
	if (date_utc_parse(m->starts_at.ptr, m->starts_at.len, &t.at) < 0)
		return -DOCKET_ESTORAGE;
	t.wants = m->status == MS_SCHEDULED && t.at > x->now;
	t.day = tz_days(x->office->tz, t.at);
	return plan(x, &t);
}

/* A target whose day is a business date: it ends when the office's next day begins. */
static int plan_date(const struct remind_ctx *x, int kind, const struct decision *d,
		     struct str date, int wants)
{
	struct target t = {.kind = kind, .ref = d->ref, .wants = wants && date.ptr};
	if (t.wants && date_parse(date.ptr, date.len, &t.day) < 0)
		return -DOCKET_ESTORAGE;
	t.at = t.wants ? tz_at(x->office->tz, t.day + 1, 0) : 0;
	return plan(x, &t);
}

int reminder_plan_decision(const struct remind_ctx *x, const struct decision *d)
{
	int rc = plan_date(x, REMIND_RESPONSE, d, d->col[D_RESPONSE_DUE],
			   d->state == ST_RESPONSE_DUE);
	if (rc == 0)
		rc = plan_date(x, REMIND_REVIEW, d, d->col[D_REVIEW_DATE], decision_restricted(d));
	return rc;
}

static int plan_one_meeting(void *ctx, const struct meeting *m)
{
	return reminder_plan_meeting(ctx, m);
}

static int plan_one_decision(void *ctx, const struct decision *d)
{
	return reminder_plan_decision(ctx, d);
}

int reminder_plan_all(const struct remind_ctx *x)
{
	/* Whatever has a pending reminder, first: it may no longer want one. */
	struct rows targets = {.arena = x->arena};
	int rc = store_reminder_targets(x->store, collect, &targets);
	for (size_t i = 0; rc == 0 && i < targets.n; i++) {
		const struct reminder *r = &targets.r[i];
		if (r->meeting) {
			struct meeting m;
			rc = store_meeting_get(x->store, r->meeting, x->arena, &m);
			if (rc == 0)
				rc = reminder_plan_meeting(x, &m);
		} else {
			struct decision d;
			rc = store_decision_get(x->store, r->ref, x->arena, &d);
			if (rc == 0)
				rc = reminder_plan_decision(x, &d);
		}
	}
	if (rc == 0)
		rc = store_meeting_list(x->store, plan_one_meeting, (void *)x);
	if (rc == 0)
		rc = store_decision_responses(x->store, (struct str){NULL, 0}, plan_one_decision,
					      (void *)x);
	if (rc == 0)
		rc = store_decision_reviews(x->store, (struct str){NULL, 0}, plan_one_decision,
					    (void *)x);
	return rc == -DOCKET_ENOTFOUND ? -DOCKET_ESTORAGE : rc;
}

static const struct str docketd = {"docketd", 7};

/* The head every reminder event has, then data's first four pairs; data has n pairs in all. */
static size_t begin(const struct remind_ctx *x, struct outbox *o, msgpack_packer *pk,
		    const char *type, const struct reminder *r, size_t n)
{
	size_t start = event_begin(x->store, o, pk, type, x->ts, docketd, 4);
	pack_cstr(pk, "reminder");
	msgpack_pack_int64(pk, r->id);
	pack_cstr(pk, "kind");
	pack_cstr(pk, proto_reminder_kinds[r->kind]);
	if (r->meeting) {
		pack_cstr(pk, "meeting");
		msgpack_pack_int64(pk, r->meeting);
	} else {
		pack_cstr(pk, "ref");
		pack_str(pk, r->ref);
	}
	pack_cstr(pk, "data");
	msgpack_pack_map(pk, n);
	pack_cstr(pk, "due_at");
	pack_str(pk, r->due_at);
	pack_cstr(pk, "target_at");
	pack_str(pk, r->target_at);
	pack_cstr(pk, "days");
	msgpack_pack_int(pk, r->days);
	return start;
}

static int end(const struct remind_ctx *x, struct outbox *o, size_t start, struct reminder *r,
	       const char *type, int status)
{
	struct event ev = {
		.ts = x->ts,
		.type = type,
		.actor = docketd,
		.ref = r->ref,
		.meeting = r->meeting,
	};
	int rc = event_end(x->store, o, start, &ev);
	if (rc < 0)
		return rc;
	r->status = status;
	r->seq = ev.seq;
	r->settled_at = str_c(x->ts);
	return store_reminder_update(x->store, r);
}

static int miss(const struct remind_ctx *x, struct outbox *o, struct reminder *r,
		const char *reason)
{
	msgpack_packer pk;
	size_t start = begin(x, o, &pk, "reminder.missed", r, 4);
	pack_cstr(&pk, "reason");
	pack_cstr(&pk, reason);
	return end(x, o, start, r, "reminder.missed", RS_MISSED);
}

static int fire(const struct remind_ctx *x, struct outbox *o, struct reminder *r)
{
	struct meeting m;
	struct decision d;
	int rc = r->meeting ? store_meeting_get(x->store, r->meeting, x->arena, &m)
			    : store_decision_get(x->store, r->ref, x->arena, &d);
	if (rc == -DOCKET_ENOTFOUND)
		return miss(x, o, r, "its meeting or decision is not in the store");
	if (rc < 0)
		return rc;
	int64_t due = 0;
	date_utc_parse(r->due_at.ptr, r->due_at.len, &due);
	size_t n = 4 + (r->kind == REMIND_MEETING ? BRIEF_PAIRS : r->kind == REMIND_RESPONSE ? 2 : 3);
	msgpack_packer pk;
	size_t start = begin(x, o, &pk, "reminder.due", r, n);
	pack_cstr(&pk, "late");
	if (x->now - due > LATE_AFTER_S)
		msgpack_pack_true(&pk);
	else
		msgpack_pack_false(&pk);
	if (r->kind == REMIND_MEETING) {
		if ((rc = brief_pack(&pk, x, &m)) < 0)
			return rc;
	} else {
		pack_cstr(&pk, "decision");
		pack_decision(&pk, &d, 1);
		if (r->kind == REMIND_RESPONSE) {
			pack_cstr(&pk, "response_due");
			pack_str(&pk, d.col[D_RESPONSE_DUE]);
		} else {
			pack_cstr(&pk, "review_date");
			pack_str(&pk, d.col[D_REVIEW_DATE]);
			pack_cstr(&pk, "restriction");
			pack_str(&pk, d.col[D_RESTRICTION]);
		}
	}
	return end(x, o, start, r, "reminder.due", RS_FIRED);
}

int reminder_fire_due(const struct remind_ctx *x, struct outbox *o, int *settled)
{
	char now[DATE_TIME_LEN];
	date_format_utc(x->now, now);
	*settled = 0;
	for (;;) {
		struct rows due = {.arena = x->arena};
		int rc = store_reminders_due(x->store, (struct str){now, DATE_TIME_LEN - 1},
					     FIRE_ROUND, collect, &due);
		if (rc < 0)
			return rc;
		for (size_t i = 0; i < due.n; i++) {
			struct reminder *r = &due.r[i];
			int64_t target;
			if (date_utc_parse(r->target_at.ptr, r->target_at.len, &target) < 0)
				return -DOCKET_ESTORAGE;
			rc = target > x->now
				     ? fire(x, o, r)
				     : miss(x, o, r, "its meeting or deadline had passed when it came due");
			if (rc < 0)
				return rc;
			(*settled)++;
		}
		if (due.n < FIRE_ROUND)
			return 0;
	}
}

int reminder_next(const struct remind_ctx *x, int64_t *due)
{
	struct str at;
	int rc = store_reminder_next(x->store, x->arena, &at);
	*due = INT64_MAX;
	if (rc == -DOCKET_ENOTFOUND)
		return 0;
	if (rc < 0 || date_utc_parse(at.ptr, at.len, due) < 0)
		return -DOCKET_ESTORAGE;
	return 0;
}
