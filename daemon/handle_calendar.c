/* The panel calendar: meetings and agenda items, by the status table of fsm.c. */
#include <string.h>

#include "cmd.h"
#include "date.h"
#include "docket/error.h"
#include "fsm.h"
#include "pack.h"
#include "proto.h"
#include "reminder.h"
#include "codec.h"

/* The request's starts_at as a moment, in UTC text in the arena. */
static int starts_at(struct cmd *c, int64_t *epoch, struct str *utc)
{
	struct str t = c->req->s[F_STARTS_AT];
	struct date_time dt;
	/* request.c checked the format. */
	date_time_parse(t.ptr, t.len, &dt);
	int rc = tz_resolve(c->office->tz, &dt, "starts_at", epoch, c->err, sizeof c->err);
	if (rc < 0)
		return rc;
	char *p = arena_alloc(c->arena, DATE_TIME_LEN);
	if (!p)
		return cmd_fail(c, -DOCKET_ENOMEM, "out of memory");
	date_format_utc(*epoch, p);
	*utc = (struct str){p, DATE_TIME_LEN - 1};
	/* The event says when in UTC, whatever form the request used. */
	cmd_set(c, "starts_at", *utc);
	return 0;
}

/* Re-plan m's reminders in this command's transaction. */
static int replan(struct cmd *c, const struct meeting *m)
{
	struct remind_ctx x;
	cmd_remind_ctx(c, &x);
	int rc = reminder_plan_meeting(&x, m);
	if (rc < 0)
		return cmd_fail(c, rc, "cannot plan the reminders of meeting %lld: %s",
				(long long)m->id, store_errmsg(c->store));
	c->replanned = 1;
	return 0;
}

static int meeting_event(struct cmd *c, const struct meeting *m, const char *type)
{
	struct meeting_view v;
	int rc = cmd_meeting_view(c, m, &v);
	if (rc < 0)
		return rc;
	struct event_head h = {
		.kind = EV_MEETING,
		.type = type,
		.meeting = m->id,
		.state = v.reads,
		.version = m->version,
	};
	if ((rc = cmd_emit(c, &h)) < 0)
		return rc;
	pack_cstr(c->out, "meeting");
	pack_meeting(c->out, m, &v, 0);
	c->pairs++;
	cmd_reply_seq(c);
	return 0;
}

/* Decisions on meeting m's items: all of them, and those reported at it. */
static int count(struct cmd *c, const struct meeting *m, int64_t *all, int64_t *reported)
{
	int64_t scheduled;
	int rc = store_meeting_count(c->store, m->id, ST_NONE, all);
	if (rc == 0)
		rc = store_meeting_count(c->store, m->id, ST_SCHEDULED, &scheduled);
	if (rc < 0)
		return cmd_fail(c, rc, "cannot count decisions: %s", store_errmsg(c->store));
	*reported = *all - scheduled;
	return 0;
}

static int meeting_add(struct cmd *c)
{
	const struct request *q = c->req;
	struct meeting m = {
		.panel = q->s[F_PANEL],
		.venue = q->s[F_VENUE],
		.status = MS_SCHEDULED,
		.version = 1,
	};
	int64_t at;
	int rc = starts_at(c, &at, &m.starts_at);
	if (rc < 0)
		return rc;
	if ((rc = store_meeting_insert(c->store, &m)) < 0)
		return cmd_fail(c, rc, "cannot store the meeting: %s", store_errmsg(c->store));
	if ((rc = replan(c, &m)) < 0)
		return rc;
	return meeting_event(c, &m, "meeting.created");
}

/* The meeting the request names, its view now, and the rule for the command. */
static int load(struct cmd *c, struct meeting *m, struct meeting_view *v,
		const struct fsm_meeting_rule **rule)
{
	int64_t id = c->req->n[F_MEETING];
	int rc = store_meeting_get(c->store, id, c->arena, m);
	if (rc == -DOCKET_ENOTFOUND)
		return cmd_fail(c, rc, "no meeting %lld", (long long)id);
	if (rc < 0)
		return cmd_fail(c, rc, "cannot read meeting %lld: %s", (long long)id,
				store_errmsg(c->store));
	if ((rc = cmd_meeting_view(c, m, v)) < 0)
		return rc;
	const char *op = proto_op_name(c->req->op);
	*rule = fsm_meeting_rule(v->status, c->req->op);
	if (*rule)
		return 0;
	if (v->status == MS_SCHEDULED && c->req->op == OP_MEETING_HELD)
		return cmd_fail(c, -DOCKET_EPRECONDITION,
				"meeting %lld starts at %s %s, which has not come; '%s' records a "
				"meeting that took place",
				(long long)id, v->local, v->zone, op);
	return cmd_fail(c, -DOCKET_EPRECONDITION,
			"meeting %lld is %s%s; '%s' is not allowed in that status", (long long)id,
			v->reads, v->status == MS_HELD ? " (recorded)" : "", op);
}

static int meeting_change(struct cmd *c)
{
	struct meeting m;
	struct meeting_view v;
	const struct fsm_meeting_rule *rule;
	int rc = load(c, &m, &v, &rule);
	if (rc < 0)
		return rc;
	char what[48];
	snprintf(what, sizeof what, "meeting %lld", (long long)m.id);
	if ((rc = cmd_check_version(c, what, m.version)) < 0)
		return rc;

	int64_t all = 0, reported = 0;
	if ((rc = count(c, &m, &all, &reported)) < 0)
		return rc;
	switch (c->req->op) {
	case OP_MEETING_MOVE: {
		if (reported > 0)
			return cmd_fail(c, -DOCKET_EPRECONDITION,
					"meeting %lld has %lld decisions reported at it and cannot move",
					(long long)m.id, (long long)reported);
		int64_t at;
		if ((rc = starts_at(c, &at, &m.starts_at)) < 0)
			return rc;
		if (m.status == MS_HELD && at > c->now)
			return cmd_fail(c, -DOCKET_EPRECONDITION,
					"meeting %lld is recorded as held and cannot move to a time "
					"that has not come",
					(long long)m.id);
		break;
	}
	case OP_MEETING_CANCEL:
		if (all > 0)
			return cmd_fail(c, -DOCKET_EPRECONDITION,
					"meeting %lld has %lld decisions on its items; unschedule them "
					"first",
					(long long)m.id, (long long)all);
		break;
	default:
		break;
	}
	if (rule->to != FSM_SAME)
		m.status = rule->to;
	m.version++;
	if ((rc = store_meeting_update(c->store, &m)) < 0)
		return cmd_fail(c, rc, "cannot store meeting %lld: %s", (long long)m.id,
				store_errmsg(c->store));
	if ((rc = replan(c, &m)) < 0)
		return rc;
	return meeting_event(c, &m, rule->event);
}

static int item_add(struct cmd *c)
{
	const struct request *q = c->req;
	struct meeting m;
	struct meeting_view v;
	const struct fsm_meeting_rule *rule;
	int rc = load(c, &m, &v, &rule);
	if (rc < 0)
		return rc;
	struct str start = q->s[F_PERIOD_START], end = q->s[F_PERIOD_END];
	/* Both are YYYY-MM-DD, so they compare as text. */
	if (start.ptr && end.ptr && memcmp(start.ptr, end.ptr, 10) > 0)
		return cmd_fail(c, -DOCKET_EBADREQ,
				"the period starts on %.*s, after it ends on %.*s", (int)start.len,
				start.ptr, (int)end.len, end.ptr);
	if ((rc = store_item_code_taken(c->store, m.id, q->s[F_CODE])) != 0)
		return rc < 0 ? cmd_fail(c, rc, "cannot read the items: %s", store_errmsg(c->store))
			      : cmd_fail(c, -DOCKET_ECONFLICT,
					 "meeting %lld already has an item coded '%.*s'",
					 (long long)m.id, (int)q->s[F_CODE].len, q->s[F_CODE].ptr);
	struct item it = {
		.meeting = m.id,
		.code = q->s[F_CODE],
		.subject = q->s[F_SUBJECT],
		.period_start = start,
		.period_end = end,
		.from = q->s[F_FROM],
		.to = q->s[F_TO],
	};
	if ((rc = store_item_insert(c->store, &it)) < 0)
		return cmd_fail(c, rc, "cannot store the item: %s", store_errmsg(c->store));
	struct event_head h = {.kind = EV_ITEM, .type = rule->event, .meeting = m.id, .item = it.id};
	if ((rc = cmd_emit(c, &h)) < 0)
		return rc;
	pack_cstr(c->out, "item");
	pack_item_head(c->out, &it, 0);
	c->pairs++;
	cmd_reply_seq(c);
	return 0;
}

int handle_calendar(struct cmd *c)
{
	int rc = cmd_need_role(c, ROLE_SECRETARIAT);
	if (rc < 0)
		return rc;
	switch (c->req->op) {
	case OP_MEETING_ADD:
		return meeting_add(c);
	case OP_ITEM_ADD:
		return item_add(c);
	default:
		return meeting_change(c);
	}
}

static int order_add(void *ctx, const struct decision *d)
{
	return cmd_refs_add(ctx, d->ref);
}

/*
 * item_order: the order an item's report lists its decisions in. refs must
 * name every decision on the item once, so that no decision is dropped from
 * a report by a list that was out of date.
 */
int handle_item_order(struct cmd *c)
{
	const struct request *q = c->req;
	int rc = cmd_need_role(c, ROLE_SECRETARIAT);
	if (rc < 0)
		return rc;
	int64_t id = q->n[F_ITEM];
	struct item it;
	if ((rc = store_item_get(c->store, id, c->arena, &it)) == -DOCKET_ENOTFOUND)
		return cmd_fail(c, rc, "no agenda item %lld", (long long)id);
	struct cmd_refs now = {.arena = c->arena};
	if (rc < 0 || (rc = store_item_decisions(c->store, id, order_add, &now)) < 0)
		return cmd_fail(c, rc == -DOCKET_ENOMEM ? rc : -DOCKET_ESTORAGE,
				"cannot read item %lld: %s", (long long)id, store_errmsg(c->store));
	uint32_t n = (uint32_t)q->n[F_REFS];
	if (n != now.n)
		return cmd_fail(c, -DOCKET_EBADREQ,
				"item %lld has %zu decisions; 'refs' names %u and must name each once",
				(long long)id, now.n, n);
	struct str *given = arena_alloc(c->arena, (n ? n : 1) * sizeof *given);
	char *bufs = arena_alloc(c->arena, (size_t)(n ? n : 1) * REF_BUF);
	if (!given || !bufs)
		return cmd_fail(c, -DOCKET_ENOMEM, "out of memory");
	struct codec_reader r;
	struct codec_value v;
	codec_reader_init(&r, q->s[F_REFS].ptr, q->s[F_REFS].len);
	codec_read(&r, &v);
	for (uint32_t i = 0; i < n; i++) {
		const char *canon;
		size_t len;
		char why[160];
		codec_read(&r, &v);
		if (v.type != CODEC_STR || v.u.s.len > REF_BUF)
			return cmd_fail(c, -DOCKET_EBADREQ, "'refs' must hold references");
		if (ref_normalize(v.u.s.ptr, v.u.s.len, bufs + (size_t)i * REF_BUF, &canon, &len,
				  "refs", why, sizeof why) < 0)
			return cmd_fail(c, -DOCKET_EBADREQ, "%s", why);
		given[i] = (struct str){canon, (uint32_t)len};
		size_t k = 0;
		while (k < now.n && !(now.ref[k].ptr && now.ref[k].len == len &&
				      memcmp(now.ref[k].ptr, canon, len) == 0))
			k++;
		if (k == now.n)
			return cmd_fail(c, -DOCKET_EBADREQ,
					"decision '%.*s' is not on item %lld, or is named twice",
					(int)len, canon, (long long)id);
		now.ref[k].ptr = NULL; /* each once */
	}
	for (uint32_t i = 0; i < n; i++)
		if ((rc = store_decision_set_position(c->store, given[i], i + 1)) < 0)
			return cmd_fail(c, rc, "cannot store the order: %s", store_errmsg(c->store));
	struct event_head h = {.kind = EV_ITEM, .type = "item.reordered", .meeting = it.meeting,
			       .item = id};
	if ((rc = cmd_emit(c, &h)) < 0)
		return rc;
	pack_cstr(c->out, "item");
	pack_item_head(c->out, &it, 0);
	pack_cstr(c->out, "decisions");
	msgpack_pack_array(c->out, n);
	for (uint32_t i = 0; i < n; i++)
		pack_str(c->out, given[i]);
	c->pairs += 2;
	cmd_reply_seq(c);
	return 0;
}
