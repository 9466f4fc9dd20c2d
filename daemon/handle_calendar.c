/* The panel calendar: meetings and agenda items. */
#include <string.h>

#include "cmd.h"
#include "docket/error.h"
#include "pack.h"
#include "proto.h"

/* The meeting the request names; a cancelled one takes no further change. */
static int load_open_meeting(struct cmd *c, struct meeting *m)
{
	int64_t id = c->req->n[F_MEETING];
	int rc = store_meeting_get(c->store, id, c->arena, m);
	if (rc == -DOCKET_ENOTFOUND)
		return cmd_fail(c, rc, "no meeting %lld", (long long)id);
	if (rc < 0)
		return cmd_fail(c, rc, "cannot read meeting %lld: %s", (long long)id,
				store_errmsg(c->store));
	if (strcmp(cmd_meeting_status(c, m), "cancelled") == 0)
		return cmd_fail(c, -DOCKET_EPRECONDITION, "meeting %lld is cancelled", (long long)id);
	return 0;
}

static int meeting_event(struct cmd *c, const struct meeting *m, const char *type)
{
	struct event_head h = {
		.kind = EV_MEETING,
		.type = type,
		.meeting = m->id,
		.state = cmd_meeting_status(c, m),
		.version = m->version,
	};
	int rc = cmd_emit(c, &h);
	if (rc < 0)
		return rc;
	pack_cstr(c->out, "meeting");
	pack_meeting_head(c->out, m, h.state, 0);
	c->pairs++;
	cmd_reply_seq(c);
	return 0;
}

/* Decisions at meeting m beyond scheduled: once reported, the meeting is history. */
static int count_reported(struct cmd *c, const struct meeting *m, int64_t *n)
{
	int64_t all, scheduled;
	int rc = store_meeting_count(c->store, m->id, ST_NONE, &all);
	if (rc == 0)
		rc = store_meeting_count(c->store, m->id, ST_SCHEDULED, &scheduled);
	if (rc < 0)
		return cmd_fail(c, rc, "cannot count decisions: %s", store_errmsg(c->store));
	*n = all - scheduled;
	return 0;
}

static int meeting_add(struct cmd *c)
{
	const struct request *q = c->req;
	struct meeting m = {
		.panel = q->s[F_PANEL],
		.starts_at = q->s[F_STARTS_AT],
		.venue = q->s[F_VENUE],
		.status = {"scheduled", 9},
		.version = 1,
	};
	int rc = store_meeting_insert(c->store, &m);
	if (rc < 0)
		return cmd_fail(c, rc, "cannot store the meeting: %s", store_errmsg(c->store));
	return meeting_event(c, &m, "meeting.created");
}

static int meeting_change(struct cmd *c)
{
	struct meeting m;
	int rc = load_open_meeting(c, &m);
	if (rc < 0)
		return rc;
	char what[48];
	snprintf(what, sizeof what, "meeting %lld", (long long)m.id);
	if ((rc = cmd_check_version(c, what, m.version)) < 0)
		return rc;

	int64_t n;
	const char *type;
	if (c->req->op == OP_MEETING_MOVE) {
		if ((rc = count_reported(c, &m, &n)) < 0)
			return rc;
		if (n > 0)
			return cmd_fail(c, -DOCKET_EPRECONDITION,
					"meeting %lld has %lld decisions reported at it and cannot move",
					(long long)m.id, (long long)n);
		m.starts_at = c->req->s[F_STARTS_AT];
		type = "meeting.moved";
	} else {
		if (strcmp(cmd_meeting_status(c, &m), "held") == 0)
			return cmd_fail(c, -DOCKET_EPRECONDITION,
					"meeting %lld was held at %.*s and cannot be cancelled",
					(long long)m.id, (int)m.starts_at.len, m.starts_at.ptr);
		if ((rc = store_meeting_count(c->store, m.id, ST_NONE, &n)) < 0)
			return cmd_fail(c, rc, "cannot count decisions: %s", store_errmsg(c->store));
		if (n > 0)
			return cmd_fail(c, -DOCKET_EPRECONDITION,
					"meeting %lld has %lld decisions on its items; unschedule them "
					"first",
					(long long)m.id, (long long)n);
		m.status = (struct str){"cancelled", 9};
		type = "meeting.cancelled";
	}
	m.version++;
	if ((rc = store_meeting_update(c->store, &m)) < 0)
		return cmd_fail(c, rc, "cannot store meeting %lld: %s", (long long)m.id,
				store_errmsg(c->store));
	return meeting_event(c, &m, type);
}

static int item_add(struct cmd *c)
{
	const struct request *q = c->req;
	struct meeting m;
	int rc = load_open_meeting(c, &m);
	if (rc < 0)
		return rc;
	struct item it = {
		.meeting = m.id,
		.code = q->s[F_CODE],
		.subject = q->s[F_SUBJECT],
		.period_start = q->s[F_PERIOD_START],
		.period_end = q->s[F_PERIOD_END],
		.from = q->s[F_FROM],
		.to = q->s[F_TO],
	};
	if ((rc = store_item_insert(c->store, &it)) < 0)
		return cmd_fail(c, rc, "cannot store the item: %s", store_errmsg(c->store));
	struct event_head h = {.kind = EV_ITEM, .type = "item.created", .meeting = m.id, .item = it.id};
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
	case OP_MEETING_MOVE:
	case OP_MEETING_CANCEL:
		return meeting_change(c);
	default:
		return item_add(c);
	}
}
